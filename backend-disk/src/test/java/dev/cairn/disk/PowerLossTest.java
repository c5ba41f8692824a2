package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power loss at random instants, on a {@link FaultyFileSystem}: writes not yet fsynced are
 * dropped, cut short or kept out of order, and files created or renamed since their directory
 * was last synced may be forgotten. Everything acknowledged as durable must survive.
 */
class PowerLossTest {
  @TempDir Path dir;

  /**
   * Cuts the power under {@code fs}: from this instant no operation reaches the disk (the
   * machine is off, so the store cannot go on writing through new files either), then the
   * unsynced state is lost as {@code loss} says.
   */
  static String powerLoss(FaultyFileSystem fs, FaultyFileSystem.Loss loss) {
    fs.failOperationsFrom(fs.operations() + 1);
    return fs.powerLoss(loss);
  }

  private void crashRepeatedly(DiskOptions.Fsync fsync) throws Exception {
    Random random = new Random(fsync.ordinal());
    Workload workload = new Workload();
    int rounds = Budget.scale(25, 300);
    for (int round = 0; round < rounds; round++) {
      DiskOptions options = DiskOptions.builder().fsync(fsync).segmentSize(16384).build();
      String lost;
      try (FaultyFileSystem fs = FaultyFileSystem.create(round)
          .shortTransfers(random.nextBoolean())) {
        DiskBackend store = DiskBackend.open(fs.path(dir), options);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          int writer = round * 10 + w;
          writers.add(new Thread(() -> workload.run(store, writer,
              fsync == DiskOptions.Fsync.ALWAYS, 1_000_000)));
        }
        writers.forEach(Thread::start);
        Thread.sleep(2 + random.nextInt(40));
        lost = powerLoss(fs, FaultyFileSystem.Loss.RANDOM);
        for (Thread writer : writers) {
          writer.join();
        }
        try {
          store.close();
        } catch (RuntimeException e) {
          // The power is off: closing cannot sync.
        }
      }
      try (DiskBackend reopened = DiskBackend.open(dir, options.toBuilder().verify(true).build())) {
        assertThat(reopened.problems()).as("after losing %s", lost).isEmpty();
        workload.check(reopened);
        assertThat(reopened.capabilities()).contains(Capability.PERSISTENT);
      }
    }
    System.out.printf("power loss (fsync=%s): %d crashes, %d acknowledged objects and %d refs"
        + " all intact%n", fsync, rounds, workload.acknowledged.size(), workload.refs.size());
  }

  @Test
  void acknowledgedWritesSurvivePowerLossWithFsyncAlways() throws Exception {
    crashRepeatedly(DiskOptions.Fsync.ALWAYS);
  }

  @Test
  void acknowledgedBatchesSurvivePowerLossWithFsyncBatch() throws Exception {
    crashRepeatedly(DiskOptions.Fsync.BATCH);
  }

  @Test
  void closeMakesEverythingDurableEvenWithFsyncNever() throws IOException {
    Hash hash = HashAlgorithm.SHA256.hash(new byte[] {4, 5});
    try (FaultyFileSystem fs = FaultyFileSystem.create(2)) {
      try (DiskBackend store = DiskBackend.open(fs.path(dir), DiskOptions.builder()
          .fsync(DiskOptions.Fsync.NEVER).build())) {
        store.put(new byte[] {4, 5});
        store.setRef("refs/heads/main", hash);
      }
      powerLoss(fs, FaultyFileSystem.Loss.DROP);
    }
    try (DiskBackend reopened = DiskBackend.open(dir)) {
      assertThat(reopened.read(hash)).hasValue(new byte[] {4, 5});
      assertThat(reopened.getRef("refs/heads/main")).hasValue(hash);
    }
  }

  @Test
  void unsyncedBytesAreReallyDroppedByTheInjector() throws IOException {
    Hash hash;
    try (FaultyFileSystem fs = FaultyFileSystem.create(1)) {
      DiskBackend store = DiskBackend.open(fs.path(dir), DiskOptions.builder()
          .fsync(DiskOptions.Fsync.NEVER).build());
      hash = store.put(new byte[] {1, 2, 3});
      powerLoss(fs, FaultyFileSystem.Loss.DROP);
      try {
        store.close();
      } catch (RuntimeException e) {
        // expected: nothing can be synced any more
      }
    }
    try (DiskBackend reopened = DiskBackend.open(dir)) {
      assertThat(reopened.read(hash)).isEmpty();
    }
  }
}
