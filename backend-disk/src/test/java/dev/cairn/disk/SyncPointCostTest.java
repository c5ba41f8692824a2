package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.testkit.FaultyFileSystem;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What recording the sync point costs, counted on a {@link FaultyFileSystem}: fsyncs and writes per
 * operation and file. The sync point rides on fsyncs the store makes anyway, so a durable put, a
 * ref change and a flush make as many fsyncs as before it existed; only a flush under {@code
 * fsync=never} with ref changes not yet synced makes one more (the entries must be durable before a
 * sync point may claim them).
 */
class SyncPointCostTest {
  @TempDir Path temp;

  /** The stores' directories, one per fsync mode. */
  private static final java.util.Set<String> STORES = java.util.Set.of("always", "batch", "never");

  /** Counts the syncs and writes of each file during one operation. */
  private static final class Counter implements Consumer<String> {
    final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    @Override
    public void accept(String operation) {
      String[] parts = operation.split(" ", 3); // "#n verb path"
      if (parts.length == 3 && (parts[1].equals("sync") || parts[1].equals("write"))) {
        String file = Path.of(parts[2]).getFileName().toString();
        String kind =
            file.endsWith(".data") ? "segment" : STORES.contains(file) ? "directory" : file;
        counts.computeIfAbsent(parts[1] + " " + kind, k -> new AtomicInteger()).incrementAndGet();
      }
    }

    int get(String key) {
      AtomicInteger n = counts.get(key);
      return n == null ? 0 : n.get();
    }

    int syncs() {
      return counts.entrySet().stream()
          .filter(e -> e.getKey().startsWith("sync "))
          .mapToInt(e -> e.getValue().get())
          .sum();
    }
  }

  private final Map<String, Counter> measured = new LinkedHashMap<>();

  private Counter measure(FaultyFileSystem fs, String what, Runnable operation) {
    Counter counter = new Counter();
    fs.listener(counter);
    operation.run();
    fs.listener(op -> {});
    measured.put(what, counter);
    return counter;
  }

  @Test
  void aDurablePutARefChangeAndAFlushMakeNoMoreFsyncsThanBeforeTheSyncPoint()
      throws java.io.IOException {
    Random random = new Random(5);
    Map<String, Integer> syncs = new LinkedHashMap<>();
    try (FaultyFileSystem fs = FaultyFileSystem.create(1)) {
      try (DiskBackend store = DiskBackend.open(fs.path(temp.resolve("always")))) {
        Hash hash = store.put(DiskBackendTest.bytes(random, 100));
        syncs.put(
            "put, fsync=always",
            measure(fs, "put, fsync=always", () -> store.put(DiskBackendTest.bytes(random, 100)))
                .syncs());
        syncs.put(
            "setRef, fsync=always",
            measure(fs, "setRef, fsync=always", () -> store.setRef("refs/heads/main", hash))
                .syncs());
        store.put(DiskBackendTest.bytes(random, 100));
        syncs.put(
            "flush after a put, fsync=always",
            measure(fs, "flush after a put, fsync=always", store::flush).syncs());
        syncs.put(
            "flush of nothing new, fsync=always",
            measure(fs, "flush of nothing new, fsync=always", store::flush).syncs());
      }
      DiskOptions batch = DiskOptions.builder().fsync(DiskOptions.Fsync.BATCH).build();
      try (DiskBackend store = DiskBackend.open(fs.path(temp.resolve("batch")), batch)) {
        Map<Hash, byte[]> objects = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
          byte[] data = DiskBackendTest.bytes(random, 100);
          objects.put(store.hashAlgorithm().hash(data), data);
        }
        syncs.put(
            "writeBatch of 10, fsync=batch",
            measure(fs, "writeBatch of 10, fsync=batch", () -> store.writeBatch(objects)).syncs());
      }
      DiskOptions never = DiskOptions.builder().fsync(DiskOptions.Fsync.NEVER).build();
      try (DiskBackend store = DiskBackend.open(fs.path(temp.resolve("never")), never)) {
        Hash hash = store.put(DiskBackendTest.bytes(random, 100));
        syncs.put(
            "flush after a put, fsync=never",
            measure(fs, "flush after a put, fsync=never", store::flush).syncs());
        store.put(DiskBackendTest.bytes(random, 100));
        store.setRef("refs/heads/main", hash);
        syncs.put(
            "flush after a put and a setRef, fsync=never",
            measure(fs, "flush after a put and a setRef, fsync=never", store::flush).syncs());
        store.setRef("refs/heads/main", hash);
        measure(fs, "close after a setRef, fsync=never", store::close);
      }
    }
    measured.forEach(
        (what, counter) ->
            System.out.printf(
                "sync point cost: %-45s %s%n", what, new java.util.TreeMap<>(counter.counts)));
    assertThat(syncs)
        .containsExactly(
            Map.entry("put, fsync=always", 1),
            Map.entry("setRef, fsync=always", 1),
            Map.entry("flush after a put, fsync=always", 1),
            Map.entry("flush of nothing new, fsync=always", 1),
            Map.entry("writeBatch of 10, fsync=batch", 1),
            Map.entry("flush after a put, fsync=never", 2),
            Map.entry("flush after a put and a setRef, fsync=never", 3));
  }
}
