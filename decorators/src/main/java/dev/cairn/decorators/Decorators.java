package dev.cairn.decorators;

import dev.cairn.spi.Backend;
import dev.cairn.spi.HashMismatchException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreConfigurationException;

/**
 * Stores over stores, for use without a stack spec. Each method returns a new store that owns the
 * store(s) it is given: closing it closes them. Every store returned is thread-safe if its children
 * are and checks the {@link Backend} contract itself before calling them.
 *
 * <p>The decorators ({@code cache}, {@code read-only}, {@code stats}, {@code verify}) extend {@link
 * dev.cairn.spi.ForwardingBackend} and never hide a {@linkplain Backend#feature feature} of their
 * child: each forwards, wraps or refuses it, as its class says. {@code stats} and {@code verify}
 * forward every one; {@code cache} wraps those that drop objects (garbage collection, compaction,
 * reload) so that it forgets them, forwards the archive, enumeration and integrity check, and
 * refuses the rest; {@code read-only} forwards what only reads, offers an archive as a read-only
 * view, and refuses the rest. {@code layered} is a combinator, not a decorator: it implements
 * {@link dev.cairn.spi.GarbageCollection} itself and offers the {@link
 * dev.cairn.spi.IntegrityCheck} of both stores. The same stores open by spec through their
 * factories: {@code cache}, {@code read-only}, {@code layered}, {@code stats} and {@code verify}.
 */
public final class Decorators {
  private Decorators() {}

  /**
   * A cache of at most {@code capacity} objects over {@code child} (Caffeine's W-TinyLFU eviction):
   * reads it holds never reach the child; objects read, written or written in a batch are kept.
   * Only objects the child has acknowledged holding are kept, never an absence, and callers always
   * receive their own copy of the bytes. {@code stats()} reports the reads, writes and bytes seen
   * by callers, and the cache's hits and misses.
   *
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  public static Backend cache(Backend child, long capacity) {
    return CachingStore.byEntries(child, capacity);
  }

  /**
   * As {@link #cache(Backend, long)}, but bounded by the total payload bytes of the objects it
   * holds (not counting the JVM's overhead per entry) rather than by their number.
   *
   * @throws IllegalArgumentException if {@code maxBytes} is less than 1
   */
  public static Backend cacheByBytes(Backend child, long maxBytes) {
    return CachingStore.byBytes(child, maxBytes);
  }

  /**
   * A read-only view of {@code child}: {@code write}, {@code put}, {@code writeBatch}, {@code
   * setRef} and {@code testAndSetRef} throw {@link ReadOnlyStoreException} naming the operation,
   * and the child never sees them; reads, {@code flush}, {@code close} and {@code stats} pass
   * through.
   */
  public static Backend readOnly(Backend child) {
    return new ReadOnlyStore(child);
  }

  /**
   * {@code upper} over {@code lower}: reads try the upper then the lower, writes and ref updates go
   * to the upper. See {@link LayeredStore} for the details, notably what {@code testAndSetRef} does
   * with a ref only the lower holds.
   *
   * @throws StoreConfigurationException if the two use different hash algorithms
   */
  public static LayeredStore layered(Backend upper, Backend lower) {
    return LayeredStore.of(upper, lower);
  }

  /**
   * Counts and times what passes through to {@code child}: its {@code stats()} has the reads,
   * writes and bytes seen by its callers, the cache hits and misses of a cache below (taken from
   * {@code child.stats()}), and a latency summary per operation, timed with {@link
   * System#nanoTime()}. Recording is lock-free.
   */
  public static Backend stats(Backend child) {
    return new StatsStore(child, System::nanoTime);
  }

  /**
   * Re-hashes every object read from and written to {@code child}: bytes that do not match their
   * hash raise {@link HashMismatchException} naming both hashes. Wrong bytes are never returned,
   * and a write (or a batch with one object) whose bytes do not match never reaches the child.
   */
  public static Backend verify(Backend child) {
    return new VerifyingStore(child);
  }
}
