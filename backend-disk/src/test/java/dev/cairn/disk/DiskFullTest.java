package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreIOException;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk fills up (a {@link FaultyFileSystem} out of space after a byte budget, with short
 * writes): the failing operation throws {@link StoreIOException} saying so, nothing acknowledged is
 * lost, no file is left open, and the store works again once space is back, in the same process and
 * after reopening.
 */
class DiskFullTest {
  @TempDir Path root;

  @Test
  void aFullDiskLosesNothingAndTheStoreRecovers() throws IOException {
    Random random = new Random(3);
    int limits = Budget.scale(25, 200);
    long failures = 0;
    long acknowledged = 0;
    for (int i = 0; i < limits; i++) {
      Workload workload = new Workload();
      Path dir = root.resolve("store" + i);
      DiskOptions options =
          DiskOptions.builder().segmentSize(8192).fsync(DiskOptions.Fsync.values()[i % 3]).build();
      try (FaultyFileSystem fs = FaultyFileSystem.create(i).shortTransfers(true)) {
        try (DiskBackend store = DiskBackend.open(fs.path(dir), options)) {
          fs.spaceLimit(1 + random.nextInt(60_000));
          workload.run(store, i, true, 1_000_000);
          failures++;
          assertThatThrownBy(() -> store.put(new byte[100]))
              .isInstanceOf(StoreIOException.class)
              .rootCause()
              .hasMessage("No space left on device");
          // Space is back; writes stay short.
          fs.heal().shortTransfers(true);
          Hash after = store.put(new byte[] {4, 5, 6});
          assertThat(store.read(after)).hasValue(new byte[] {4, 5, 6});
          workload.check(store);
          store.setRef("refs/after", after);
        }
        assertThat(fs.openFiles()).as("files left open").isEmpty();
      }
      try (DiskBackend reopened = DiskBackend.open(dir, options.toBuilder().verify(true).build())) {
        workload.check(reopened);
        assertThat(reopened.getRef("refs/after")).isPresent();
        assertThat(reopened.problems()).isEmpty();
      }
      acknowledged += workload.acknowledged.size();
    }
    assertThat(failures).isEqualTo(limits);
    System.out.printf(
        "disk full (injected): %d limits, %d acknowledged objects intact%n", limits, acknowledged);
  }
}
