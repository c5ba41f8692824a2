package dev.cairn.stack;

import dev.cairn.spi.Backend;
import dev.cairn.spi.ForwardingBackend;
import dev.cairn.spi.StoreSpec;
import java.util.List;

/**
 * The store {@link Cairn#open} returns: the root of a stack, whose {@link #close()} closes every
 * store of the tree. Each parent owns and closes its children already; closing them here too (close
 * is idempotent) means a factory that forgets to cannot leak a store. Everything else goes to the
 * root unchanged, features included ({@link #childFeature} forwards them all). Thread-safe as the
 * root is.
 */
final class OpenStack extends ForwardingBackend {
  /** Every store of the tree, children before their parents. */
  private final List<Backend> stores;

  /** The stack {@code spec} (its canonical text, masked, names it) over {@code root}. */
  OpenStack(StoreSpec spec, Backend root, List<Backend> stores) {
    super(spec.toString(), root);
    this.stores = List.copyOf(stores);
  }

  /**
   * Closes the root, then every other store of the tree, parents before children. If any close
   * fails, the rest are still closed and the first failure is thrown with the others suppressed.
   */
  @Override
  protected void closeStore() {
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

  /** Forwards every feature of the root: the stack adds nothing a feature could bypass. */
  @Override
  protected <T> T childFeature(Class<T> type, T feature) {
    return feature;
  }
}
