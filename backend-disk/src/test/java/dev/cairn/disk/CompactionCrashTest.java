package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.testkit.FaultyFileSystem;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power loss (on a {@link FaultyFileSystem}: unsynced writes dropped, cut short or reordered,
 * unsynced directory entries forgotten) at random instants of a compaction (while a writer keeps
 * writing): the store opens with every object the compaction was told to keep, every object
 * acknowledged meanwhile, and no reported damage.
 */
class CompactionCrashTest {
  @TempDir Path root;

  @Test
  void compactionIsCrashSafeAtEveryStep() throws Exception {
    Path pristine = root.resolve("pristine");
    Map<Hash, byte[]> objects = new LinkedHashMap<>();
    Random random = new Random(21);
    DiskOptions options = DiskOptions.builder().segmentSize(16 * 1024).build();
    try (DiskBackend store = DiskBackend.open(pristine, options)) {
      for (int i = 0; i < 1000; i++) {
        byte[] data = DiskBackendTest.bytes(random, 400);
        objects.put(store.put(data), data);
      }
    }
    Set<Hash> keep = new HashSet<>();
    objects
        .keySet()
        .forEach(
            h -> {
              if ((h.byteAt(0) & 1) == 0) {
                keep.add(h);
              }
            });
    long duration;
    {
      Path dir = root.resolve("timing");
      StoreFiles.copy(pristine, dir);
      try (DiskBackend store = DiskBackend.open(dir, options)) {
        long start = System.nanoTime();
        store.compact(keep::contains);
        duration = Math.max(1, (System.nanoTime() - start) / 1_000_000);
      }
    }
    int rounds = Budget.scale(20, 200);
    int completed = 0;
    for (int round = 0; round < rounds; round++) {
      Path dir = root.resolve("work");
      StoreFiles.copy(pristine, dir);
      FaultyFileSystem fs = FaultyFileSystem.create(round);
      DiskBackend store = DiskBackend.open(fs.path(dir), options);
      Workload workload = new Workload();
      int writerId = 1000 + round;
      Thread writer = new Thread(() -> workload.run(store, writerId, true, 1_000_000));
      boolean[] done = new boolean[1];
      Thread compactor =
          new Thread(
              () -> {
                try {
                  // As a collector would: what the writer adds meanwhile is live.
                  store.compact(h -> keep.contains(h) || !objects.containsKey(h));
                  done[0] = true;
                } catch (RuntimeException e) {
                  // the power went out
                }
              });
      writer.start();
      compactor.start();
      Thread.sleep(random.nextInt((int) duration * 3 / 2 + 1));
      String lost = PowerLossTest.powerLoss(fs, FaultyFileSystem.Loss.RANDOM);
      compactor.join();
      writer.join();
      if (done[0]) {
        completed++;
      }
      try {
        store.close();
      } catch (RuntimeException e) {
        // nothing can be synced any more
      }
      fs.close();
      try (DiskBackend reopened = DiskBackend.open(dir, options.toBuilder().verify(true).build())) {
        for (Hash hash : keep) {
          assertThat(reopened.read(hash))
              .as("kept %s, round %d, after losing %s", hash, round, lost)
              .hasValue(objects.get(hash));
        }
        workload.check(reopened);
        assertThat(reopened.problems()).as("after losing %s", lost).isEmpty();
        if (done[0]) {
          for (Hash hash : objects.keySet()) {
            if (!keep.contains(hash)) {
              assertThat(reopened.exists(hash)).isFalse();
            }
          }
        }
      }
    }
    System.out.printf(
        "compaction crash: %d power losses (%d after the compaction finished),"
            + " %d kept objects intact each time%n",
        rounds, completed, keep.size());
  }
}
