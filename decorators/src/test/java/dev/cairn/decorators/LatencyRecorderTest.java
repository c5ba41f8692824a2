package dev.cairn.decorators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.LatencySummary;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
  @Test
  void bucketsCoverEveryValueInOrderWithinAnEighth() {
    long[] samples = {0, 1, 7, 8, 9, 15, 16, 17, 100, 1_000, 123_456, 1L << 40, Long.MAX_VALUE};
    int previous = -1;
    for (long value : samples) {
      int bucket = LatencyRecorder.bucket(value);
      long upper = LatencyRecorder.upperBound(bucket);
      assertThat(bucket).isGreaterThanOrEqualTo(previous);
      assertThat(upper).isGreaterThanOrEqualTo(value);
      assertThat(upper - value).isLessThanOrEqualTo(value / 8);
      if (bucket > 0) {
        assertThat(LatencyRecorder.upperBound(bucket - 1)).isLessThan(value);
      }
      previous = bucket;
    }
  }

  @Test
  void anEmptyRecorderSummarisesToZero() {
    assertThat(new LatencyRecorder().summary()).isEqualTo(new LatencySummary(0, 0, 0, 0, 0));
  }

  @Test
  void percentilesOfAUniformSpread() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (long i = 1; i <= 1000; i++) {
      recorder.record(i);
    }

    LatencySummary summary = recorder.summary();

    assertThat(summary.count()).isEqualTo(1000);
    assertThat(summary.meanNanos()).isEqualTo(500);
    assertThat(summary.p50Nanos()).isBetween(500L, 500L + 500 / 8);
    assertThat(summary.p99Nanos()).isBetween(990L, 1000L);
    assertThat(summary.maxNanos()).isEqualTo(1000);
  }

  @Test
  void aNegativeDurationCountsAsZero() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.record(-5);

    assertThat(recorder.summary()).isEqualTo(new LatencySummary(1, 0, 0, 0, 0));
  }

  @Test
  void concurrentRecordsAreAllCounted() throws Exception {
    LatencyRecorder recorder = new LatencyRecorder();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long offset = t;
        done.add(
            pool.submit(
                () -> {
                  for (long i = 0; i < 10_000; i++) {
                    recorder.record(i % 100 + offset);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    LatencySummary summary = recorder.summary();
    assertThat(summary.count()).isEqualTo(40_000);
    assertThat(summary.maxNanos()).isEqualTo(102);
  }
}
