package dev.cairn.decorators;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.LatencySummary;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.StoreStats;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@code stats} decorator: counts what passes through it and times every call to its child.
 *
 * <p>{@link #stats()} is a snapshot: reads, writes and bytes as seen by callers of this layer;
 * cache hits and misses taken from the child's own {@code stats()} (a cache somewhere below, seen
 * through transparent decorators); and a {@link LatencySummary} for every operation that has run at
 * least once, named after the child's operation ({@code read}, {@code exists}, {@code write} —
 * which {@code put} also uses —, {@code writeBatch}, {@code getRef}, {@code setRef}, {@code
 * testAndSetRef}, {@code listRefs}, {@code flush}). Failed calls are timed too. Thread-safe and
 * lock-free. Every feature of the child is forwarded (see {@link #childFeature}).
 */
final class StatsStore extends Decorator {
  private static final List<String> OPERATIONS =
      List.of(
          "read",
          "exists",
          "write",
          "writeBatch",
          "getRef",
          "setRef",
          "testAndSetRef",
          "listRefs",
          "flush");

  private final LongSupplier nanoTime;
  private final Map<String, LatencyRecorder> latencies = new TreeMap<>();

  StatsStore(Backend child, LongSupplier nanoTime) {
    super("stats:" + child, child);
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    // Filled once here and only read afterwards, so concurrent lookups need no lock.
    OPERATIONS.forEach(operation -> latencies.put(operation, new LatencyRecorder()));
  }

  private <T> T timed(String operation, Supplier<T> call) {
    long start = nanoTime.getAsLong();
    try {
      return call.get();
    } finally {
      recorder(operation).record(nanoTime.getAsLong() - start);
    }
  }

  /** The recorder of {@code operation}, one of those the constructor registered. */
  private LatencyRecorder recorder(String operation) {
    return requireNonNull(latencies.get(operation), () -> "no latencies kept for " + operation);
  }

  private void timed(String operation, Runnable call) {
    long start = nanoTime.getAsLong();
    try {
      call.run();
    } finally {
      recorder(operation).record(nanoTime.getAsLong() - start);
    }
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    return timed("read", () -> child().read(hash));
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return timed("exists", () -> child().exists(hash));
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    timed("write", () -> child().write(hash, data));
  }

  @Override
  protected void writeObjects(Map<Hash, byte[]> objects) {
    timed("writeBatch", () -> child().writeBatch(objects));
  }

  @Override
  protected Optional<Hash> readRef(String name) {
    return timed("getRef", () -> child().getRef(name));
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    timed("setRef", () -> child().setRef(name, hash));
  }

  @Override
  protected boolean compareAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
    return timed("testAndSetRef", () -> child().testAndSetRef(name, expected, replacement));
  }

  @Override
  protected List<String> refNames() {
    return timed("listRefs", () -> child().listRefs());
  }

  @Override
  protected void flushStore() {
    timed("flush", () -> child().flush());
  }

  @Override
  public Optional<StoreStats> stats() {
    StoreStats below = child().stats().orElse(StoreStats.ZERO);
    Map<String, LatencySummary> summaries = new TreeMap<>();
    latencies.forEach(
        (operation, recorder) -> {
          LatencySummary summary = recorder.summary();
          if (summary.count() > 0) {
            summaries.put(operation, summary);
          }
        });
    return Optional.of(
        ownStats().withCache(below.cacheHits(), below.cacheMisses()).withLatencies(summaries));
  }

  /**
   * Forwards every feature of the child: what a feature does acts on the child directly and is
   * neither counted nor timed here, so it cannot make these counters wrong, only incomplete.
   */
  @Override
  protected <T> T childFeature(Class<T> type, T feature) {
    if (type == ObjectStreams.class) { // counted and timed (see the class comment)
      return type.cast(new Streams((ObjectStreams) feature));
    }
    return feature;
  }

  /** The child's streams, counted and timed. */
  private final class Streams extends Decorator.Streams {
    Streams(ObjectStreams child) {
      super(child);
    }

    @Override
    Hash writeChild(InputStream in, long length) throws IOException {
      long start = nanoTime.getAsLong();
      try {
        return child.write(in, length);
      } finally {
        recorder("write").record(nanoTime.getAsLong() - start);
      }
    }

    @Override
    Optional<ObjectReader> openChild(Hash hash) {
      return timed("read", () -> child.open(hash));
    }
  }
}
