package dev.cairn.decorators;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.Hash;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreStats;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The {@code layered} combinator: the seed's {@code layered ~upper ~lower}. An upper store takes
 * every write over a lower store that is only read through it (irmin's upper and lower, or a
 * scratch store over a shared base).
 *
 * <ul>
 *   <li>{@code read}: the upper's object, else the lower's. {@code exists}: in either.
 *   <li>{@code write}, {@code put}, {@code writeBatch}, {@code setRef}: to the upper only.
 *   <li>{@code getRef}: the upper's ref, else the lower's (an upper ref shadows a lower one).
 *       {@code listRefs}: the sorted union, without duplicates.
 *   <li>{@code flush} and {@code close}: both stores, the upper first; both are attempted even if
 *       the first throws (the second failure is added as suppressed).
 * </ul>
 *
 * <p><b>{@code testAndSetRef}</b> compares against the ref as this store shows it ({@code getRef}),
 * not against the upper alone as the seed did: with the seed's rule a ref that only the lower holds
 * could not be updated from the value {@code getRef} returns, and a "create" ({@code expected ==
 * null}) would succeed for a ref that visibly exists. Here, a ref held only by the lower is updated
 * by creating it in the upper, which then shadows the lower's. Deleting ({@code replacement ==
 * null}) a ref that the lower holds cannot be expressed — the lower is never written and there are
 * no tombstones — so it fails with {@link ReadOnlyStoreException} and changes nothing. The
 * compare-and-set is linearizable as long as the lower's refs do not change while this store is
 * open; changes in the upper are safe because every update is a compare-and-set on the upper,
 * retried when the upper moved underneath.
 *
 * <p>{@link #capabilities()}: the upper's writes; {@link Capability#PERSISTENT} only if both are
 * persistent. No child's {@linkplain #feature feature} is offered but {@link IntegrityCheck} (both
 * stores'); the store's own {@link GarbageCollection} (see {@link #feature}) archives from the
 * upper into the lower or drops unreachable objects, while writers and ref updates go on (they pass
 * a write barrier while a collection runs).
 *
 * <p><b>Recovery.</b> When the lower is a writable volume archive ({@link
 * dev.cairn.spi.volume.Lower}) and the upper takes writes, opening the layered store finishes or
 * discards what a crashed collection left in the lower ({@link dev.cairn.spi.volume.Lower#cleanup}
 * for the next GC generation). Only one writable layered store may use a lower archive at a time.
 * Thread-safe if both stores are.
 */
public final class LayeredStore extends AbstractBackend {
  private final Backend upper;
  private final Backend lower;
  private final LayeredCollection collection;

  private LayeredStore(Backend upper, Backend lower) {
    super(
        "layered(upper=" + upper + ", lower=" + lower + ")",
        upper.hashAlgorithm(),
        capabilities(upper, lower));
    this.upper = upper;
    this.lower = lower;
    this.collection = new LayeredCollection(this, upper, lower);
  }

  /**
   * A layered store over {@code upper} and {@code lower}, which it owns and closes. If the lower is
   * a writable volume archive and the upper takes writes, finishes or discards what a crashed
   * collection left in the lower first.
   *
   * @throws StoreConfigurationException if the two stores use different hash algorithms
   * @throws dev.cairn.spi.CorruptionException if the lower's recovery finds damage; both stores are
   *     closed
   */
  static LayeredStore of(Backend upper, Backend lower) {
    requireNonNull(upper, "upper");
    requireNonNull(lower, "lower");
    if (!upper.hashAlgorithm().name().equals(lower.hashAlgorithm().name())) {
      throw new StoreConfigurationException(
          String.format(
              "layered: upper %s uses %s but lower %s uses %s; both must use the same algorithm",
              upper, upper.hashAlgorithm().name(), lower, lower.hashAlgorithm().name()));
    }
    LayeredStore store = new LayeredStore(upper, lower);
    try {
      store.collection.recover();
    } catch (RuntimeException e) {
      // The store owns both layers: a failed open must not leave them open.
      try {
        store.close();
      } catch (RuntimeException f) {
        e.addSuppressed(f);
      }
      throw e;
    }
    return store;
  }

  private static Set<Capability> capabilities(Backend upper, Backend lower) {
    Set<Capability> result = EnumSet.noneOf(Capability.class);
    result.addAll(upper.capabilities());
    if (!lower.capabilities().contains(Capability.PERSISTENT)) {
      result.remove(Capability.PERSISTENT);
    }
    return result;
  }

  /** The store that takes every write; owned by this one. */
  public Backend upper() {
    return upper;
  }

  /** The store read when the upper lacks an object or ref; owned by this one. */
  public Backend lower() {
    return lower;
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    Optional<byte[]> data = upper.read(hash);
    return data.isPresent() ? data : lower.read(hash);
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return upper.exists(hash) || lower.exists(hash);
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    collection.write(hash, data, () -> upper.write(hash, data));
  }

  @Override
  protected void writeObjects(Map<Hash, byte[]> objects) {
    collection.writeBatch(objects, () -> upper.writeBatch(objects));
  }

  @Override
  protected Optional<Hash> readRef(String name) {
    Optional<Hash> ref = upper.getRef(name);
    return ref.isPresent() ? ref : lower.getRef(name);
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    collection.moveRef(
        hash,
        () -> {
          upper.setRef(name, hash);
          return null;
        });
  }

  @Override
  protected boolean compareAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
    while (true) {
      Hash inUpper = upper.getRef(name).orElse(null);
      Hash inLower = inUpper == null ? lower.getRef(name).orElse(null) : null;
      Hash current = inUpper != null ? inUpper : inLower;
      if (!Objects.equals(current, expected)) {
        return false;
      }
      if (replacement == null && current != null && lower.getRef(name).isPresent()) {
        throw new ReadOnlyStoreException(
            lower + " (below " + this + ", holding ref " + name + ")", "testAndSetRef");
      }
      if (collection.moveRef(replacement, () -> upper.testAndSetRef(name, inUpper, replacement))) {
        return true;
      }
      // The upper's ref moved between our read and the compare-and-set: look again.
    }
  }

  @Override
  protected List<String> refNames() {
    Set<String> names = new TreeSet<>(upper.listRefs());
    names.addAll(lower.listRefs());
    return new ArrayList<>(names);
  }

  @Override
  protected void flushStore() {
    both(upper::flush, lower::flush);
  }

  @Override
  protected void closeStore() {
    both(upper::close, lower::close);
  }

  private static void both(Runnable first, Runnable second) {
    try {
      first.run();
    } catch (RuntimeException | Error e) {
      try {
        second.run();
      } catch (RuntimeException | Error f) {
        e.addSuppressed(f);
      }
      throw e;
    }
    second.run();
  }

  /**
   * The counters of this layer (reads, writes and bytes seen by its callers), with the cache hits
   * and misses of both stores added up.
   */
  @Override
  public Optional<StoreStats> stats() {
    StoreStats own = super.stats().orElse(StoreStats.ZERO);
    StoreStats up = upper.stats().orElse(StoreStats.ZERO);
    StoreStats low = lower.stats().orElse(StoreStats.ZERO);
    return Optional.of(
        own.withCache(up.cacheHits() + low.cacheHits(), up.cacheMisses() + low.cacheMisses()));
  }

  /**
   * The {@link IntegrityCheck} of both stores, upper first, if either offers one: checking files
   * changes nothing, so it cannot bypass the layering.
   */
  private Optional<IntegrityCheck> integrityCheck() {
    Optional<IntegrityCheck> up = upper.feature(IntegrityCheck.class);
    Optional<IntegrityCheck> low = lower.feature(IntegrityCheck.class);
    if (up.isEmpty() && low.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        damage -> {
          checkOpen("checkIntegrity");
          IntegrityCheck.Summary total = IntegrityCheck.Summary.NONE;
          for (Optional<IntegrityCheck> layer : List.of(up, low)) {
            if (layer.isPresent()) {
              total = total.plus(layer.get().checkIntegrity(damage));
            }
          }
          return total;
        });
  }

  /**
   * The upper's objects, then the lower's, when both can be listed (else none: a listing that left
   * out a layer would look complete). An object held by both is visited twice, as {@link
   * ObjectEnumeration} allows.
   */
  private Optional<ObjectEnumeration> objectEnumeration() {
    Optional<ObjectEnumeration> up = upper.feature(ObjectEnumeration.class);
    Optional<ObjectEnumeration> low = lower.feature(ObjectEnumeration.class);
    if (up.isEmpty() || low.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        visitor -> {
          checkOpen("forEachObject");
          up.get().forEachObject(visitor);
          low.get().forEachObject(visitor);
        });
  }

  /**
   * What this store implements itself — a child's feature would bypass the layering —, the {@link
   * IntegrityCheck} of both stores, {@link ObjectStreams} when the upper streams (writes stream
   * into the upper through the write barrier; reads stream from the upper, else from the lower,
   * through {@link ObjectStreams#of} — in the heap if the lower cannot stream), {@link
   * ObjectEnumeration} of both layers when both offer it, and {@link GarbageCollection} when the
   * upper offers {@link dev.cairn.spi.Compaction} and {@link dev.cairn.spi.ObjectEnumeration}:
   * archive mode when the lower offers {@link dev.cairn.spi.volume.Lower} (as {@code lower:} does)
   * or is a writable store that keeps its objects (written to it by hash), rolling mode otherwise.
   */
  @Override
  public <T> Optional<T> feature(Class<T> type) {
    requireNonNull(type, "type");
    if (type == ObjectStreams.class) {
      checkOpen("feature");
      return upper.feature(ObjectStreams.class).map(s -> type.cast(new Streams(s)));
    }
    if (type == GarbageCollection.class) {
      checkOpen("feature");
      return collection.supported() ? Optional.of(type.cast(collection)) : Optional.empty();
    }
    if (type == IntegrityCheck.class) {
      checkOpen("feature");
      return integrityCheck().map(type::cast);
    }
    if (type == ObjectEnumeration.class) {
      checkOpen("feature");
      return objectEnumeration().map(type::cast);
    }
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /** The upper's streams behind the write barrier; reads through the upper, then the lower. */
  private final class Streams implements ObjectStreams {
    private final ObjectStreams up;

    Streams(ObjectStreams up) {
      this.up = up;
    }

    @Override
    public long maxObjectSize() {
      return up.maxObjectSize();
    }

    @Override
    public Hash write(InputStream in, long length) throws IOException {
      requireNonNull(in, "in");
      checkObjectWrite("write");
      PassingInput counted = PassingInput.counted(in, length);
      Hash hash = collection.writeStreamed(counted, length, up);
      recordWrite(counted.count());
      return hash;
    }

    @Override
    public Optional<ObjectReader> open(Hash hash) {
      checkObjectRead("open", hash);
      Optional<ObjectReader> reader = up.open(hash);
      if (reader.isEmpty()) {
        reader = ObjectStreams.of(lower).open(hash);
      }
      reader.ifPresent(r -> recordRead(r.size()));
      return reader;
    }
  }
}
