package dev.cairn.decorators;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.Hash;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.Reloadable;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreStats;
import dev.cairn.spi.volume.Lower;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The {@code cache} decorator: the seed's {@code cached}, on Caffeine. Reads are answered from
 * memory when they can be; writes and batches go to the child and then into the cache.
 *
 * <p>Two invariants keep it correct. The cache holds only objects the child has acknowledged
 * holding (returned by a read, or written without an error), and never an absence, so it cannot
 * make an absent object appear present — as long as the child does not drop objects behind its
 * back, which is why the child's features that drop objects are wrapped (see {@link
 * #childFeature}). And no array it holds is ever seen by a caller: it keeps its own copy and every
 * hit returns a fresh one.
 *
 * <p>The child's {@link ObjectStreams}, where it offers them, pass by the cache: what is streamed
 * in is not cached (a large object would push out the many small ones a cache is for), and a reader
 * is served from the cache only if the object is there already, else by the child, and not cached
 * either.
 *
 * <p>Caffeine's maintenance runs on the calling threads, so the cache starts no threads.
 */
final class CachingStore extends Decorator {
  private final Cache<Hash, byte[]> cache;

  /** Collections of the child running now. */
  private final AtomicInteger collecting = new AtomicInteger();

  /** Bumped when a collection of the child starts or ends. */
  private final AtomicLong epoch = new AtomicLong();

  private CachingStore(String name, Backend child, Cache<Hash, byte[]> cache) {
    super(name + ":" + child, child);
    this.cache = cache;
  }

  /** A cache of at most {@code capacity} objects. */
  static CachingStore byEntries(Backend child, long capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity (" + capacity + ") must be at least 1");
    }
    return new CachingStore(
        "cache(capacity=" + capacity + ")",
        child,
        Caffeine.newBuilder().executor(Runnable::run).maximumSize(capacity).build());
  }

  /** A cache of objects whose payloads add up to at most {@code maxBytes}. */
  static CachingStore byBytes(Backend child, long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes (" + maxBytes + ") must be at least 1");
    }
    return new CachingStore(
        "cache(max-bytes=" + maxBytes + ")",
        child,
        Caffeine.newBuilder()
            .executor(Runnable::run)
            .maximumWeight(maxBytes)
            .<Hash, byte[]>weigher((hash, bytes) -> bytes.length)
            .build());
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    byte[] cached = cache.getIfPresent(hash);
    if (cached != null) {
      recordCacheHit();
      return Optional.of(cached.clone());
    }
    recordCacheMiss();
    // No lock is held while the child reads; two concurrent misses may both read and both
    // insert, which is harmless because the bytes of a hash never change.
    long seen = epoch.get();
    Optional<byte[]> data = child().read(hash);
    if (data.isPresent() && collecting.get() == 0 && epoch.get() == seen) {
      cache.put(hash, data.get().clone());
      // A collection that began after the check might drop the object: it will forget it
      // when it ends, unless this insertion lands after that, which this second look catches.
      if (collecting.get() != 0 || epoch.get() != seen) {
        cache.invalidate(hash);
      }
    }
    return data;
  }

  /**
   * The child's features, each forwarded or wrapped so that the cache never serves an object the
   * child dropped:
   *
   * <ul>
   *   <li>{@link GarbageCollection}, {@link Compaction} and {@link Reloadable} are wrapped: reads
   *       that overlap them are not cached, and after one that may have dropped objects (a
   *       collection or compaction that dropped some, one that failed, any reload) every cached
   *       object the child no longer holds is forgotten;
   *   <li>{@link Lower} (an archive only adds objects), {@link ObjectEnumeration} and {@link
   *       IntegrityCheck} (they only read) are forwarded;
   *   <li>any other feature is {@linkplain #refused refused} with a {@link
   *       StoreConfigurationException}: the cache cannot know what it would change below it.
   * </ul>
   */
  @Override
  protected <T> T childFeature(Class<T> type, T feature) {
    if (type == ObjectStreams.class) { // past the cache (see the class comment)
      return type.cast(new Streams((ObjectStreams) feature));
    }
    if (type == GarbageCollection.class) {
      GarbageCollection collection = (GarbageCollection) feature;
      return type.cast(
          (GarbageCollection)
              options -> dropping(() -> collection.gc(options), report -> report.dropped() > 0));
    }
    if (type == Compaction.class) {
      Compaction compaction = (Compaction) feature;
      return type.cast(
          (Compaction)
              keep -> dropping(() -> compaction.compact(keep), result -> result.dropped() > 0));
    }
    if (type == Reloadable.class) {
      Reloadable reloadable = (Reloadable) feature;
      return type.cast((Reloadable) () -> dropping(reloadable::reload, reloaded -> true));
    }
    if (type == Lower.class || type == ObjectEnumeration.class || type == IntegrityCheck.class) {
      return feature;
    }
    return refused(
        type,
        operation ->
            new StoreConfigurationException(
                String.format(
                    "%s does not pass on %s.%s of the store below it: the cache cannot tell what it would"
                        + " change there",
                    this, type.getSimpleName(), operation)));
  }

  /**
   * Runs {@code operation}, which may drop objects of the child, with no read cached while it runs;
   * afterwards, if {@code dropped} says it may have dropped some or it failed, forgets every cached
   * object the child no longer holds.
   */
  private <R> R dropping(Supplier<R> operation, Predicate<? super R> dropped) {
    collecting.incrementAndGet();
    epoch.incrementAndGet();
    try {
      R result = operation.get();
      if (dropped.test(result)) {
        forgetDropped();
      }
      return result;
    } catch (RuntimeException e) {
      forgetDropped();
      throw e;
    } finally {
      epoch.incrementAndGet();
      collecting.decrementAndGet();
    }
  }

  private void forgetDropped() {
    for (Hash hash : List.copyOf(cache.asMap().keySet())) {
      if (!child().exists(hash)) {
        cache.invalidate(hash);
      }
    }
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return cache.getIfPresent(hash) != null || child().exists(hash);
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    byte[] copy = data.clone();
    child().write(hash, copy);
    cache.put(hash, copy);
  }

  @Override
  protected void writeObjects(Map<Hash, byte[]> objects) {
    // The child is given the very copies the cache keeps, so both hold the same bytes even if
    // the caller changes its arrays while the batch is written.
    Map<Hash, byte[]> copies = new LinkedHashMap<>();
    objects.forEach((hash, bytes) -> copies.put(hash, bytes.clone()));
    child().writeBatch(copies);
    cache.putAll(copies);
  }

  /**
   * Reads, writes and bytes as seen by callers of this cache, with its hits and misses. Reads
   * answered here never reach the child, so the child's counters would undercount them.
   */
  @Override
  public Optional<StoreStats> stats() {
    return Optional.of(ownStats());
  }

  @Override
  protected void closeStore() {
    cache.invalidateAll();
    super.closeStore();
  }

  /** How many objects the cache holds now; for tests. */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** The child's streams, past the cache. */
  private final class Streams extends Decorator.Streams {
    Streams(ObjectStreams child) {
      super(child);
    }

    @Override
    Optional<ObjectReader> openChild(Hash hash) {
      byte[] cached = cache.getIfPresent(hash);
      if (cached != null) {
        recordCacheHit();
        return Optional.of(ObjectReader.of(ByteBuffer.wrap(cached)));
      }
      recordCacheMiss();
      return child.open(hash);
    }
  }
}
