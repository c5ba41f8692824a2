package dev.cairn.spi;

import java.util.function.Consumer;

/**
 * A store feature (see {@link Backend#feature(Class)}): visiting every object the store holds, for
 * garbage collection, archiving and {@code cairn verify}.
 *
 * <p>Visits at least every object written before the call began; objects written while it runs may
 * or may not be visited. An object may be visited more than once if the store holds copies. The
 * visitor runs on the calling thread; the store stays usable meanwhile (the visitor may read from
 * it).
 */
public interface ObjectEnumeration {
  /**
   * Calls {@code visitor} once for each stored object.
   *
   * @throws CorruptionException if an index or record the enumeration needs is damaged
   * @throws StoreIOException if reading fails
   */
  void forEachObject(Consumer<? super StoredObject> visitor);
}
