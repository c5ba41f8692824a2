package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One stateful bulk phase in a fresh JVM, started by {@link Bench}: {@code ingest} (warm-up on a
 * scratch store, then {@code count} objects in batches of 1,000 into a fresh store) or {@code
 * reopen} (open an existing store: time, heap and RSS it costs). Prints one line {@code RESULT
 * key=value ...} on standard output.
 *
 * <pre>
 * PhaseMain ingest TARGET DIR DURABILITY VALUE_SIZE COUNT SEED WARMUP_COUNT
 * PhaseMain prepare TARGET DIR VALUE_SIZE COUNT SEED
 * PhaseMain reopen TARGET DIR VALUE_SIZE COUNT
 * </pre>
 */
public final class PhaseMain {
  /** Objects per durable batch, as the issue asks. */
  public static final int BATCH = 1_000;

  private PhaseMain() {}

  /** Runs one phase; see the class comment for the arguments. */
  public static void main(String[] args) {
    Map<String, Object> result;
    switch (args.length == 0 ? "" : args[0]) {
      case "ingest" ->
          result =
              ingest(
                  Targets.named(args[1]),
                  Path.of(args[2]),
                  Durability.valueOf(args[3]),
                  new Workload(
                      Integer.parseInt(args[4]), Long.parseLong(args[5]), Long.parseLong(args[6])),
                  Long.parseLong(args[7]));
      case "prepare" ->
          result =
              prepare(
                  Targets.named(args[1]),
                  Path.of(args[2]),
                  new Workload(
                      Integer.parseInt(args[3]), Long.parseLong(args[4]), Long.parseLong(args[5])));
      case "reopen" ->
          result =
              reopen(
                  Targets.named(args[1]),
                  Path.of(args[2]),
                  new Workload(Integer.parseInt(args[3]), Long.parseLong(args[4]), 0));
      default ->
          throw new IllegalArgumentException(
              "usage: PhaseMain ingest|reopen ...; got " + String.join(" ", args));
    }
    System.out.println(format(result));
    System.out.flush();
    // Some stores leave non-daemon threads behind after close (Xodus's GC, RocksDB's pools).
    System.exit(0);
  }

  static String format(Map<String, Object> result) {
    StringBuilder line = new StringBuilder("RESULT");
    result.forEach(
        (k, v) ->
            line.append(' ')
                .append(k)
                .append('=')
                .append(v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : v));
    return line.toString();
  }

  /**
   * Ingests the workload into a fresh store at {@code dir} in batches of {@link #BATCH}, after
   * ingesting {@code warmupCount} other objects into a scratch store (deleted) so that the JIT has
   * compiled the write path. Only the store calls are timed: generating and hashing the values
   * happens between them.
   */
  static Map<String, Object> ingest(
      Target target, Path dir, Durability durability, Workload workload, long warmupCount) {
    if (warmupCount > 0) {
      Path scratch = dir.resolveSibling(dir.getFileName() + ".warmup");
      Directories.delete(scratch);
      Workload warmup = new Workload(workload.valueSize(), warmupCount, workload.seed() + 1);
      timedIngest(target, scratch, durability, warmup);
      Directories.delete(scratch);
    }
    Directories.delete(dir);
    long[] nanos = timedIngest(target, dir, durability, workload);
    double seconds = nanos[0] / 1e9;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("objects", workload.count());
    result.put("seconds", seconds);
    result.put("objectsPerSecond", workload.count() / seconds);
    result.put("mbPerSecond", workload.payloadBytes() / seconds / 1e6);
    result.put("closeSeconds", nanos[1] / 1e9);
    result.put("payloadBytes", workload.payloadBytes());
    long disk = Directories.bytes(dir);
    result.put("diskBytes", disk);
    result.put(
        "diskRatio", workload.payloadBytes() == 0 ? 0.0 : (double) disk / workload.payloadBytes());
    return result;
  }

  /** Returns {nanoseconds in store calls, nanoseconds to close}. */
  private static long[] timedIngest(Target target, Path dir, Durability durability, Workload w) {
    long inStore = 0;
    byte[][] keys = new byte[BATCH][];
    byte[][] values = new byte[BATCH][];
    Store store = target.open(new StoreSetup(dir, durability, w.payloadBytes()));
    try {
      for (long first = 0; first < w.count(); first += BATCH) {
        int n = (int) Math.min(BATCH, w.count() - first);
        for (int i = 0; i < n; i++) {
          values[i] = w.value(first + i);
          keys[i] = Workload.key(values[i]);
        }
        long t0 = System.nanoTime();
        store.putBatch(keys, values, 0, n);
        inStore += System.nanoTime() - t0;
      }
    } catch (RuntimeException | Error e) {
      store.close();
      throw e;
    }
    long t0 = System.nanoTime();
    store.close();
    return new long[] {inStore, System.nanoTime() - t0};
  }

  /** Runs the target's {@link Preparation} on the filled store at {@code dir}. */
  static Map<String, Object> prepare(Target target, Path dir, Workload workload) {
    if (target.preparation() == null) {
      throw new IllegalArgumentException(target.name() + " has nothing to prepare");
    }
    long t0 = System.nanoTime();
    String done = target.preparation().prepare(dir, workload);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("seconds", (System.nanoTime() - t0) / 1e9);
    long disk = Directories.bytes(dir);
    result.put("diskBytes", disk);
    result.put("diskRatio", (double) disk / workload.payloadBytes());
    System.err.println(target.name() + " prepared: " + done);
    return result;
  }

  /**
   * Opens the store at {@code dir} as a process that has never touched it would (the OS page cache
   * is warm from the ingest): first a scratch store of the same target is opened and closed so that
   * classes and native libraries are loaded, then the heap is measured after a full GC, the store
   * opened and timed, and the heap and RSS measured again.
   */
  static Map<String, Object> reopen(Target target, Path dir, Workload workload) {
    Path scratch = dir.resolveSibling(dir.getFileName() + ".scratch");
    Directories.delete(scratch);
    Store warm = target.open(new StoreSetup(scratch, Durability.DURABLE, 1 << 20));
    byte[] probe = Workload.random(new java.util.SplittableRandom(1), workload.valueSize());
    warm.putBatch(new byte[][] {Workload.key(probe)}, new byte[][] {probe}, 0, 1);
    warm.get(Workload.key(probe));
    warm.close();
    Directories.delete(scratch);

    long heapBefore = usedHeapAfterGc();
    long rssBefore = rss();
    long t0 = System.nanoTime();
    Store store = target.open(new StoreSetup(dir, Durability.DURABLE, workload.payloadBytes()));
    long openNanos = System.nanoTime() - t0;
    long heapAfter = usedHeapAfterGc();
    long rssAfter = rss();
    Map<String, Object> result = new LinkedHashMap<>();
    try {
      result.put("openMillis", openNanos / 1e6);
      result.put("heapBytes", heapAfter - heapBefore);
      result.put("heapPerObject", (double) (heapAfter - heapBefore) / workload.count());
      result.put("rssBytes", rssAfter - rssBefore);
      result.put("rssPerObject", (double) (rssAfter - rssBefore) / workload.count());
      // Keeps the store reachable until after the second measurement.
      result.put("probe", store.exists(Workload.key(probe)));
    } finally {
      store.close();
    }
    return result;
  }

  static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    // Several collections: a single System.gc() can leave garbage that finalization or
    // reference processing frees only on the next one.
    for (int i = 0; i < 4; i++) {
      memory.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** The process's resident set size in bytes, or 0 where /proc is missing. */
  static long rss() {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return 0;
    }
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
