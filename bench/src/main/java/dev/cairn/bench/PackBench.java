package dev.cairn.bench;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.ByteSource;
import dev.cairn.storage.Compression;
import dev.cairn.storage.PackIndex;
import dev.cairn.storage.PackOptions;
import dev.cairn.storage.PackReader;
import dev.cairn.storage.PackSummary;
import dev.cairn.storage.PackWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The pack format on its own: bytes of a pack (and index) of every object of a Git repository
 * against Git's own aggressive pack of them, bytes per payload byte of incompressible values, and
 * random point reads of compressed against raw packs.
 *
 * <pre>
 * java -cp ... dev.cairn.bench.PackBench REPOSITORY [GIT_PACK_BYTES]
 * </pre>
 *
 * <p>Objects are read with {@code git cat-file --batch-all-objects --batch} and stored as Cairn's
 * {@code import-git} stores them: {@code "type size\0content"}, named by its SHA-1 (the Git object
 * id). {@code GIT_PACK_BYTES} is the size of the pack {@code git gc --aggressive} made of the same
 * repository, for the ratio.
 */
public final class PackBench {
  private PackBench() {}

  /** Runs the measurements and prints one line per figure. */
  public static void main(String[] args) throws Exception {
    Path repository = Path.of(args.length > 0 ? args[0] : ".");
    long gitPack = args.length > 1 ? Long.parseLong(args[1]) : 0;
    Path dir = Files.createTempDirectory("pack-bench");
    Map<Hash, byte[]> git = gitObjects(repository);
    long payload = git.values().stream().mapToLong(b -> b.length).sum();
    System.out.printf(Locale.ROOT, "git objects: %d, payload %d bytes%n", git.size(), payload);
    List<String> readable = new ArrayList<>();
    for (Compression compression : Compression.values()) {
      for (int level : compression == Compression.NONE ? new int[] {1} : new int[] {6, 19}) {
        PackOptions options = PackOptions.of(compression).withLevel(level);
        String name = "git-" + compression.optionValue() + "-" + level;
        long start = System.nanoTime();
        PackSummary summary = write(dir, name, HashAlgorithm.SHA1, options, git);
        double seconds = (System.nanoTime() - start) / 1e9;
        long bytes = summary.packBytes() + summary.indexBytes();
        System.out.printf(
            Locale.ROOT,
            "git %s level %d: pack %d + index %d = %d bytes (dictionary %d), %.2f x payload,"
                + " %s x git gc --aggressive, written in %.2f s%n",
            compression.optionValue(),
            level,
            summary.packBytes(),
            summary.indexBytes(),
            bytes,
            summary.dictionaryBytes(),
            (double) bytes / payload,
            gitPack == 0 ? "?" : String.format(Locale.ROOT, "%.2f", (double) bytes / gitPack),
            seconds);
        if (level != 19) {
          readable.add(name);
        }
      }
    }
    reads(dir, readable, HashAlgorithm.SHA1, git);
    for (int size : new int[] {1024, 64}) {
      Map<Hash, byte[]> random = random(200_000, size);
      for (int prefix : new int[] {0, 8}) {
        PackSummary summary =
            write(
                dir,
                "random",
                HashAlgorithm.SHA256,
                PackOptions.of(Compression.AUTO).withIndexHashBytes(prefix),
                random);
        System.out.printf(
            Locale.ROOT,
            "incompressible %d B x %d, index %s: %.4f x payload (pack %d, index %d)%n",
            size,
            random.size(),
            prefix == 0 ? "of whole hashes" : "of 8-byte prefixes",
            (double) (summary.packBytes() + summary.indexBytes()) / summary.payloadBytes(),
            summary.packBytes(),
            summary.indexBytes());
      }
    }
  }

  private static PackSummary write(
      Path dir,
      String name,
      HashAlgorithm algorithm,
      PackOptions options,
      Map<Hash, byte[]> objects)
      throws IOException {
    try (OutputStream pack =
            new BufferedOutputStream(Files.newOutputStream(dir.resolve(name + ".pack")), 1 << 16);
        OutputStream index = Files.newOutputStream(dir.resolve(name + ".idx"))) {
      PackWriter writer = PackWriter.create(pack, algorithm, options);
      for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
        writer.add(e.getKey(), e.getValue());
      }
      return writer.finish(index);
    }
  }

  /**
   * Random point reads of each pack named, through mapped buffers: rounds of 200,000 reads of each
   * pack in turn, so that a noisy machine slows them alike; the median round of each.
   */
  private static void reads(
      Path dir, List<String> names, HashAlgorithm algorithm, Map<Hash, byte[]> objects)
      throws IOException {
    List<Hash> hashes = new ArrayList<>(objects.keySet());
    List<PackReader> readers = new ArrayList<>();
    List<FileChannel> channels = new ArrayList<>();
    for (String name : names) {
      FileChannel pack = FileChannel.open(dir.resolve(name + ".pack"), StandardOpenOption.READ);
      FileChannel index = FileChannel.open(dir.resolve(name + ".idx"), StandardOpenOption.READ);
      channels.add(pack);
      channels.add(index);
      readers.add(
          PackReader.open(
              PackIndex.decode(
                  index.map(FileChannel.MapMode.READ_ONLY, 0, index.size()), name + ".idx"),
              ByteSource.of(pack.map(FileChannel.MapMode.READ_ONLY, 0, pack.size())),
              algorithm,
              name + ".pack"));
    }
    int rounds = 7;
    int reads = 200_000;
    double[][] rates = new double[readers.size()][rounds];
    long checksum = 0;
    for (int round = -1; round < rounds; round++) { // round -1 warms up
      for (int r = 0; r < readers.size(); r++) {
        Random random = new Random(round);
        long start = System.nanoTime();
        for (int i = 0; i < reads; i++) {
          checksum +=
              readers.get(r).read(hashes.get(random.nextInt(hashes.size()))).orElseThrow().length;
        }
        if (round >= 0) {
          rates[r][round] = reads / ((System.nanoTime() - start) / 1e9);
        }
      }
    }
    double base = 0;
    for (int r = 0; r < readers.size(); r++) {
      double[] sorted = rates[r].clone();
      java.util.Arrays.sort(sorted);
      double median = sorted[rounds / 2];
      if (r == 0) {
        base = median;
      }
      System.out.printf(
          Locale.ROOT,
          "  random reads of %s: %.0f reads/s (median of %d rounds," + " %.0f-%.0f), %.2f x %s%n",
          names.get(r),
          median,
          rounds,
          sorted[0],
          sorted[rounds - 1],
          median / base,
          names.get(0));
    }
    for (FileChannel channel : channels) {
      channel.close();
    }
    if (checksum < 0) {
      throw new AssertionError("unreachable: keeps the reads");
    }
  }

  private static Map<Hash, byte[]> random(int count, int size) {
    Random random = new Random(size);
    Map<Hash, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      out.put(HashAlgorithm.SHA256.hash(bytes), bytes);
    }
    return out;
  }

  /** Every object of {@code repository}, as {@code "type size\0content"} by SHA-1. */
  static Map<Hash, byte[]> gitObjects(Path repository) throws IOException, InterruptedException {
    Process git =
        new ProcessBuilder(
                "git",
                "-C",
                repository.toString(),
                "cat-file",
                "--batch-all-objects",
                "--batch",
                "--unordered")
            .redirectErrorStream(false)
            .start();
    git.getOutputStream().close();
    Map<Hash, byte[]> out = new LinkedHashMap<>();
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(git.getInputStream(), 1 << 16))) {
      String line;
      while ((line = readLine(in)) != null) {
        String[] parts = line.split(" ");
        String type = parts[1];
        int size = Integer.parseInt(parts[2]);
        byte[] header = (type + " " + size + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] object = new byte[header.length + size];
        System.arraycopy(header, 0, object, 0, header.length);
        in.readFully(object, header.length, size);
        in.readByte(); // the newline after the content
        Hash hash = HashAlgorithm.SHA1.hash(object);
        if (!hash.toHex().equals(parts[0])) {
          throw new IllegalStateException("object " + parts[0] + " hashes to " + hash);
        }
        out.put(hash, object);
      }
    }
    if (git.waitFor() != 0) {
      throw new IOException("git cat-file failed with status " + git.exitValue());
    }
    return out;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
