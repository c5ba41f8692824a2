package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A snapshot of a store's counters since it was opened: the seed's record (reads, writes, cache
 * hits, cache misses) plus the bytes read and written. Immutable.
 *
 * <p>{@code reads} counts calls of {@code read}; {@code writes} counts objects offered to {@code
 * write}, {@code put} and {@code writeBatch}; byte counts are payload bytes. Cache counters are
 * zero for stores without a cache. {@link #latencies()} is empty unless the store times its
 * operations (the {@code stats} decorator does).
 */
public final class StoreStats {
  /** All counters zero. */
  public static final StoreStats ZERO = new StoreStats(0, 0, 0, 0, 0, 0);

  private final long reads;
  private final long writes;
  private final long cacheHits;
  private final long cacheMisses;
  private final long bytesRead;
  private final long bytesWritten;
  private final Map<String, LatencySummary> latencies;

  /** Creates a snapshot; every counter must be non-negative. */
  public StoreStats(
      long reads,
      long writes,
      long cacheHits,
      long cacheMisses,
      long bytesRead,
      long bytesWritten) {
    this.reads = nonNegative("reads", reads);
    this.writes = nonNegative("writes", writes);
    this.cacheHits = nonNegative("cacheHits", cacheHits);
    this.cacheMisses = nonNegative("cacheMisses", cacheMisses);
    this.bytesRead = nonNegative("bytesRead", bytesRead);
    this.bytesWritten = nonNegative("bytesWritten", bytesWritten);
    this.latencies = Map.of();
  }

  private StoreStats(StoreStats counters, Map<String, LatencySummary> latencies) {
    this.reads = counters.reads;
    this.writes = counters.writes;
    this.cacheHits = counters.cacheHits;
    this.cacheMisses = counters.cacheMisses;
    this.bytesRead = counters.bytesRead;
    this.bytesWritten = counters.bytesWritten;
    this.latencies = latencies;
  }

  private static long nonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " (" + value + ") must not be negative");
    }
    return value;
  }

  /** Calls of {@code read}. */
  public long reads() {
    return reads;
  }

  /** Objects offered for writing. */
  public long writes() {
    return writes;
  }

  /** Reads answered by a cache. */
  public long cacheHits() {
    return cacheHits;
  }

  /** Reads a cache could not answer. */
  public long cacheMisses() {
    return cacheMisses;
  }

  /** Payload bytes returned by reads. */
  public long bytesRead() {
    return bytesRead;
  }

  /** Payload bytes offered for writing. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /**
   * How long each operation took, by operation name (e.g. {@code "read"}), in name order; empty
   * unless the store times its operations.
   */
  public Map<String, LatencySummary> latencies() {
    return latencies;
  }

  /** A copy with the cache counters replaced. */
  public StoreStats withCache(long hits, long misses) {
    return new StoreStats(
        new StoreStats(reads, writes, hits, misses, bytesRead, bytesWritten), latencies);
  }

  /** A copy with the latency summaries replaced by {@code latencies} (operation to summary). */
  public StoreStats withLatencies(Map<String, LatencySummary> latencies) {
    requireNonNull(latencies, "latencies");
    latencies.forEach(
        (operation, summary) -> {
          requireNonNull(operation, "operation");
          requireNonNull(summary, () -> "summary of " + operation);
        });
    return new StoreStats(this, Collections.unmodifiableMap(new TreeMap<>(latencies)));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StoreStats)) {
      return false;
    }
    StoreStats s = (StoreStats) o;
    return reads == s.reads
        && writes == s.writes
        && cacheHits == s.cacheHits
        && cacheMisses == s.cacheMisses
        && bytesRead == s.bytesRead
        && bytesWritten == s.bytesWritten
        && latencies.equals(s.latencies);
  }

  @Override
  public int hashCode() {
    return Objects.hash(reads, writes, cacheHits, cacheMisses, bytesRead, bytesWritten, latencies);
  }

  @Override
  public String toString() {
    String counters =
        String.format(
            "reads=%d writes=%d cacheHits=%d cacheMisses=%d bytesRead=%d bytesWritten=%d",
            reads, writes, cacheHits, cacheMisses, bytesRead, bytesWritten);
    return latencies.isEmpty() ? counters : counters + " latencies=" + latencies;
  }
}
