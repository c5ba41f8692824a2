package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #19, item 4: a disk store's active segment truncated by hand after it was synced was taken
 * for a torn tail, and {@code cairn verify} reported nothing. Now verify exits 1 naming the file,
 * read-only and read-write.
 */
class VerifySyncedDamageTest {
  @TempDir Path dir;

  @Test
  void verifyExitsOneNamingASyncedSegmentThatWasTruncated() throws Exception {
    Path store = dir.resolve("store");
    String spec = "disk:" + store;
    for (int i = 0; i < 3; i++) {
      Files.writeString(dir.resolve("f" + i), "object number " + i + "\n");
      CliRun put = CliRun.run(dir, "--store", spec, "put", "f" + i);
      assertThat(put.exit).as(put.toString()).isZero();
    }
    assertThat(CliRun.run(dir, "--store", spec, "verify").exit).isZero();
    Path segment;
    try (Stream<Path> files = Files.list(store)) {
      segment =
          files
              .filter(f -> f.toString().endsWith(".data"))
              .sorted()
              .reduce((a, b) -> b)
              .orElseThrow();
    }
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 5); // into the last object, which a close synced
    }

    CliRun readOnly = CliRun.run(dir, "--store", spec + "?mode=read-only", "verify");
    assertThat(readOnly.exit).as(readOnly.toString()).isEqualTo(1);
    assertThat(readOnly.out).contains("damaged: in " + segment + "@");

    CliRun writable = CliRun.run(dir, "--store", spec, "verify");
    assertThat(writable.exit).as(writable.toString()).isEqualTo(1);
    assertThat(writable.err).contains(segment.toString()).contains("mode=read-only");
    assertThat(Files.size(segment)).as("nothing cut off").isGreaterThan(0);
  }
}
