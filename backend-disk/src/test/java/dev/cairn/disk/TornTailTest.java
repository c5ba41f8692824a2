package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash leaves the last record of the active segment cut at any byte, or followed by garbage.
 * Recovery must keep every acknowledged record, serve nothing torn, and append after.
 */
class TornTailTest {
  @TempDir Path root;
  private Path crashed;
  private final Map<Hash, byte[]> acknowledged = new LinkedHashMap<>();
  private long sizeBefore;
  private long sizeAfter;
  private Map<Hash, byte[]> last;

  /** Writes objects, snapshots the directory before and after a last write, as a kill would. */
  private void prepare(boolean lastIsBatch) throws IOException {
    Random random = new Random(7);
    Path live = root.resolve("live");
    crashed = root.resolve("crashed");
    try (DiskBackend store = DiskBackend.open(live)) {
      for (int i = 0; i < 20; i++) {
        byte[] data = DiskBackendTest.bytes(random, 100);
        acknowledged.put(store.put(data), data);
      }
      sizeBefore = Files.size(StoreFiles.activeSegment(live));
      last = new LinkedHashMap<>();
      for (int i = 0; i < (lastIsBatch ? 3 : 1); i++) {
        byte[] data = DiskBackendTest.bytes(random, 40);
        last.put(HashAlgorithm.SHA256.hash(data), data);
      }
      store.writeBatch(last);
      sizeAfter = Files.size(StoreFiles.activeSegment(live));
      StoreFiles.copy(live, crashed);
    }
  }

  private void checkRecovers(Path dir, boolean lastMayBePresent) {
    // Recovery does not depend on the mode; NEVER keeps the many reopens cheap.
    DiskOptions never = DiskOptions.builder().fsync(DiskOptions.Fsync.NEVER).build();
    try (DiskBackend store = DiskBackend.open(dir, never)) {
      acknowledged.forEach((h, d) -> assertThat(store.read(h)).hasValue(d));
      boolean anyPresent = false;
      boolean allPresent = true;
      for (Map.Entry<Hash, byte[]> e : last.entrySet()) {
        var read = store.read(e.getKey());
        read.ifPresent(bytes -> assertThat(bytes).isEqualTo(e.getValue()));
        anyPresent |= read.isPresent();
        allPresent &= read.isPresent();
      }
      assertThat(anyPresent).isEqualTo(allPresent); // a batch is all or nothing
      if (!lastMayBePresent) {
        assertThat(anyPresent).isFalse();
      }
      assertThat(store.problems()).isEmpty();
      Hash next = store.put(new byte[] {1, 2, 3});
      assertThat(store.read(next)).hasValue(new byte[] {1, 2, 3});
    }
    try (DiskBackend store = DiskBackend.open(dir, never)) {
      assertThat(store.read(HashAlgorithm.SHA256.hash(new byte[] {1, 2, 3})))
          .hasValue(new byte[] {1, 2, 3});
      acknowledged.forEach((h, d) -> assertThat(store.read(h)).hasValue(d));
    }
  }

  @BeforeEach
  void clear() {
    acknowledged.clear();
  }

  @Test
  void aRecordCutAtEveryByteIsDroppedAndNothingElse() throws IOException {
    cutTheLastWriteAtEveryByte(false);
  }

  @Test
  void aBatchCutAtEveryByteIsAllOrNothing() throws IOException {
    cutTheLastWriteAtEveryByte(true);
  }

  /** Truncates the active segment at every byte of the last write and checks recovery. */
  private void cutTheLastWriteAtEveryByte(boolean batch) throws IOException {
    prepare(batch);
    Path work = root.resolve("work");
    for (long keep = sizeBefore; keep < sizeAfter; keep++) {
      StoreFiles.copy(crashed, work);
      StoreFiles.truncate(StoreFiles.activeSegment(work), keep);
      checkRecovers(work, false);
    }
  }

  @Test
  void garbageAfterTheLastRecordIsCutOff() throws IOException {
    prepare(false);
    Path work = root.resolve("work");
    Random random = new Random(11);
    for (int n = 1; n <= 64; n++) {
      StoreFiles.copy(crashed, work);
      byte[] garbage = new byte[n];
      random.nextBytes(garbage);
      if (n % 8 == 0) {
        garbage = new byte[n]; // zeros, as a file system may leave after power loss
      }
      StoreFiles.append(StoreFiles.activeSegment(work), garbage);
      checkRecovers(work, true);
    }
  }
}
