package dev.cairn.stack;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreSpec;
import dev.cairn.spi.StoreStats;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The store {@link Cairn#open} returns: the root of a stack, whose {@link #close()} closes
 * every store of the tree. Each parent owns and closes its children already; closing them here
 * too (close is idempotent) means a factory that forgets to cannot leak a store. Everything
 * else goes to the root unchanged. Thread-safe as the root is.
 */
final class OpenStack implements Backend {
  private final StoreSpec spec;
  private final Backend root;
  /** Every store of the tree, children before their parents. */
  private final List<Backend> stores;
  private final AtomicBoolean closed = new AtomicBoolean();

  OpenStack(StoreSpec spec, Backend root, List<Backend> stores) {
    this.spec = spec;
    this.root = root;
    this.stores = List.copyOf(stores);
  }

  @Override
  public HashAlgorithm hashAlgorithm() {
    return root.hashAlgorithm();
  }

  @Override
  public Optional<byte[]> read(Hash hash) {
    return root.read(hash);
  }

  @Override
  public void write(Hash hash, byte[] data) {
    root.write(hash, data);
  }

  @Override
  public Hash put(byte[] data) {
    return root.put(data);
  }

  @Override
  public boolean exists(Hash hash) {
    return root.exists(hash);
  }

  @Override
  public Optional<Hash> getRef(String name) {
    return root.getRef(name);
  }

  @Override
  public void setRef(String name, Hash hash) {
    root.setRef(name, hash);
  }

  @Override
  public boolean testAndSetRef(String name, Hash expected, Hash replacement) {
    return root.testAndSetRef(name, expected, replacement);
  }

  @Override
  public List<String> listRefs() {
    return root.listRefs();
  }

  @Override
  public void writeBatch(Map<Hash, byte[]> objects) {
    root.writeBatch(objects);
  }

  @Override
  public void flush() {
    root.flush();
  }

  /**
   * Closes the root, then every other store of the tree, parents before children. If any
   * close fails, the rest are still closed and the first failure is thrown with the others
   * suppressed.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    RuntimeException failure = null;
    for (int i = stores.size() - 1; i >= 0; i--) {
      try {
        stores.get(i).close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public Optional<StoreStats> stats() {
    return root.stats();
  }

  @Override
  public Set<Capability> capabilities() {
    return root.capabilities();
  }

  @Override
  public <T> Optional<T> feature(Class<T> type) {
    return root.feature(type);
  }

  /** The canonical spec of the stack, sensitive values masked. */
  @Override
  public String toString() {
    return spec.toString();
  }
}
