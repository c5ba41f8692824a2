package dev.cairn.spi;

import java.util.Objects;

/**
 * How long one kind of operation took, summarised: how many were timed, their mean, two percentiles
 * and the longest. Immutable. Percentiles may be approximate (the {@code stats} decorator keeps a
 * histogram whose buckets are within 1/8 of their values), but never exceed {@link #maxNanos()}.
 */
public final class LatencySummary {
  private final long count;
  private final long meanNanos;
  private final long p50Nanos;
  private final long p99Nanos;
  private final long maxNanos;

  /**
   * Creates a summary.
   *
   * @throws IllegalArgumentException if a value is negative, or the percentiles are not in order
   *     {@code p50 <= p99 <= max}
   */
  public LatencySummary(long count, long meanNanos, long p50Nanos, long p99Nanos, long maxNanos) {
    if (count < 0 || meanNanos < 0 || p50Nanos < 0) {
      throw new IllegalArgumentException(
          String.format(
              "count (%d), mean (%d) and p50 (%d) must not be negative",
              count, meanNanos, p50Nanos));
    }
    if (p50Nanos > p99Nanos || p99Nanos > maxNanos) {
      throw new IllegalArgumentException(
          String.format(
              "p50 (%d) <= p99 (%d) <= max (%d) must hold", p50Nanos, p99Nanos, maxNanos));
    }
    this.count = count;
    this.meanNanos = meanNanos;
    this.p50Nanos = p50Nanos;
    this.p99Nanos = p99Nanos;
    this.maxNanos = maxNanos;
  }

  /** How many operations were timed. */
  public long count() {
    return count;
  }

  /** The mean duration, in nanoseconds (zero if none were timed). */
  public long meanNanos() {
    return meanNanos;
  }

  /** The median duration, in nanoseconds. */
  public long p50Nanos() {
    return p50Nanos;
  }

  /** The 99th percentile duration, in nanoseconds. */
  public long p99Nanos() {
    return p99Nanos;
  }

  /** The longest duration, in nanoseconds. */
  public long maxNanos() {
    return maxNanos;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LatencySummary)) {
      return false;
    }
    LatencySummary s = (LatencySummary) o;
    return count == s.count
        && meanNanos == s.meanNanos
        && p50Nanos == s.p50Nanos
        && p99Nanos == s.p99Nanos
        && maxNanos == s.maxNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, meanNanos, p50Nanos, p99Nanos, maxNanos);
  }

  @Override
  public String toString() {
    return String.format(
        "count=%d mean=%dns p50=%dns p99=%dns max=%dns",
        count, meanNanos, p50Nanos, p99Nanos, maxNanos);
  }
}
