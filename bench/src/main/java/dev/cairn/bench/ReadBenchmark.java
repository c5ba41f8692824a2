package dev.cairn.bench;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Point reads of present keys and lookups of absent keys, one thread, on a store that the harness
 * filled beforehand. Each JMH fork is a fresh JVM that reopens the store: the OS page cache is warm
 * (the store was just written), the process is cold; warm-up iterations then warm the JIT and the
 * store's own caches. Keys are drawn uniformly at random.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReadBenchmark {
  /** The target's name (see {@link Targets}). */
  @Param("rocksdb")
  public String target;

  /** The store's directory. */
  @Param("")
  public String store;

  /** The keys file written by the harness. */
  @Param("")
  public String keys;

  /** Bytes per value. */
  @Param("1024")
  public int valueSize;

  /** The workload's seed (to refill a store that does not persist). */
  @Param("1")
  public long seed;

  private Store opened;
  private byte[][] present;
  private byte[][] absent;

  /** Opens (or, for a store that does not persist, fills) the store and loads the keys. */
  @Setup(Level.Trial)
  public void open() {
    present = Workload.readKeys(Path.of(keys));
    Workload workload = new Workload(valueSize, present.length, seed);
    Target t = Targets.named(target);
    opened = t.open(new StoreSetup(Path.of(store), Durability.DURABLE, workload.payloadBytes()));
    if (!t.persistent()) {
      byte[][] values = new byte[PhaseMain.BATCH][];
      byte[][] batchKeys = new byte[PhaseMain.BATCH][];
      for (long first = 0; first < workload.count(); first += PhaseMain.BATCH) {
        int n = (int) Math.min(PhaseMain.BATCH, workload.count() - first);
        for (int i = 0; i < n; i++) {
          values[i] = workload.value(first + i);
          batchKeys[i] = Workload.key(values[i]);
        }
        opened.putBatch(batchKeys, values, 0, n);
      }
    }
    // Random 32-byte keys: a SHA-256 collision with a stored key is not a concern.
    SplittableRandom random = new SplittableRandom(42);
    absent = new byte[1 << 16][];
    for (int i = 0; i < absent.length; i++) {
      absent[i] = Workload.random(random, Workload.KEY_LENGTH);
    }
    if (opened.get(present[0]) == null || opened.exists(absent[0])) {
      throw new IllegalStateException(target + " at " + store + " does not hold the workload");
    }
  }

  /** Closes the store. */
  @TearDown(Level.Trial)
  public void close() {
    opened.close();
  }

  /** Reads a random present key; the value is returned to JMH so it is not optimized away. */
  @Benchmark
  @Threads(1)
  public byte[] read() {
    byte[] value = opened.get(present[ThreadLocalRandom.current().nextInt(present.length)]);
    if (value == null) {
      throw new IllegalStateException("a stored object is missing from " + target);
    }
    return value;
  }

  /** Looks up a random absent key. */
  @Benchmark
  @Threads(1)
  public boolean absent() {
    boolean found = opened.exists(absent[ThreadLocalRandom.current().nextInt(absent.length)]);
    if (found) {
      throw new IllegalStateException("an absent key is reported present by " + target);
    }
    return found;
  }
}
