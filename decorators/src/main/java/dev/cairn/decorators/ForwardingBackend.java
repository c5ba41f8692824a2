package dev.cairn.decorators;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.Hash;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.StoreStats;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A store that passes every operation to one child store: the base of the decorators, each of
 * which overrides only what it changes (Okio's {@code ForwardingFileSystem}).
 *
 * <p>It extends {@link AbstractBackend}, so the contract is checked once, here, before the
 * child is called: nulls, a closed store, hashes of another algorithm, invalid ref names and
 * writes the {@linkplain #capabilities() capabilities} do not allow never reach the child.
 *
 * <p>What is forwarded and what is not:
 *
 * <ul>
 *   <li>{@link #hashAlgorithm()} is the child's.
 *   <li>{@link #capabilities()} are the child's unless the subclass passes others.
 *   <li>{@link #stats()} is the child's, so a decorator that counts nothing is transparent
 *       (a {@code stats} decorator above sees the counters of a cache below).
 *   <li>{@link #feature(Class)} is <em>not</em> forwarded: a feature of the child (say,
 *       compaction) would act on the child behind the decorator's back and could break its
 *       promises (a cache serving deleted objects, a read-only view that changes, reads that
 *       are neither counted nor verified). A decorator offers only what it implements itself.
 *   <li>{@link #close()} closes the child.
 * </ul>
 *
 * <p>The one exception a subclass may make is {@link GarbageCollection} ({@link
 * #childCollection()}), whose effect is visible through the decorator anyway (archived objects
 * stay readable; dropped ones were unreachable): {@code stats} and {@code verify} pass it
 * through, {@code cache} passes it through and forgets dropped objects, {@code read-only}
 * refuses it. {@link IntegrityCheck} is passed through by every decorator: it only reads the
 * child's files and changes nothing a decorator keeps.
 */
abstract class ForwardingBackend extends AbstractBackend {
  private final Backend child;

  /** A decorator called {@code name} over {@code child}, with the child's capabilities. */
  ForwardingBackend(String name, Backend child) {
    this(name, child, requireNonNull(child, "child").capabilities());
  }

  /** A decorator called {@code name} over {@code child}, with the given capabilities. */
  ForwardingBackend(String name, Backend child, Set<Capability> capabilities) {
    super(name + ":" + requireNonNull(child, "child"), child.hashAlgorithm(), capabilities);
    this.child = child;
  }

  /** The store this one decorates. */
  final Backend child() {
    return child;
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    return child.read(hash);
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return child.exists(hash);
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    child.write(hash, data);
  }

  @Override
  protected void writeObjects(Map<Hash, byte[]> objects) {
    child.writeBatch(objects);
  }

  @Override
  protected Optional<Hash> readRef(String name) {
    return child.getRef(name);
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    child.setRef(name, hash);
  }

  @Override
  protected boolean compareAndSetRef(String name, Hash expected, Hash replacement) {
    return child.testAndSetRef(name, expected, replacement);
  }

  @Override
  protected List<String> refNames() {
    return child.listRefs();
  }

  @Override
  protected void flushStore() {
    child.flush();
  }

  @Override
  protected void closeStore() {
    child.close();
  }

  /** The child's counters: a decorator that counts nothing itself is transparent. */
  @Override
  public Optional<StoreStats> stats() {
    return child.stats();
  }

  /**
   * The counters {@link AbstractBackend} keeps for this store itself (reads, writes and bytes
   * seen by this layer, and the cache hits and misses it recorded).
   */
  final StoreStats ownStats() {
    return super.stats().orElse(StoreStats.ZERO);
  }

  /** The child's garbage collection, if it offers one; see the class comment. */
  final Optional<GarbageCollection> childCollection() {
    return child.feature(GarbageCollection.class);
  }

  /**
   * Only what this decorator implements itself, and the child's {@link IntegrityCheck}; see
   * the class comment for why.
   */
  @Override
  public <T> Optional<T> feature(Class<T> type) {
    requireNonNull(type, "type");
    if (type == IntegrityCheck.class) {
      checkOpen("feature");
      return child.feature(IntegrityCheck.class).map(type::cast);
    }
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /**
   * The child's {@link ObjectStreams} as this decorator passes them on: writes checked as
   * {@code write} is and counted, reads checked as {@code read} is and counted. A decorator
   * overrides {@link #writeChild} or {@link #openChild} where it changes what passes.
   */
  class Streams implements ObjectStreams {
    final ObjectStreams child;

    Streams(ObjectStreams child) {
      this.child = requireNonNull(child, "child");
    }

    @Override
    public long maxObjectSize() {
      return child.maxObjectSize();
    }

    @Override
    public final Hash write(InputStream in, long length) throws IOException {
      requireNonNull(in, "in");
      checkObjectWrite("write");
      PassingInput counted = PassingInput.counted(in, length);
      Hash hash = writeChild(counted, length);
      recordWrite(counted.count());
      return hash;
    }

    @Override
    public final Optional<ObjectReader> open(Hash hash) {
      checkObjectRead("open", hash);
      Optional<ObjectReader> reader = openChild(hash);
      reader.ifPresent(r -> recordRead(r.size()));
      return reader;
    }

    /** The streamed write, once checked; its bytes are counted as they pass. */
    Hash writeChild(InputStream in, long length) throws IOException {
      return child.write(in, length);
    }

    /** The reader of {@code hash}, once checked. */
    Optional<ObjectReader> openChild(Hash hash) {
      return child.open(hash);
    }
  }
}
