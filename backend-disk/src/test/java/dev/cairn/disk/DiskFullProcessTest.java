package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.testkit.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real file-size limit: the child JVM runs under {@code ulimit -f N}, so the kernel makes writes
 * short and then fails them with EFBIG. The child must see an I/O error, lose nothing it
 * acknowledged, and the store must work again without the limit.
 */
@EnabledOnOs(OS.LINUX)
class DiskFullProcessTest {
  @TempDir Path root;

  @Test
  void aFileSizeLimitLosesNothingAcknowledged() throws Exception {
    // Limits below the segment size, so the active segment runs into them; with 4 KiB
    // segments the limits of 1-3 KiB also catch index files (over 1 KiB) while sealing.
    List<long[]> cases = new ArrayList<>();
    for (int kib = 1; kib <= 3; kib++) {
      cases.add(new long[] {kib, 4096});
    }
    for (int kib = 1; kib < 64; kib += Budget.scale(3, 1)) {
      cases.add(new long[] {kib, 64 * 1024});
    }
    int limits = cases.size();
    long acknowledgedTotal = 0;
    for (int i = 0; i < limits; i++) {
      long kib = cases.get(i)[0];
      long segmentSize = cases.get(i)[1];
      Path dir = root.resolve("store" + i);
      List<String> java =
          ChildJvm.command(
              CrashChild.class, dir.toString(), "ALWAYS", "f" + i, "2", Long.toString(segmentSize));
      List<String> command =
          new ArrayList<>(List.of("bash", "-c", "ulimit -f " + kib + "; exec \"$@\"", "child"));
      command.addAll(java);
      ChildJvm child = ChildJvm.start(command);
      boolean exited = child.process().waitFor(60, TimeUnit.SECONDS);
      List<String> lines = exited ? child.finish() : child.kill();
      assertThat(exited).as("child under ulimit -f %d stopped by itself", kib).isTrue();
      assertThat(String.join("\n", lines))
          .as("child under ulimit -f %d", kib)
          .contains("ERROR")
          .contains("File too large");
      List<String> acknowledged = new ArrayList<>();
      for (String line : lines) {
        if (line.startsWith("O ")) {
          acknowledged.add(line.substring(2));
        }
      }
      acknowledgedTotal += acknowledged.size();
      DiskOptions options = DiskOptions.builder().segmentSize(segmentSize).verify(true).build();
      try (DiskBackend store = DiskBackend.open(dir, options)) {
        for (String key : acknowledged) {
          byte[] data = Workload.object(key);
          assertThat(store.read(HashAlgorithm.SHA256.hash(data)))
              .as("acknowledged %s", key)
              .hasValue(data);
        }
        assertThat(store.problems()).isEmpty();
        for (int n = 0; n < 50; n++) {
          store.put(Workload.object("after/" + i + "/" + n));
        }
      }
      try (DiskBackend store = DiskBackend.open(dir, options)) {
        for (int n = 0; n < 50; n++) {
          byte[] data = Workload.object("after/" + i + "/" + n);
          Hash hash = HashAlgorithm.SHA256.hash(data);
          assertThat(store.read(hash)).hasValue(data);
        }
      }
    }
    System.out.printf(
        "disk full (ulimit -f): %d limits, %d acknowledged objects intact%n",
        limits, acknowledgedTotal);
  }
}
