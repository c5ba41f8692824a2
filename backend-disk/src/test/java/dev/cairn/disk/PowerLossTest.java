package dev.cairn.disk;

import dev.cairn.spi.Capability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power loss at random instants: every byte not fsynced is dropped (files are cut back to
 * their length at their last sync). Everything acknowledged as durable must survive.
 */
class PowerLossTest {
  @TempDir Path dir;

  private void crashRepeatedly(DiskOptions.Fsync fsync) throws Exception {
    Random random = new Random(fsync.ordinal());
    Workload workload = new Workload();
    int rounds = Budget.scale(25, 300);
    for (int round = 0; round < rounds; round++) {
      FaultyFileIo io = new FaultyFileIo(round);
      io.shortWrites = random.nextBoolean();
      DiskOptions options = DiskOptions.builder().fsync(fsync).segmentSize(16384).build();
      DiskBackend store = DiskBackend.open(dir, options, io);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = round * 10 + w;
        writers.add(new Thread(() -> workload.run(store, writer,
            fsync == DiskOptions.Fsync.ALWAYS, 1_000_000)));
      }
      writers.forEach(Thread::start);
      Thread.sleep(2 + random.nextInt(40));
      io.powerLoss();
      for (Thread writer : writers) {
        writer.join();
      }
      try {
        store.close();
      } catch (RuntimeException e) {
        // The power is off: closing cannot sync.
      }
      try (DiskBackend reopened = DiskBackend.open(dir, options.toBuilder().verify(true).build())) {
        workload.check(reopened);
        org.assertj.core.api.Assertions.assertThat(reopened.problems()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(reopened.capabilities())
            .contains(Capability.PERSISTENT);
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
    FaultyFileIo io = new FaultyFileIo(2);
    var hash = dev.cairn.spi.HashAlgorithm.SHA256.hash(new byte[] {4, 5});
    try (DiskBackend store = DiskBackend.open(dir, DiskOptions.builder()
        .fsync(DiskOptions.Fsync.NEVER).build(), io)) {
      store.put(new byte[] {4, 5});
      store.setRef("refs/heads/main", hash);
    }
    io.powerLoss();
    try (DiskBackend reopened = DiskBackend.open(dir)) {
      org.assertj.core.api.Assertions.assertThat(reopened.read(hash)).hasValue(new byte[] {4, 5});
      org.assertj.core.api.Assertions.assertThat(reopened.getRef("refs/heads/main"))
          .hasValue(hash);
    }
  }

  @Test
  void unsyncedBytesAreReallyDroppedByTheInjector() throws IOException {
    FaultyFileIo io = new FaultyFileIo(1);
    DiskBackend store = DiskBackend.open(dir, DiskOptions.builder()
        .fsync(DiskOptions.Fsync.NEVER).build(), io);
    var hash = store.put(new byte[] {1, 2, 3});
    io.powerLoss();
    try {
      store.close();
    } catch (RuntimeException e) {
      // expected: nothing can be synced any more
    }
    try (DiskBackend reopened = DiskBackend.open(dir)) {
      org.assertj.core.api.Assertions.assertThat(reopened.read(hash)).isEmpty();
    }
  }
}
