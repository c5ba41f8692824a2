package dev.cairn.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A content-addressed object store with named refs.
 *
 * <p><b>Objects</b> are immutable byte strings named by the {@link Hash} of their bytes under the
 * store's {@link #hashAlgorithm()}. Writing an object that is already present is harmless. Reading
 * an absent object yields {@link Optional#empty()}, never an exception. Returned arrays belong to
 * the caller.
 *
 * <p><b>Refs</b> are names (see {@link RefName}) that point at hashes. {@link #testAndSetRef} is
 * linearizable: of any set of concurrent calls, each succeeds or fails as if the calls ran one at a
 * time in some order consistent with real time.
 *
 * <p><b>Thread-safety.</b> Every implementation is safe for any number of concurrent callers.
 *
 * <p><b>Errors.</b> A hash of another algorithm is rejected with {@link
 * HashAlgorithmMismatchException}; an invalid ref name with {@link InvalidRefNameException}; a
 * mutation the store does not support (see {@link #capabilities()}) with {@link
 * ReadOnlyStoreException}; failed I/O with {@link StoreIOException}; damaged data with {@link
 * CorruptionException}. In every case nothing already stored is lost. After {@link #close()}, every
 * operation but {@code close} throws {@link StoreClosedException}.
 *
 * <p>Implementations usually extend {@link AbstractBackend}, which enforces this contract.
 */
public interface Backend extends AutoCloseable {
  /** The algorithm that names this store's objects. */
  HashAlgorithm hashAlgorithm();

  /** The bytes of the object named {@code hash}, or empty if the store does not hold it. */
  Optional<byte[]> read(Hash hash);

  /**
   * Stores {@code data} under {@code hash}. The caller promises that {@code hash} is the hash of
   * {@code data}; a store may check it (the {@code verify} decorator does). Durability depends on
   * the store: a durable store has made the object durable when this returns, unless it was
   * configured otherwise.
   */
  void write(Hash hash, byte[] data);

  /** Hashes {@code data}, stores it as {@link #write} does, and returns its hash. */
  default Hash put(byte[] data) {
    Hash hash = hashAlgorithm().hash(data);
    write(hash, data);
    return hash;
  }

  /** Whether the store holds the object named {@code hash}. */
  boolean exists(Hash hash);

  /** The hash {@code name} points at, or empty if there is no such ref. */
  Optional<Hash> getRef(String name);

  /** Points {@code name} at {@code hash}, creating the ref if needed. */
  void setRef(String name, Hash hash);

  /**
   * Atomically points {@code name} at {@code replacement} if it currently points at {@code
   * expected}. A {@code null} {@code expected} means "the ref must not exist" (create); a {@code
   * null} {@code replacement} means "delete the ref".
   *
   * @return whether the ref was changed (or, for {@code null} to {@code null}, whether it was
   *     absent)
   */
  boolean testAndSetRef(String name, @Nullable Hash expected, @Nullable Hash replacement);

  /** The names of all refs, sorted in {@link String#compareTo} order. */
  List<String> listRefs();

  /**
   * Stores every object of {@code objects} (hash to bytes). Where the store is durable, the batch
   * is all-or-nothing after a crash: either every object of it is stored or none that was not
   * stored before.
   */
  void writeBatch(Map<Hash, byte[]> objects);

  /** Makes every write acknowledged so far durable (a no-op for stores that are not). */
  void flush();

  /**
   * Releases the store's resources. Idempotent. Every other operation fails afterwards with {@link
   * StoreClosedException}.
   */
  @Override
  void close();

  /** The store's counters, or empty if it does not keep any. */
  default Optional<StoreStats> stats() {
    return Optional.empty();
  }

  /** What this store supports beyond reading. */
  Set<Capability> capabilities();

  /**
   * This store seen as an optional feature interface (for example compaction, or enumeration of
   * objects), or empty if it does not offer it. A decorator never hides a feature of its child: it
   * forwards it, wraps it so that its own promises hold, or refuses it with a stand-in that throws
   * (see {@link ForwardingBackend}).
   */
  default <T> Optional<T> feature(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }
}
