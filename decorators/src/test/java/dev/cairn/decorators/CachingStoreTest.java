package dev.cairn.decorators;

import static dev.cairn.decorators.Fixtures.bytes;
import static dev.cairn.decorators.Fixtures.hashOf;
import static dev.cairn.decorators.Fixtures.mockChild;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoreSpec;
import dev.cairn.testkit.FakeBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CachingStoreTest {
  private final Backend child = mockChild();
  private final Backend cache = Decorators.cache(child, 100);
  private final Hash hash = hashOf("hello");

  @Test
  void aHitNeverReadsTheChild() {
    when(child.read(hash)).thenReturn(Optional.of(bytes("hello")));

    assertThat(cache.read(hash)).hasValue(bytes("hello"));
    assertThat(cache.read(hash)).hasValue(bytes("hello"));
    assertThat(cache.read(hash)).hasValue(bytes("hello"));

    verify(child, times(1)).read(hash);
  }

  @Test
  void aWrittenObjectIsReadFromTheCache() {
    cache.write(hash, bytes("hello"));

    assertThat(cache.read(hash)).hasValue(bytes("hello"));
    assertThat(cache.exists(hash)).isTrue();
    verify(child).write(any(), any());
    verify(child, never()).read(any());
    verify(child, never()).exists(any());
  }

  @Test
  void aBatchIsReadFromTheCache() {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    batch.put(hash, bytes("hello"));
    batch.put(hashOf("world"), bytes("world"));

    cache.writeBatch(batch);

    assertThat(cache.read(hashOf("world"))).hasValue(bytes("world"));
    assertThat(cache.read(hash)).hasValue(bytes("hello"));
    verify(child, never()).read(any());
  }

  @Test
  void putIsReadFromTheCache() {
    Hash put = cache.put(bytes("hello"));

    assertThat(put).isEqualTo(hash);
    assertThat(cache.read(hash)).hasValue(bytes("hello"));
    verify(child).write(any(), any());
    verify(child, never()).read(any());
  }

  @Test
  void anAbsentObjectIsAskedForEveryTime() {
    assertThat(cache.read(hash)).isEmpty();
    assertThat(cache.read(hash)).isEmpty();
    assertThat(cache.exists(hash)).isFalse();

    verify(child, times(2)).read(hash);
    verify(child).exists(hash);
  }

  @Test
  void anObjectWrittenBelowTheCacheIsFoundAfterAMiss() {
    FakeBackend store = FakeBackend.create();
    Backend cached = Decorators.cache(store, 10);
    assertThat(cached.read(hash)).isEmpty();

    store.write(hash, bytes("hello"));

    assertThat(cached.read(hash)).hasValue(bytes("hello"));
  }

  @Test
  void aFailedWriteLeavesNothingInTheCache() {
    doThrow(new StoreIOException("disk full", new java.io.IOException("ENOSPC")))
        .when(child)
        .write(any(), any());

    assertThatThrownBy(() -> cache.write(hash, bytes("hello")))
        .isInstanceOf(StoreIOException.class);

    assertThat(cache.read(hash)).isEmpty();
    assertThat(cache.exists(hash)).isFalse();
  }

  @Test
  void aFailedBatchLeavesNothingInTheCache() {
    doThrow(new StoreIOException("disk full", new java.io.IOException("ENOSPC")))
        .when(child)
        .writeBatch(any());

    assertThatThrownBy(() -> cache.writeBatch(Map.of(hash, bytes("hello"))))
        .isInstanceOf(StoreIOException.class);

    assertThat(cache.read(hash)).isEmpty();
  }

  @Test
  void callersCannotChangeWhatTheCacheHolds() {
    byte[] written = bytes("hello");
    cache.write(hash, written);
    written[0] = 'J';

    byte[] first = cache.read(hash).orElseThrow();
    first[0] = 'Y';

    assertThat(cache.read(hash)).hasValue(bytes("hello"));
  }

  @Test
  void bytesReadFromTheChildAreCopiedBeforeTheyAreCached() {
    when(child.read(hash)).thenReturn(Optional.of(bytes("hello")));
    byte[] first = cache.read(hash).orElseThrow();
    first[0] = 'Y';

    assertThat(cache.read(hash)).hasValue(bytes("hello"));
  }

  @Test
  void countsHitsAndMisses() {
    when(child.read(hash)).thenReturn(Optional.of(bytes("hello")));

    cache.read(hash);
    cache.read(hash);
    cache.read(hash);
    cache.read(hashOf("absent"));

    assertThat(cache.stats())
        .hasValueSatisfying(
            stats -> {
              assertThat(stats.cacheHits()).isEqualTo(2);
              assertThat(stats.cacheMisses()).isEqualTo(2);
              assertThat(stats.reads()).isEqualTo(4);
              assertThat(stats.bytesRead()).isEqualTo(15);
            });
  }

  @Test
  void holdsAtMostItsCapacity() {
    CachingStore small = CachingStore.byEntries(FakeBackend.create(), 3);
    for (int i = 0; i < 50; i++) {
      small.put(bytes("object " + i));
    }

    assertThat(small.size()).isLessThanOrEqualTo(3);
    for (int i = 0; i < 50; i++) {
      assertThat(small.read(hashOf("object " + i))).hasValue(bytes("object " + i));
    }
  }

  @Test
  void holdsAtMostItsBytes() {
    CachingStore small = CachingStore.byBytes(FakeBackend.create(), 100);
    for (int i = 0; i < 50; i++) {
      small.put(bytes(String.format("object %040d", i)));
    }

    // Each object has 47 bytes: two fit in 100.
    assertThat(small.size()).isLessThanOrEqualTo(2);
  }

  @Test
  void closingClosesTheChild() {
    cache.close();
    cache.close();

    verify(child, times(1)).close();
  }

  @Test
  void rejectsACapacityBelowOne() {
    assertThatThrownBy(() -> Decorators.cache(child, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity (0)");
    assertThatThrownBy(() -> Decorators.cacheByBytes(child, -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBytes (-5)");
  }

  @Test
  void theFactoryBoundsByEntriesByDefault() {
    Backend made =
        new CacheFactory()
            .create(
                StoreSpec.decorator("cache", Map.of(), StoreSpec.leaf("memory", null, Map.of())),
                Map.of(StoreSpec.CHILD, child),
                StoreContext.standard());

    assertThat(made).hasToString("cache(capacity=100000):mock:");
  }

  @Test
  void theFactoryBoundsByBytesWhenAsked() {
    Backend made =
        new CacheFactory()
            .create(
                StoreSpec.decorator(
                    "cache", Map.of("max-bytes", "64m"), StoreSpec.leaf("memory", null, Map.of())),
                Map.of(StoreSpec.CHILD, child),
                StoreContext.standard());

    assertThat(made).hasToString("cache(max-bytes=67108864):mock:");
  }

  @Test
  void theFactoryRejectsBothBounds() {
    StoreSpec spec =
        StoreSpec.decorator(
            "cache",
            Map.of("max-bytes", "1m", "capacity", "10"),
            StoreSpec.leaf("memory", null, Map.of()));

    assertThatThrownBy(
            () ->
                new CacheFactory()
                    .create(spec, Map.of(StoreSpec.CHILD, child), StoreContext.standard()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("capacity=10")
        .hasMessageContaining("max-bytes=1m")
        .hasMessageContaining("not both");
  }
}
