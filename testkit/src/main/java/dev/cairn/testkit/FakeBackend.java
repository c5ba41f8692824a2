package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A strict in-memory {@link dev.cairn.spi.Backend} for testing decorators and anything else built
 * over a store, as Okio's {@code FakeFileSystem} is for code over a file system: it keeps the whole
 * contract (through {@link AbstractBackend}: nulls, closed store, foreign hashes, ref names,
 * capabilities), is stricter than a real store where a caller's mistake would otherwise pass
 * unseen, and lets a test see and steer what happens below the code under test.
 *
 * <ul>
 *   <li><b>Strict:</b> a write whose hash is not the hash of its bytes is refused with {@link
 *       IllegalArgumentException} naming both (a real store trusts the caller and would keep the
 *       object under the wrong name); every operation after {@link #close()} throws.
 *   <li><b>Observable:</b> {@link #operations()} is every call in order ({@code "read <hash>"},
 *       {@code "testAndSetRef refs/heads/main"}, {@code "close"}...); {@link #objects()}, {@link
 *       #refs()} and {@link #closed()} are its state.
 *   <li><b>Steerable:</b> {@link #failNext} makes the next call of an operation throw; {@link
 *       #beforeNext} runs an action right before it (another writer winning a race, say); {@link
 *       #damage} plants bytes that are not the object's; {@link #lose} takes an object away; {@link
 *       Builder#feature} adds a feature such as {@code IntegrityCheck}, and {@link
 *       Builder#featureFrom} one that works on the fake itself (its own {@code ObjectStreams},
 *       say).
 * </ul>
 *
 * <p>Thread-safe: compare-and-set is linearizable, maps are concurrent, and the hooks run at most
 * once each.
 */
public final class FakeBackend extends AbstractBackend {
  private final Map<Hash, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, Hash> refs = new ConcurrentHashMap<>();
  private final List<String> operations = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, RuntimeException> failures = new HashMap<>();
  private final Map<String, Runnable> actions = new HashMap<>();
  private final Runnable onClose;
  private final Map<Class<?>, Object> features = new ConcurrentHashMap<>();

  private FakeBackend(Builder builder) {
    super(builder.description, builder.algorithm, builder.capabilities);
    this.onClose = builder.onClose;
    Seed seed = requireNonNull(builder.seed, "seed (set by build)");
    seed.objects().forEach((hash, data) -> objects.put(hash, data.clone()));
    refs.putAll(seed.refs());
    builder.features.forEach((type, make) -> features.put(type, makeFeature(type, make)));
  }

  private Object makeFeature(Class<?> type, Function<? super FakeBackend, ?> make) {
    Object feature = make.apply(this);
    if (feature == null) {
      throw new IllegalStateException(
          "the feature " + type.getName() + " of " + this + " was made null");
    }
    return type.cast(feature);
  }

  /** An empty, writable fake of SHA-256 hashes, described as {@code "fake:"}. */
  public static FakeBackend create() {
    return builder().build();
  }

  /** Starts a fake with other settings. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Makes the next call of {@code operation} (a {@code Backend} method name, e.g. {@code "read"})
   * throw {@code failure} instead of running. Replaces one already set for it.
   */
  public FakeBackend failNext(String operation, RuntimeException failure) {
    synchronized (failures) {
      failures.put(requireNonNull(operation, "operation"), requireNonNull(failure, "failure"));
    }
    return this;
  }

  /**
   * Runs {@code action} right before the next call of {@code operation} does its work (after the
   * checks): for a test that needs something to happen between a caller's steps.
   */
  public FakeBackend beforeNext(String operation, Runnable action) {
    synchronized (actions) {
      actions.put(requireNonNull(operation, "operation"), requireNonNull(action, "action"));
    }
    return this;
  }

  /** Every call so far, in order: the operation and its key argument. */
  public List<String> operations() {
    synchronized (operations) {
      return List.copyOf(operations);
    }
  }

  /** The objects stored now, by hash; the arrays are copies. */
  public Map<Hash, byte[]> objects() {
    Map<Hash, byte[]> copy = new TreeMap<>();
    objects.forEach((hash, data) -> copy.put(hash, data.clone()));
    return copy;
  }

  /** The refs now, sorted by name. */
  public Map<String, Hash> refs() {
    return new TreeMap<>(refs);
  }

  /**
   * Replaces the stored bytes of {@code hash} with {@code bytes}, which need not hash to it:
   * damage, as a failing disk leaves it, for testing what a caller does with damaged data.
   */
  public FakeBackend damage(Hash hash, byte[] bytes) {
    objects.put(requireNonNull(hash, "hash"), requireNonNull(bytes, "bytes").clone());
    return this;
  }

  /**
   * Removes the object stored under {@code hash}, as a store that lost it would (a deleted file, a
   * collected object): for testing what a caller still serves from elsewhere, a cache say. Like
   * {@link #damage} it is not a call of the store: it is not recorded, and works after {@link
   * #close()}.
   *
   * @throws IllegalArgumentException if the fake holds no object under {@code hash}
   */
  public FakeBackend lose(Hash hash) {
    requireNonNull(hash, "hash");
    if (objects.remove(hash) == null) {
      throw new IllegalArgumentException("no object " + hash + " in " + this + " to lose");
    }
    return this;
  }

  /**
   * The features given to {@link Builder#feature} and {@link Builder#featureFrom}; otherwise what
   * the store itself is.
   */
  @Override
  public <T> Optional<T> feature(Class<T> type) {
    requireNonNull(type, "type");
    Object feature = features.get(type);
    return feature != null ? Optional.of(type.cast(feature)) : super.feature(type);
  }

  /** Whether {@link #close()} has been called: a decorator must close what it owns. */
  public boolean closed() {
    return isClosed();
  }

  private void enter(String operation, @Nullable Object argument) {
    operations.add(argument == null ? operation : operation + " " + argument);
    RuntimeException failure;
    synchronized (failures) {
      failure = failures.remove(operation);
    }
    if (failure != null) {
      throw failure;
    }
    Runnable action;
    synchronized (actions) {
      action = actions.remove(operation);
    }
    if (action != null) {
      action.run();
    }
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    enter("read", hash);
    return Optional.ofNullable(objects.get(hash)).map(byte[]::clone);
  }

  @Override
  protected boolean containsObject(Hash hash) {
    enter("exists", hash);
    return objects.containsKey(hash);
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    enter("write", hash);
    store(hash, data);
  }

  @Override
  protected void writeObjects(Map<Hash, byte[]> batch) {
    enter("writeBatch", batch.size() + " objects");
    batch.forEach(this::checkHashOf);
    batch.forEach(this::store);
  }

  private void store(Hash hash, byte[] data) {
    checkHashOf(hash, data);
    objects.putIfAbsent(hash, data.clone());
  }

  private void checkHashOf(Hash hash, byte[] data) {
    Hash actual = hashAlgorithm().hash(data);
    if (!actual.equals(hash)) {
      throw new IllegalArgumentException(
          "write of " + data.length + " bytes under " + hash + ", but they hash to " + actual);
    }
  }

  @Override
  protected Optional<Hash> readRef(String name) {
    enter("getRef", name);
    return Optional.ofNullable(refs.get(name));
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    enter("setRef", name);
    refs.put(name, hash);
  }

  @Override
  protected boolean compareAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
    enter("testAndSetRef", name);
    boolean[] changed = {false};
    refs.compute(
        name,
        (key, current) -> {
          changed[0] = Objects.equals(current, expected);
          return changed[0] ? replacement : current;
        });
    return changed[0];
  }

  @Override
  protected List<String> refNames() {
    enter("listRefs", null);
    // A weakly consistent walk of a concurrent map may meet a key twice when it is removed and
    // put back while it walks; a set holds each name once.
    return List.copyOf(new java.util.TreeSet<>(refs.keySet()));
  }

  @Override
  protected void flushStore() {
    enter("flush", null);
  }

  @Override
  protected void closeStore() {
    operations.add("close");
    onClose.run();
  }

  /** Builds a {@link FakeBackend}. Not thread-safe. */
  public static final class Builder {
    private String description = "fake:";
    private HashAlgorithm algorithm = HashAlgorithm.SHA256;
    private Set<Capability> capabilities =
        EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS);
    private Runnable onClose = () -> {};
    private @Nullable Seed seed;
    private final Map<Class<?>, Function<? super FakeBackend, ?>> features = new HashMap<>();

    private Builder() {}

    /**
     * Makes the fake offer {@code implementation} as the feature {@code type} (see {@link
     * dev.cairn.spi.Backend#feature}): for testing that a decorator forwards a feature. Replaces
     * what an earlier call, or {@link #featureFrom}, gave for {@code type}.
     */
    public <T> Builder feature(Class<T> type, T implementation) {
      requireNonNull(type, "type");
      Object feature = type.cast(requireNonNull(implementation, "implementation"));
      features.put(type, fake -> feature);
      return this;
    }

    /**
     * Makes the fake offer as the feature {@code type} what {@code make} returns given the fake
     * itself, for a feature that works on the fake's own objects (an {@code ObjectStreams} over
     * them, say). {@link #build()} calls {@code make} once, when the fake holds its seed but may
     * not have its other features yet; the fake's feature {@code type} is then that one object.
     * Replaces what an earlier call, or {@link #feature}, gave for {@code type}.
     */
    public <T> Builder featureFrom(Class<T> type, Function<? super FakeBackend, ? extends T> make) {
      features.put(requireNonNull(type, "type"), requireNonNull(make, "make"));
      return this;
    }

    /** The objects and refs it holds when built (none), also when it is read-only. */
    public Builder holding(Seed seed) {
      this.seed = requireNonNull(seed, "seed");
      return this;
    }

    /** How the fake names itself in messages and {@code toString} ({@code "fake:"}). */
    public Builder description(String description) {
      this.description = requireNonNull(description, "description");
      return this;
    }

    /** The algorithm of its hashes (SHA-256). */
    public Builder algorithm(HashAlgorithm algorithm) {
      this.algorithm = requireNonNull(algorithm, "algorithm");
      return this;
    }

    /**
     * What it supports beyond reading (objects and refs writable); an empty set makes a read-only
     * fake, which refuses writes with {@code ReadOnlyStoreException}.
     */
    public Builder capabilities(Set<Capability> capabilities) {
      this.capabilities = Set.copyOf(requireNonNull(capabilities, "capabilities"));
      return this;
    }

    /** Runs {@code action} once, when the fake is closed (after it is marked closed). */
    public Builder onClose(Runnable action) {
      this.onClose = requireNonNull(action, "action");
      return this;
    }

    /**
     * The fake.
     *
     * @throws IllegalArgumentException if the seed given to {@link #holding} is of another
     *     algorithm
     * @throws IllegalStateException if a function given to {@link #featureFrom} returns null
     */
    public FakeBackend build() {
      Seed given = seed;
      if (given == null) {
        seed = Seed.empty(algorithm);
      } else if (!given.algorithm().name().equals(algorithm.name())) {
        throw new IllegalArgumentException(
            "a seed of " + given.algorithm().name() + " hashes for a fake of " + algorithm.name());
      }
      return new FakeBackend(this);
    }
  }
}
