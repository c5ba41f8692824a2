package dev.cairn.disk;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A quick measurement harness, not a test: {@code java -cp <test class path>
 * dev.cairn.disk.DiskBench DIR [objects]}. Prints durable single puts per second with 1 and 8
 * threads (group commit), durable batch ingest of 1 KiB objects in batches of 1,000, point reads,
 * absent lookups, reopen time and bytes on disk per payload byte.
 */
public final class DiskBench {
  private DiskBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int objects = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    DiskOptions.Fsync fsync =
        args.length > 2 ? DiskOptions.Fsync.valueOf(args[2]) : DiskOptions.Fsync.ALWAYS;
    if (args.length <= 2) {
      singlePuts(root.resolve("single-1"), 1);
      singlePuts(root.resolve("single-8"), 8);
    }
    Path dir = root.resolve("bulk");
    List<Hash> hashes = new ArrayList<>(objects);
    List<Map<Hash, byte[]>> batches = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < objects; i += 1000) {
      Map<Hash, byte[]> batch = new LinkedHashMap<>();
      for (int j = 0; j < 1000 && i + j < objects; j++) {
        byte[] data = new byte[1024];
        random.nextBytes(data);
        Hash hash = HashAlgorithm.SHA256.hash(data);
        batch.put(hash, data);
        hashes.add(hash);
      }
      batches.add(batch);
    }
    long start = System.nanoTime();
    try (DiskBackend store = DiskBackend.open(dir, DiskOptions.builder().fsync(fsync).build())) {
      for (Map<Hash, byte[]> batch : batches) {
        store.writeBatch(batch);
      }
    }
    report(
        "batch ingest, fsync=" + fsync + " (1 KiB, batches of 1,000, hashes precomputed)",
        objects,
        start);
    long bytes;
    try (Stream<Path> files = Files.list(dir)) {
      bytes = files.mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf("bytes on disk / payload: %.4f%n", bytes / (objects * 1024.0));
    for (int i = 0; i < 3; i++) {
      start = System.nanoTime();
      DiskBackend store = DiskBackend.open(dir);
      System.out.printf("reopen: %.1f ms%n", (System.nanoTime() - start) / 1e6);
      store.close();
    }
    try (DiskBackend store = DiskBackend.open(dir)) {
      for (int threads : new int[] {1, 2}) {
        int n = Math.min(objects, 1_000_000);
        AtomicLong found = new AtomicLong();
        start = System.nanoTime();
        runThreads(
            threads,
            t -> {
              Random r = new Random(t);
              for (int i = 0; i < n / threads; i++) {
                found.addAndGet(store.read(hashes.get(r.nextInt(hashes.size()))).get().length);
              }
            });
        report("point reads, " + threads + " thread(s)", n, start);
        start = System.nanoTime();
        runThreads(
            threads,
            t -> {
              Random r = new Random(-t);
              byte[] b = new byte[32];
              for (int i = 0; i < n / threads; i++) {
                r.nextBytes(b);
                if (store.exists(Hash.of(HashAlgorithm.SHA256, b))) {
                  throw new AssertionError();
                }
              }
            });
        report("absent lookups, " + threads + " thread(s)", n, start);
      }
    }
  }

  private static void singlePuts(Path dir, int threads) throws Exception {
    try (DiskBackend store = DiskBackend.open(dir)) {
      long seconds = 5;
      AtomicLong puts = new AtomicLong();
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      runThreads(
          threads,
          t -> {
            Random r = new Random(t);
            byte[] data = new byte[1024];
            while (System.nanoTime() < end) {
              r.nextBytes(data);
              store.put(data);
              puts.incrementAndGet();
            }
          });
      report(
          "durable single puts (fsync=always), "
              + threads
              + " thread(s); fsyncs "
              + store.groupCommitSyncs(),
          puts.get(),
          start);
    }
  }

  interface Body {
    void run(int thread) throws Exception;
  }

  private static void runThreads(int threads, Body body) throws Exception {
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      all.add(
          new Thread(
              () -> {
                try {
                  body.run(id);
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              }));
    }
    all.forEach(Thread::start);
    for (Thread t : all) {
      t.join();
    }
  }

  private static void report(String what, long count, long start) {
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%s: %,d in %.2f s = %,.0f/s%n", what, count, seconds, count / seconds);
  }
}
