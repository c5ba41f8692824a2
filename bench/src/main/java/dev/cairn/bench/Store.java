package dev.cairn.bench;

/**
 * What the harness asks of every store it measures, peer or Cairn stack: one adapter per store
 * engine, so adding a store to the comparison is one class (or, for a Cairn stack, one line in
 * {@link Targets}).
 *
 * <p>Keys are the 32-byte SHA-256 of the value, computed by the harness, so hashing costs the same
 * for every store. Every adapter returns a {@code byte[]} the caller owns (LMDB and Xodus copy out
 * of their pages) so that reads cost what a caller of the Cairn contract pays. Whether {@link #put}
 * and {@link #putBatch} are durable when they return is fixed by the {@link Durability} the store
 * was opened with. Adapters are safe for concurrent callers.
 */
public interface Store extends AutoCloseable {
  /** Stores one object. */
  void put(byte[] key, byte[] value);

  /** Stores {@code keys[from..to)} with their values as one atomic batch. */
  void putBatch(byte[][] keys, byte[][] values, int from, int to);

  /** The value stored under {@code key}, or {@code null}. */
  byte[] get(byte[] key);

  /** Whether {@code key} is stored. */
  boolean exists(byte[] key);

  /** Makes every write so far durable. */
  void flush();

  /** Closes this store and opens it again from its files; returns the new handle. */
  Store reopen();

  /** Releases the store; idempotent. */
  @Override
  void close();
}
