package dev.cairn.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreStatsTest {
  private final StoreStats counters = new StoreStats(1, 2, 3, 4, 5, 6);
  private final LatencySummary fast = new LatencySummary(2, 10, 8, 12, 12);

  @Test
  void hasNoLatenciesUnlessGiven() {
    assertThat(counters.latencies()).isEmpty();
    assertThat(counters)
        .hasToString("reads=1 writes=2 cacheHits=3 cacheMisses=4 bytesRead=5 bytesWritten=6");
  }

  @Test
  void keepsLatenciesInNameOrderAndUnmodifiable() {
    Map<String, LatencySummary> given = new LinkedHashMap<>();
    given.put("write", fast);
    given.put("read", fast);

    StoreStats timed = counters.withLatencies(given);
    given.clear();

    assertThat(timed.latencies()).containsOnlyKeys("read", "write");
    assertThat(timed.latencies().keySet()).containsExactly("read", "write");
    assertThatThrownBy(() -> timed.latencies().put("flush", fast))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(timed.reads()).isEqualTo(1);
    assertThat(timed.bytesWritten()).isEqualTo(6);
  }

  @Test
  void latenciesTakePartInEqualityAndSurviveNewCacheCounters() {
    StoreStats timed = counters.withLatencies(Map.of("read", fast));

    assertThat(timed).isNotEqualTo(counters);
    assertThat(timed).isEqualTo(counters.withLatencies(Map.of("read", fast)));
    assertThat(timed.hashCode()).isEqualTo(counters.withLatencies(Map.of("read", fast)).hashCode());
    assertThat(timed.withCache(7, 8).latencies()).containsEntry("read", fast);
    assertThat(timed.withCache(7, 8).cacheHits()).isEqualTo(7);
    assertThat(timed.toString())
        .endsWith("latencies={read=count=2 mean=10ns p50=8ns p99=12ns max=12ns}");
  }

  @Test
  void aSummaryRejectsPercentilesOutOfOrder() {
    assertThatThrownBy(() -> new LatencySummary(3, 10, 20, 15, 30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p50 (20) <= p99 (15) <= max (30)");
    assertThatThrownBy(() -> new LatencySummary(-1, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count (-1)");
  }
}
