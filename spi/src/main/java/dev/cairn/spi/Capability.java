package dev.cairn.spi;

/**
 * What a store supports beyond reading objects and refs, which every store supports. A caller (and
 * the testkit) asks {@link Backend#capabilities()} instead of probing with {@code instanceof}; an
 * operation a store lacks throws (for writes, {@link ReadOnlyStoreException}).
 */
public enum Capability {
  /** {@code write}, {@code put} and {@code writeBatch} store objects. */
  WRITE_OBJECTS,
  /** {@code setRef} and {@code testAndSetRef} change refs. */
  WRITE_REFS,
  /** What {@code flush} made durable survives closing and reopening the store. */
  PERSISTENT,
}
