package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A store that passes every operation to one child store: the base of decorators, each of which
 * overrides only what it changes (Okio's {@code ForwardingFileSystem}). Public so that plugins can
 * write decorators too; the built-in {@code cache}, {@code read-only}, {@code stats} and {@code
 * verify} and the root of every stack opened by spec extend it.
 *
 * <p>It extends {@link AbstractBackend}, so the contract is checked once, here, before the child is
 * called: nulls, a closed store, hashes of another algorithm, invalid ref names and writes the
 * {@linkplain #capabilities() capabilities} do not allow never reach the child.
 *
 * <p>What is forwarded:
 *
 * <ul>
 *   <li>every operation of {@link Backend}, to the child, unchanged;
 *   <li>{@link #hashAlgorithm()}, and {@link #capabilities()} unless the subclass passes others;
 *   <li>{@link #stats()}, so a decorator that counts nothing is transparent (a {@code stats}
 *       decorator above sees the counters of a cache below);
 *   <li>{@link #close()} closes the child.
 * </ul>
 *
 * <p><b>Features: one hook, three answers.</b> A feature of the child (see {@link
 * Backend#feature(Class)}) is never hidden, because a caller that does not see a feature takes
 * another course: a garbage collection that cannot see the archive below would drop what it was
 * meant to archive. {@link #feature(Class)} offers what this store implements itself and, for every
 * other feature the child offers, whatever {@link #childFeature} — which every decorator must
 * implement — answers:
 *
 * <ul>
 *   <li><b>forward</b>: return the child's feature as it is, when using it behind this store cannot
 *       break this store's promises;
 *   <li><b>wrap</b>: return a view that keeps them (a cache forgets what a compaction below
 *       dropped; a read-only view lets an archive be read but not written);
 *   <li><b>refuse</b>: return {@link #refused}, a stand-in that is visible but throws when used, so
 *       the caller learns why rather than silently doing something else.
 * </ul>
 *
 * <p>Thread-safe if the child is and the subclass is.
 */
public abstract class ForwardingBackend extends AbstractBackend {
  private final Backend child;

  /**
   * A store described as {@code description} over {@code child}, which it owns, with the child's
   * capabilities.
   *
   * @param description names the store in messages, by convention {@code "name:" + child}
   */
  protected ForwardingBackend(String description, Backend child) {
    this(description, child, requireNonNull(child, "child").capabilities());
  }

  /**
   * A store described as {@code description} over {@code child}, which it owns, with the given
   * capabilities (for example fewer than the child's).
   */
  protected ForwardingBackend(String description, Backend child, Set<Capability> capabilities) {
    super(description, requireNonNull(child, "child").hashAlgorithm(), capabilities);
    this.child = child;
  }

  /** The store this one decorates. */
  protected final Backend child() {
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
  protected boolean compareAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
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
   * The counters {@link AbstractBackend} keeps for this store itself (reads, writes and bytes seen
   * by this layer, and the cache hits and misses it recorded).
   */
  protected final StoreStats ownStats() {
    return super.stats().orElse(StoreStats.ZERO);
  }

  /**
   * This store if it is a {@code type} itself; otherwise, if the child offers {@code type}, what
   * {@link #childFeature} makes of it; otherwise empty.
   *
   * @throws StoreClosedException if this store is closed
   */
  @Override
  public final <T> Optional<T> feature(Class<T> type) {
    requireNonNull(type, "type");
    checkOpen("feature");
    if (type.isInstance(this)) {
      return Optional.of(type.cast(this));
    }
    Optional<T> offered = child.feature(type);
    if (offered.isEmpty()) {
      return offered;
    }
    T answer = childFeature(type, offered.get());
    if (answer == null) {
      throw new NullPointerException(
          this
              + ": childFeature answered null for "
              + type.getName()
              + "; forward, wrap or refuse it");
    }
    return Optional.of(answer);
  }

  /**
   * The hook: what this store offers as {@code type}, given {@code feature}, the child's. Return
   * {@code feature} to forward it, a wrapper to wrap it, or {@link #refused} to refuse it (see the
   * class comment); never null. Called on every {@link #feature} lookup the child can answer, from
   * any thread.
   */
  protected abstract <T> T childFeature(Class<T> type, T feature);

  /**
   * A stand-in for a feature this store refuses: an instance of the interface {@code type} on which
   * every method but {@code toString}, {@code equals} and {@code hashCode} throws the exception
   * {@code refusal} makes of the method's name.
   *
   * @throws RuntimeException the exception {@code refusal} makes of {@code "feature"}, at once, if
   *     {@code type} is a class (no stand-in can be made for it)
   */
  protected final <T> T refused(
      Class<T> type, Function<String, ? extends RuntimeException> refusal) {
    requireNonNull(type, "type");
    requireNonNull(refusal, "refusal");
    if (!type.isInterface()) {
      throw refusal.apply("feature");
    }
    String description = "refused " + type.getSimpleName() + " of " + this;
    Object standIn =
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                  case "equals" -> proxy == args[0];
                  case "hashCode" -> System.identityHashCode(proxy);
                  default -> description;
                };
              }
              throw refusal.apply(method.getName());
            });
    return type.cast(standIn);
  }
}
