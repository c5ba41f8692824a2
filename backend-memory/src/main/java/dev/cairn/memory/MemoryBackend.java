package dev.cairn.memory;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jspecify.annotations.Nullable;

/**
 * A store that keeps its objects and refs in the heap. Thread-safe; reads take no lock and ref
 * compare-and-set is lock-free. Nothing survives the JVM.
 *
 * <p>{@link #create} opens a private store. {@link #open(String, HashAlgorithm)} opens a store
 * shared by name within the JVM, as H2's {@code mem:NAME}: every open of the same name sees the
 * same objects and refs, and the store lives while at least one of them is open. In specs: {@code
 * memory:} and {@code memory:NAME}, option {@code hash=sha1|sha256} (default {@code sha256}).
 *
 * <p>Objects are copied in and out, so no caller can change what another reads.
 *
 * <p>Feature {@link ObjectStreams}: a reader streams the stored bytes without copying them
 * (read-only); a streamed write is read into the heap and put, as {@link ObjectStreams#inHeap} does
 * (up to twice the object's size while it is written).
 */
public final class MemoryBackend extends AbstractBackend {
  private static final ConcurrentMap<String, Contents> SHARED = new ConcurrentHashMap<>();

  private final Contents contents;
  private final @Nullable String sharedName;

  /** What one private store, or every open of one shared name, holds. */
  private static final class Contents {
    final HashAlgorithm algorithm;
    final ConcurrentMap<Hash, byte[]> objects = new ConcurrentHashMap<>();
    final ConcurrentSkipListMap<String, Hash> refs = new ConcurrentSkipListMap<>();

    /** Open handles; guarded by {@link #SHARED}'s per-key atomicity. */
    int handles;

    Contents(HashAlgorithm algorithm) {
      this.algorithm = algorithm;
    }
  }

  private MemoryBackend(String description, Contents contents, @Nullable String sharedName) {
    super(
        description,
        contents.algorithm,
        EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS));
    this.contents = contents;
    this.sharedName = sharedName;
  }

  /** A new, empty, private store of SHA-256 hashes. */
  public static MemoryBackend create() {
    return create(HashAlgorithm.SHA256);
  }

  /** A new, empty, private store of {@code algorithm} hashes. */
  public static MemoryBackend create(HashAlgorithm algorithm) {
    requireNonNull(algorithm, "algorithm");
    return new MemoryBackend("memory:", new Contents(algorithm), null);
  }

  /**
   * Opens the store shared under {@code name} in this JVM, creating it empty if no open handle to
   * it exists. The store is discarded when its last handle is closed.
   *
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws HashAlgorithmMismatchException if the store is open with another algorithm
   */
  public static MemoryBackend open(String name, HashAlgorithm algorithm) {
    requireNonNull(name, "name");
    requireNonNull(algorithm, "algorithm");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a shared memory store needs a non-empty name");
    }
    Contents contents =
        SHARED.compute(
            name,
            (key, existing) -> {
              Contents c = existing == null ? new Contents(algorithm) : existing;
              if (!c.algorithm.name().equals(algorithm.name())) {
                throw new HashAlgorithmMismatchException(
                    String.format(
                        "memory store '%s' is open with hash %s, not %s",
                        name, c.algorithm.name(), algorithm.name()));
              }
              c.handles++;
              return c;
            });
    return new MemoryBackend("memory:" + name, contents, name);
  }

  /** The number of objects stored. */
  public int objectCount() {
    checkOpen("objectCount");
    return contents.objects.size();
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    byte[] data = contents.objects.get(hash);
    return data == null ? Optional.empty() : Optional.of(data.clone());
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return contents.objects.containsKey(hash);
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    if (!contents.objects.containsKey(hash)) {
      contents.objects.putIfAbsent(hash, data.clone());
    }
  }

  @Override
  protected Optional<Hash> readRef(String name) {
    return Optional.ofNullable(contents.refs.get(name));
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    contents.refs.put(name, hash);
  }

  @Override
  protected boolean compareAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
    ConcurrentSkipListMap<String, Hash> refs = contents.refs;
    if (expected == null) {
      return replacement == null
          ? !refs.containsKey(name)
          : refs.putIfAbsent(name, replacement) == null;
    }
    return replacement == null
        ? refs.remove(name, expected)
        : refs.replace(name, expected, replacement);
  }

  @Override
  protected List<String> refNames() {
    return new ArrayList<>(contents.refs.keySet());
  }

  @Override
  protected void closeStore() {
    if (sharedName != null) {
      SHARED.computeIfPresent(sharedName, (key, c) -> --c.handles == 0 ? null : c);
    }
  }

  @Override
  public <T> Optional<T> feature(Class<T> type) {
    if (type == ObjectStreams.class) {
      checkOpen("feature");
      return Optional.of(type.cast(new Streams()));
    }
    return super.feature(type);
  }

  /** Writes through the heap, reads without a copy. */
  private final class Streams implements ObjectStreams {
    private final ObjectStreams heap = ObjectStreams.inHeap(MemoryBackend.this);

    @Override
    public long maxObjectSize() {
      return heap.maxObjectSize();
    }

    @Override
    public Hash write(InputStream in, long length) throws IOException {
      return heap.write(in, length);
    }

    @Override
    public Optional<ObjectReader> open(Hash hash) {
      checkObjectRead("open", hash);
      byte[] data = contents.objects.get(hash);
      if (data == null) {
        return Optional.empty();
      }
      recordRead(data.length);
      return Optional.of(ObjectReader.of(ByteBuffer.wrap(data)));
    }
  }

  /** Whether a shared store of that name is open in this JVM; for tests and tools. */
  static boolean isShared(String name) {
    return SHARED.containsKey(name);
  }
}
