package dev.cairn.decorators;

import dev.cairn.spi.LatencySummary;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free histogram of durations for one kind of operation: log-linear buckets (each power of
 * two split into eight), so a percentile is reported within 1/8 of its true value while the whole
 * recorder stays a few kilobytes. Recording is three atomic additions; thread-safe.
 *
 * <p>A {@linkplain #summary() summary} taken while operations are being recorded may miss the ones
 * in flight, but is always self-consistent ({@code p50 <= p99 <= max}).
 */
final class LatencyRecorder {
  private static final int SUB_BITS = 3;
  private static final int SUBS = 1 << SUB_BITS;
  // Values below SUBS have a bucket each; above, each power of two 2^e (e = 3..62) has SUBS.
  private static final int BUCKETS = (63 - SUB_BITS + 1) * SUBS;

  private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
  private final LongAdder totalNanos = new LongAdder();
  private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

  /** Adds one duration; a negative one (a clock that stepped back) counts as zero. */
  void record(long nanos) {
    long value = Math.max(0, nanos);
    // The maximum is raised before the bucket is counted, so any summary that sees the bucket
    // also sees a maximum at least as large.
    maxNanos.accumulate(value);
    totalNanos.add(value);
    buckets.incrementAndGet(bucket(value));
  }

  /** The durations recorded so far; all zero if there were none. */
  LatencySummary summary() {
    long[] counts = new long[BUCKETS];
    long count = 0;
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] = buckets.get(i);
      count += counts[i];
    }
    long max = maxNanos.get();
    if (count == 0) {
      return new LatencySummary(0, 0, 0, 0, 0);
    }
    long mean = Math.min(max, totalNanos.sum() / count);
    long p50 = Math.min(max, percentile(counts, count, 50));
    long p99 = Math.min(max, percentile(counts, count, 99));
    return new LatencySummary(count, mean, p50, p99, max);
  }

  private static long percentile(long[] counts, long count, int percent) {
    // The smallest bucket whose cumulative count reaches the rank ceil(count * percent / 100).
    long rank = Math.max(1, (count * percent + 99) / 100);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return upperBound(i);
      }
    }
    return upperBound(counts.length - 1);
  }

  static int bucket(long value) {
    if (value < SUBS) {
      return (int) value;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value);
    int sub = (int) (value >>> (exponent - SUB_BITS)) & (SUBS - 1);
    return (exponent - SUB_BITS + 1) * SUBS + sub;
  }

  /** The largest value that falls into {@code bucket}. */
  static long upperBound(int bucket) {
    if (bucket < SUBS) {
      return bucket;
    }
    int exponent = bucket / SUBS + SUB_BITS - 1;
    long sub = bucket % SUBS;
    long width = 1L << (exponent - SUB_BITS);
    long lower = (SUBS + sub) * width;
    return lower + width - 1;
  }
}
