package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Compaction;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreIOException;
import dev.cairn.testkit.FaultyFileSystem;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defects the fail-the-k-th-I/O family (reliability-tests, FailingIoTest) caught in the disk store:
 * each operation of a seal or a compaction fails in turn, then the store goes on.
 */
class FailedIoRegressionTest {
  @TempDir Path temp;

  private static final DiskOptions SMALL =
      DiskOptions.builder().fsync(DiskOptions.Fsync.BATCH).segmentSize(4096).build();

  private static Map<Hash, byte[]> batch(String name, int count) {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byte[] data = (name + "/" + i + "/" + "x".repeat(400)).getBytes();
      batch.put(HashAlgorithm.SHA256.hash(data), data);
    }
    return batch;
  }

  /**
   * Cuts the power under {@code store} (unsynced writes dropped), then checks that closing it left
   * no file open and that a reopened store holds every object of {@code durable}.
   */
  private static void cutPowerThenCheck(
      FaultyFileSystem fs, DiskBackend store, Path dir, long k, Map<Hash, byte[]> durable)
      throws java.io.IOException {
    fs.failOperationsFrom(fs.operations() + 1);
    fs.powerLoss(FaultyFileSystem.Loss.DROP);
    try {
      store.close();
    } catch (StoreIOException e) {
      // The power is off.
    }
    fs.heal();
    assertThat(fs.openFiles()).as("k=%d", k).isEmpty();
    try (DiskBackend reopened = DiskBackend.open(fs.path(dir), SMALL)) {
      for (Map.Entry<Hash, byte[]> entry : durable.entrySet()) {
        assertThat(reopened.read(entry.getKey()))
            .as("k=%d: %s", k, entry.getKey())
            .hasValue(entry.getValue());
      }
    }
  }

  /**
   * A seal whose failure came after the new manifest was in place went on appending to the segment
   * that manifest calls sealed, past its index: lost at the next open. The new segment's file was
   * left open too. And when only the directory sync after the manifest's rename failed, batches
   * were acknowledged durable in a segment whose file a power cut could still forget.
   */
  @Test
  void batchesAcknowledgedAfterASealWithAFailedOperationSurviveAPowerCutAndCloseLeavesNothingOpen()
      throws java.io.IOException {
    for (long k = 1; ; k++) {
      Path dir = temp.resolve("k" + k);
      try (FaultyFileSystem fs = FaultyFileSystem.create(k)) {
        Map<Hash, byte[]> durable = new LinkedHashMap<>();
        DiskBackend store = DiskBackend.open(fs.path(dir), SMALL);
        Map<Hash, byte[]> first = batch("first", 8);
        store.writeBatch(first);
        durable.putAll(first);
        long target = fs.operations() + k;
        fs.failOperation(target);
        for (int i = 0; i < 4; i++) {
          Map<Hash, byte[]> next = batch("b" + i, 3);
          try {
            store.writeBatch(next);
            durable.putAll(next);
          } catch (StoreIOException e) {
            // The injected failure: this batch was not acknowledged.
          }
        }
        boolean hit = fs.operations() >= target;
        cutPowerThenCheck(fs, store, dir, k, durable);
        if (!hit) {
          return;
        }
      }
    }
  }

  /** The same for a compaction: what it keeps is there after a power cut, whatever failed. */
  @Test
  void whatACompactionWithAFailedOperationKeepsSurvivesAPowerCut() throws java.io.IOException {
    for (long k = 1; ; k++) {
      Path dir = temp.resolve("k" + k);
      try (FaultyFileSystem fs = FaultyFileSystem.create(k)) {
        DiskBackend store = DiskBackend.open(fs.path(dir), SMALL);
        Map<Hash, byte[]> kept = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
          Map<Hash, byte[]> batch = batch("c" + i, 4);
          store.writeBatch(batch);
          batch.forEach(
              (hash, data) -> {
                if (hash.byteAt(0) % 2 == 0) {
                  kept.put(hash, data);
                }
              });
        }
        long target = fs.operations() + k;
        fs.failOperation(target);
        try {
          store.feature(Compaction.class).orElseThrow().compact(hash -> hash.byteAt(0) % 2 == 0);
        } catch (StoreIOException e) {
          // The injected failure.
        }
        boolean hit = fs.operations() >= target;
        fs.heal();
        Map<Hash, byte[]> after = batch("after", 2);
        store.writeBatch(after);
        kept.putAll(after);
        cutPowerThenCheck(fs, store, dir, k, kept);
        if (!hit) {
          return;
        }
      }
    }
  }

  /** Opening a store whose sealed segment's index could not be read left the data file open. */
  @Test
  void anOpenThatFailsLeavesNoFileOpen() throws java.io.IOException {
    Path dir = temp.resolve("store");
    try (FaultyFileSystem fs = FaultyFileSystem.create(1)) {
      try (DiskBackend store = DiskBackend.open(fs.path(dir), SMALL)) {
        for (int i = 0; i < 4; i++) {
          store.writeBatch(batch("o" + i, 4));
        }
      }
      for (long k = 1; ; k++) {
        long target = fs.operations() + k;
        fs.failOperation(target);
        try {
          DiskBackend.open(fs.path(dir), SMALL).close();
        } catch (StoreIOException e) {
          assertThat(fs.openFiles()).as("k=%d", k).isEmpty();
        }
        boolean hit = fs.operations() >= target;
        fs.heal();
        if (!hit) {
          return;
        }
      }
    }
  }
}
