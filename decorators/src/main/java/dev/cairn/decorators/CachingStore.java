package dev.cairn.decorators;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code cache} decorator: the seed's {@code cached}, on Caffeine. Reads are answered from
 * memory when they can be; writes and batches go to the child and then into the cache.
 *
 * <p>Two invariants keep it correct. The cache holds only objects the child has acknowledged
 * holding (returned by a read, or written without an error), and never an absence, so it cannot
 * make an absent object appear present — as long as the child does not drop objects behind its
 * back, which is why no feature of the child (compaction, GC) is forwarded. And no array it
 * holds is ever seen by a caller: it keeps its own copy and every hit returns a fresh one.
 *
 * <p>Caffeine's maintenance runs on the calling threads, so the cache starts no threads.
 */
final class CachingStore extends ForwardingBackend {
  private final Cache<Hash, byte[]> cache;

  private CachingStore(String name, Backend child, Cache<Hash, byte[]> cache) {
    super(name, child);
    this.cache = cache;
  }

  /** A cache of at most {@code capacity} objects. */
  static CachingStore byEntries(Backend child, long capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity (" + capacity + ") must be at least 1");
    }
    return new CachingStore("cache(capacity=" + capacity + ")", child,
        Caffeine.newBuilder().executor(Runnable::run).maximumSize(capacity).build());
  }

  /** A cache of objects whose payloads add up to at most {@code maxBytes}. */
  static CachingStore byBytes(Backend child, long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes (" + maxBytes + ") must be at least 1");
    }
    return new CachingStore("cache(max-bytes=" + maxBytes + ")", child,
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
    Optional<byte[]> data = child().read(hash);
    data.ifPresent(bytes -> cache.put(hash, bytes.clone()));
    return data;
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
}
