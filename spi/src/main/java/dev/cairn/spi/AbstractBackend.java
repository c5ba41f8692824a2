package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A skeleton {@link Backend} that enforces the contract once, so implementations only store and
 * fetch. Its public methods are final: they reject nulls, check that the store is open, that the
 * operation is among its {@linkplain #capabilities() capabilities}, that ref names are {@linkplain
 * RefName valid} and that hashes are of the store's algorithm — all before the subclass is called —
 * and they keep the {@linkplain #stats() counters}.
 *
 * <p>Subclasses must be thread-safe. {@link #closeStore()} runs at most once.
 */
public abstract class AbstractBackend implements Backend {
  private final String description;
  private final HashAlgorithm algorithm;
  private final Set<Capability> capabilities;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder reads = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder bytesWritten = new LongAdder();
  private final LongAdder cacheHits = new LongAdder();
  private final LongAdder cacheMisses = new LongAdder();

  /**
   * Creates the skeleton.
   *
   * @param description names the store in messages, e.g. {@code "memory:shared"}
   * @param algorithm the algorithm of the store's hashes
   * @param capabilities what the store supports beyond reading
   */
  protected AbstractBackend(
      String description, HashAlgorithm algorithm, Set<Capability> capabilities) {
    this.description = requireNonNull(description, "description");
    this.algorithm = requireNonNull(algorithm, "algorithm");
    requireNonNull(capabilities, "capabilities");
    this.capabilities =
        Collections.unmodifiableSet(
            capabilities.isEmpty()
                ? EnumSet.noneOf(Capability.class)
                : EnumSet.copyOf(capabilities));
  }

  /** Returns the object named {@code hash}, or empty. The hash has been checked. */
  protected abstract Optional<byte[]> readObject(Hash hash);

  /** Whether the object named {@code hash} is stored. The hash has been checked. */
  protected abstract boolean containsObject(Hash hash);

  /**
   * Stores one object. Called only if the store has {@link Capability#WRITE_OBJECTS}. The default
   * throws; a store with that capability overrides it.
   */
  protected void writeObject(Hash hash, byte[] data) {
    throw new ReadOnlyStoreException(description, "write");
  }

  /**
   * Stores a batch, all-or-nothing where the store is durable. Every hash and array has been
   * checked. The default writes the objects one at a time, which suits stores that are not durable.
   */
  protected void writeObjects(Map<Hash, byte[]> objects) {
    objects.forEach(this::writeObject);
  }

  /** The ref called {@code name}, or empty. The name has been checked. */
  protected abstract Optional<Hash> readRef(String name);

  /**
   * Points a ref at a hash. Called only if the store has {@link Capability#WRITE_REFS}; the default
   * throws.
   */
  protected void writeRef(String name, Hash hash) {
    throw new ReadOnlyStoreException(description, "setRef");
  }

  /**
   * The linearizable compare-and-set of {@link Backend#testAndSetRef}. Called only if the store has
   * {@link Capability#WRITE_REFS}; the default throws.
   */
  protected boolean compareAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
    throw new ReadOnlyStoreException(description, "testAndSetRef");
  }

  /** Every ref name, in any order. */
  protected abstract List<String> refNames();

  /** Makes acknowledged writes durable. The default does nothing. */
  protected void flushStore() {}

  /** Releases resources. Runs at most once. The default does nothing. */
  protected void closeStore() {}

  @Override
  public final HashAlgorithm hashAlgorithm() {
    return algorithm;
  }

  @Override
  public final Optional<byte[]> read(Hash hash) {
    checkHash("read", hash);
    Optional<byte[]> data = readObject(hash);
    reads.increment();
    data.ifPresent(bytes -> bytesRead.add(bytes.length));
    return data;
  }

  @Override
  public final void write(Hash hash, byte[] data) {
    requireNonNull(data, "data");
    checkWritable("write", Capability.WRITE_OBJECTS);
    checkHash("write", hash);
    writeCounted(hash, data);
  }

  @Override
  public final Hash put(byte[] data) {
    requireNonNull(data, "data");
    checkWritable("put", Capability.WRITE_OBJECTS);
    Hash hash = algorithm.hash(data);
    writeCounted(hash, data);
    return hash;
  }

  private void writeCounted(Hash hash, byte[] data) {
    writeObject(hash, data);
    writes.increment();
    bytesWritten.add(data.length);
  }

  @Override
  public final boolean exists(Hash hash) {
    checkHash("exists", hash);
    return containsObject(hash);
  }

  @Override
  public final Optional<Hash> getRef(String name) {
    checkOpen("getRef");
    return readRef(RefName.check(name));
  }

  @Override
  public final void setRef(String name, Hash hash) {
    requireNonNull(hash, "hash");
    checkWritable("setRef", Capability.WRITE_REFS);
    RefName.check(name);
    checkAlgorithm(hash);
    writeRef(name, hash);
  }

  @Override
  public final boolean testAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
    checkWritable("testAndSetRef", Capability.WRITE_REFS);
    RefName.check(name);
    if (expected != null) {
      checkAlgorithm(expected);
    }
    if (replacement != null) {
      checkAlgorithm(replacement);
    }
    return compareAndSetRef(name, expected, replacement);
  }

  @Override
  public final List<String> listRefs() {
    checkOpen("listRefs");
    return refNames().stream().sorted().toList();
  }

  @Override
  public final void writeBatch(Map<Hash, byte[]> objects) {
    requireNonNull(objects, "objects");
    checkWritable("writeBatch", Capability.WRITE_OBJECTS);
    long bytes = 0;
    for (Map.Entry<Hash, byte[]> entry : objects.entrySet()) {
      checkAlgorithm(requireNonNull(entry.getKey(), "a hash in the batch"));
      bytes += requireNonNull(entry.getValue(), () -> "the bytes of " + entry.getKey()).length;
    }
    if (objects.isEmpty()) {
      return;
    }
    writeObjects(objects);
    writes.add(objects.size());
    bytesWritten.add(bytes);
  }

  @Override
  public final void flush() {
    checkOpen("flush");
    flushStore();
  }

  @Override
  public final void close() {
    if (closed.compareAndSet(false, true)) {
      closeStore();
    }
  }

  /** Whether {@link #close()} has been called. */
  protected final boolean isClosed() {
    return closed.get();
  }

  @Override
  public Optional<StoreStats> stats() {
    return Optional.of(
        new StoreStats(
            reads.sum(),
            writes.sum(),
            cacheHits.sum(),
            cacheMisses.sum(),
            bytesRead.sum(),
            bytesWritten.sum()));
  }

  /**
   * For a feature that writes objects outside {@link #write} (such as {@link ObjectStreams}): the
   * checks {@code write} makes first, that the store is open and takes objects.
   *
   * @throws StoreClosedException if the store is closed
   * @throws ReadOnlyStoreException if it lacks {@link Capability#WRITE_OBJECTS}
   */
  protected final void checkObjectWrite(String operation) {
    checkWritable(operation, Capability.WRITE_OBJECTS);
  }

  /**
   * For a feature that reads objects outside {@link #read}: the checks {@code read} makes first,
   * that {@code hash} is not null and of the store's algorithm and the store open.
   *
   * @throws StoreClosedException if the store is closed
   * @throws HashAlgorithmMismatchException if {@code hash} is of another algorithm
   */
  protected final void checkObjectRead(String operation, Hash hash) {
    checkHash(operation, hash);
  }

  /** Counts an object of {@code bytes} bytes read outside {@link #read}. */
  protected final void recordRead(long bytes) {
    reads.increment();
    bytesRead.add(bytes);
  }

  /** Counts an object of {@code bytes} bytes written outside {@link #write}. */
  protected final void recordWrite(long bytes) {
    writes.increment();
    bytesWritten.add(bytes);
  }

  /** Counts a read answered by this store's cache. */
  protected final void recordCacheHit() {
    cacheHits.increment();
  }

  /** Counts a read this store's cache could not answer. */
  protected final void recordCacheMiss() {
    cacheMisses.increment();
  }

  @Override
  public final Set<Capability> capabilities() {
    return capabilities;
  }

  /**
   * Throws {@link StoreClosedException} if the store is closed.
   *
   * @param operation the operation being attempted, for the message
   */
  protected final void checkOpen(String operation) {
    if (closed.get()) {
      throw new StoreClosedException(description, operation);
    }
  }

  private void checkWritable(String operation, Capability needed) {
    checkOpen(operation);
    if (!capabilities.contains(needed)) {
      throw new ReadOnlyStoreException(description, operation);
    }
  }

  private void checkHash(String operation, Hash hash) {
    requireNonNull(hash, "hash");
    checkOpen(operation);
    checkAlgorithm(hash);
  }

  private void checkAlgorithm(Hash hash) {
    if (!hash.algorithm().name().equals(algorithm.name())) {
      throw new HashAlgorithmMismatchException(description, algorithm, hash);
    }
  }

  /** The description given at construction, e.g. {@code "memory:shared"}. */
  @Override
  public String toString() {
    return description;
  }
}
