package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * Durable single puts of new random objects into a fresh store, from 1 and from 8 threads. Each
 * operation draws a new value and hashes it (the same work for every store) and puts it; the store
 * must have it on stable storage before the call returns.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PutBenchmark {
  /** The target's name (see {@link Targets}). */
  @Param("rocksdb")
  public String target;

  /** A directory under which each trial makes (and then deletes) its store. */
  @Param("")
  public String work;

  /** Bytes per value. */
  @Param("1024")
  public int valueSize;

  private Store opened;
  private Path directory;

  /** Per-thread source of new values. */
  @State(Scope.Thread)
  public static class Values {
    private final SplittableRandom random =
        new SplittableRandom(ThreadLocalRandom.current().nextLong());

    byte[] next(int size) {
      return Workload.random(random, size);
    }
  }

  /** Opens a fresh durable store. */
  @Setup(Level.Trial)
  public void open() {
    try {
      Files.createDirectories(Path.of(work));
      directory = Files.createTempDirectory(Path.of(work), target + "-put-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // LMDB sizes its map from this; durable puts never come near it within a trial.
    opened =
        Targets.named(target)
            .open(new StoreSetup(directory.resolve("store"), Durability.DURABLE, 2L << 30));
  }

  /** Closes and deletes the store. */
  @TearDown(Level.Trial)
  public void close() {
    opened.close();
    Directories.delete(directory);
  }

  /** One durable put from one thread. */
  @Benchmark
  @Threads(1)
  public void put1(Values values) {
    byte[] value = values.next(valueSize);
    opened.put(Workload.key(value), value);
  }

  /** One durable put from each of eight threads. */
  @Benchmark
  @Threads(8)
  public void put8(Values values) {
    byte[] value = values.next(valueSize);
    opened.put(Workload.key(value), value);
  }
}
