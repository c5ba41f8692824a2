package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.Hasher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code put}, {@code cat} and {@code verify} of objects far larger than the heap: they stream
 * (issue 19, item 9: a 400 MB {@code put} peaked at 1.27 GB and died under {@code -Xmx256m}). The
 * proportion is kept smaller so the test stays quick: a 256 MiB object through a JVM of {@code
 * -Xmx64m}.
 */
class LargeObjectCliTest {
  private static final long LARGE = 256L << 20;

  @TempDir Path dir;

  /** Writes {@code size} bytes of a repeated random block with a counter, returns their hash. */
  private static String writeFile(Path file, long size) throws IOException {
    byte[] block = new byte[1 << 20];
    new Random(19).nextBytes(block);
    Hasher hasher = HashAlgorithm.SHA256.newHasher();
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += block.length) {
        block[0]++;
        int n = (int) Math.min(block.length, size - written);
        out.write(block, 0, n);
        hasher.update(block, 0, n);
      }
    }
    return hasher.finish().toHex();
  }

  private static String hashOf(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return HashAlgorithm.SHA256.hash(in).toHex();
    }
  }

  /** Runs the CLI in a child JVM of {@code -Xmx64m}: its exit code; stdout and stderr to files. */
  private int cairn(Path stdin, Path stdout, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--store",
                "disk:" + dir.resolve("store")));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(dir.resolve("stderr").toFile());
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    Process process = builder.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the child ended").isTrue();
    return process.exitValue();
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
  }

  @Test
  void putAndCatStreamAnObjectFourTimesTheHeap() throws Exception {
    Path file = dir.resolve("large.bin");
    String expected = writeFile(file, LARGE);
    Path printed = dir.resolve("printed");

    assertThat(cairn(file, printed, "put", "-")).as(stderr()).isZero();
    assertThat(Files.readString(printed).strip()).isEqualTo(expected);
    assertThat(cairn(null, printed, "put", file.toString())).as(stderr()).isZero();
    assertThat(Files.readString(printed).strip()).isEqualTo(expected);

    Path copy = dir.resolve("copy.bin");
    assertThat(cairn(null, copy, "cat", expected)).as(stderr()).isZero();
    assertThat(Files.size(copy)).isEqualTo(LARGE);
    assertThat(hashOf(copy)).isEqualTo(expected);
    Files.delete(copy);
    assertThat(cairn(null, printed, "verify")).as(stderr()).isZero();
    assertThat(Files.readString(printed)).startsWith("ok: 1 objects");
    Files.delete(file);
  }

  @Test
  void aFileOverTheLimitIsRefusedInOneLineBeforeItIsRead() throws Exception {
    Path big = dir.resolve("big.bin");
    try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
      sparse.setLength(1L << 30);
    }
    CliRun put = CliRun.run(dir, "--store", "disk:store", "put", "big.bin");
    assertThat(put.exit).as(put.toString()).isEqualTo(1);
    assertThat(put.out).isEmpty();
    assertThat(put.err.lines())
        .containsExactly(
            "cairn: cannot store 'big.bin': disk:"
                + dir.resolve("store")
                + " holds objects of at most 536870912 bytes (512 MiB); this"
                + " one has 1073741824 bytes (1 GiB)");
    try (var files = Files.list(dir.resolve("store"))) {
      assertThat(
              files
                  .filter(f -> f.toString().endsWith(".data"))
                  .mapToLong(
                      f -> {
                        try {
                          return Files.size(f);
                        } catch (IOException e) {
                          throw new java.io.UncheckedIOException(e);
                        }
                      })
                  .sum())
          .as("bytes in segments")
          .isZero();
    }
  }

  @Test
  void storesStatesTheObjectSizeLimitOfEachType() {
    CliRun stores = CliRun.run(dir, "stores");
    assertThat(stores.out)
        .contains("disk (leaf)")
        .contains("    objects: at most 536870912 bytes (512 MiB)\n")
        .contains("    objects: what the stores below hold\n");
    assertThat(CliRun.run(dir, "--json", "stores").out)
        .contains("\"name\":\"disk\"")
        .contains("\"maxObjectSize\":536870912");
  }
}
