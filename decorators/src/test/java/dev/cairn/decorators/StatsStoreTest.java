package dev.cairn.decorators;

import static dev.cairn.decorators.Fixtures.bytes;
import static dev.cairn.decorators.Fixtures.hashOf;
import static dev.cairn.decorators.Fixtures.mockChild;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.when;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.LatencySummary;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoreSpec;
import dev.cairn.spi.StoreStats;
import dev.cairn.testkit.FakeBackend;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatsStoreTest {
  /** A clock that advances by {@code step} nanoseconds each time it is read. */
  private final AtomicLong clock = new AtomicLong();

  private long step = 10;

  private long tick() {
    return clock.addAndGet(step);
  }

  @Test
  void countsReadsWritesAndBytes() {
    Backend stats = new StatsStore(FakeBackend.create(), this::tick);
    Hash hello = stats.put(bytes("hello"));
    stats.writeBatch(Map.of(hashOf("ab"), bytes("ab"), hashOf("cde"), bytes("cde")));
    stats.read(hello);
    stats.read(hashOf("absent"));

    StoreStats counted = stats.stats().orElseThrow();

    assertThat(counted.reads()).isEqualTo(2);
    assertThat(counted.writes()).isEqualTo(3);
    assertThat(counted.bytesRead()).isEqualTo(5);
    assertThat(counted.bytesWritten()).isEqualTo(10);
  }

  @Test
  void takesCacheHitsAndMissesFromACacheBelow() {
    Backend stats =
        new StatsStore(Decorators.verify(Decorators.cache(FakeBackend.create(), 10)), this::tick);
    Hash hello = stats.put(bytes("hello"));
    stats.read(hello);
    stats.read(hello);
    stats.read(hashOf("absent"));

    StoreStats counted = stats.stats().orElseThrow();

    assertThat(counted.cacheHits()).isEqualTo(2);
    assertThat(counted.cacheMisses()).isEqualTo(1);
    assertThat(counted.reads()).isEqualTo(3);
  }

  @Test
  void timesEachOperationWithTheGivenClock() {
    Backend stats = new StatsStore(FakeBackend.create(), this::tick);
    Hash hello = stats.put(bytes("hello"));
    stats.read(hello);
    step = 1000;
    stats.read(hello);
    stats.setRef("main", hello);

    Map<String, LatencySummary> latencies = stats.stats().orElseThrow().latencies();

    assertThat(latencies).containsOnlyKeys("write", "read", "setRef");
    assertThat(latencies.get("write")).isEqualTo(new LatencySummary(1, 10, 10, 10, 10));
    LatencySummary reads = latencies.get("read");
    assertThat(reads.count()).isEqualTo(2);
    assertThat(reads.meanNanos()).isEqualTo(505);
    assertThat(reads.p50Nanos()).isEqualTo(10);
    assertThat(reads.p99Nanos()).isBetween(1000L, 1000L + 1000 / 8);
    assertThat(reads.maxNanos()).isEqualTo(1000);
  }

  @Test
  void timesFailedCallsToo() {
    Backend child = mockChild();
    doThrow(new StoreIOException("disk full", new IOException("ENOSPC")))
        .when(child)
        .writeBatch(any());
    Backend stats = new StatsStore(child, this::tick);

    assertThatThrownBy(() -> stats.writeBatch(Map.of(hashOf("a"), bytes("a"))))
        .isInstanceOf(StoreIOException.class);

    StoreStats counted = stats.stats().orElseThrow();
    assertThat(counted.latencies().get("writeBatch").count()).isEqualTo(1);
    assertThat(counted.writes()).isZero();
  }

  @Test
  void aSnapshotDoesNotChangeAfterwards() {
    Backend stats = new StatsStore(FakeBackend.create(), this::tick);
    stats.put(bytes("hello"));
    StoreStats before = stats.stats().orElseThrow();

    stats.put(bytes("world"));
    stats.read(hashOf("world"));

    assertThat(before.writes()).isEqualTo(1);
    assertThat(before.reads()).isZero();
    assertThat(before.latencies()).containsOnlyKeys("write");
    assertThat(stats.stats().orElseThrow()).isNotEqualTo(before);
  }

  @Test
  void aChildWithoutStatsCountsNoCacheTraffic() {
    Backend child = mockChild();
    when(child.stats()).thenReturn(Optional.empty());
    Backend stats = new StatsStore(child, this::tick);
    stats.read(hashOf("a"));

    assertThat(stats.stats().orElseThrow().cacheMisses()).isZero();
  }

  @Test
  void theFactoryUsesTheHostsClock() {
    StoreContext host =
        new StoreContext() {
          @Override
          public dev.cairn.spi.HashAlgorithms hashAlgorithms() {
            return StoreContext.standard().hashAlgorithms();
          }

          @Override
          public ScheduledExecutorService scheduler() {
            return StoreContext.standard().scheduler();
          }

          @Override
          public long nanoTime() {
            return tick();
          }
        };
    Backend stats =
        new StatsFactory()
            .create(
                StoreSpec.decorator("stats", Map.of(), StoreSpec.leaf("memory", null, Map.of())),
                Map.of(StoreSpec.CHILD, FakeBackend.create()),
                host);
    stats.listRefs();

    assertThat(stats.stats().orElseThrow().latencies().get("listRefs"))
        .isEqualTo(new LatencySummary(1, 10, 10, 10, 10));
  }

  @Test
  void printsItsLatencies() {
    Backend stats = new StatsStore(FakeBackend.create(), this::tick);
    stats.flush();

    assertThat(stats.stats().orElseThrow().toString())
        .contains("latencies={flush=count=1 mean=10ns p50=10ns p99=10ns max=10ns}");
  }
}
