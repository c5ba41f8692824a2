package dev.cairn.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds one kind of store from a {@link StoreSpec} node. A plugin implements this and registers it
 * for {@link java.util.ServiceLoader} (for example with {@code @AutoService(StoreFactory.class)});
 * the stack finds it by {@link #name()}.
 *
 * <p>Implementations are stateless and thread-safe. A factory is told only about its own node: the
 * stack has already checked that the spec's options are among {@link #options()} and that its
 * children match {@link #shape()} and {@link #roles()}, and has built the children first.
 */
public interface StoreFactory {
  /** How a store type relates to other stores in a stack. */
  enum Shape {
    /** Stores its own data: {@code memory:}, {@code disk:/path}. Has a locator, no child. */
    LEAF,
    /** Wraps one child: {@code cache(capacity=10):memory:}. */
    DECORATOR,
    /** Combines named children: {@code layered(upper=…, lower=…)}. */
    COMBINATOR,
  }

  /** The store type in specs: a lowercase letter, then 1 to 31 of {@code [a-z0-9-]}. */
  String name();

  /** Whether this is a leaf, a decorator or a combinator. */
  Shape shape();

  /** For a combinator, the names of its child roles, all required; empty otherwise. */
  default List<String> roles() {
    return List.of();
  }

  /** One sentence on what the store does, for listings. */
  String description();

  /** Every option the store accepts, with defaults and documentation. */
  List<StoreOption<?>> options();

  /**
   * The most bytes one object of this store type may have, for listings such as {@code cairn
   * stores}; empty if the type sets no limit of its own (a decorator or combinator holds what the
   * stores below it hold). A store that streams states the same limit in {@link
   * ObjectStreams#maxObjectSize()}.
   */
  default java.util.OptionalLong maxObjectSize() {
    return java.util.OptionalLong.empty();
  }

  /** The names of the options whose values are secrets, masked whenever a spec is printed. */
  default Set<String> sensitiveOptions() {
    return options().stream()
        .filter(StoreOption::isSensitive)
        .map(StoreOption::name)
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Opens the store {@code spec} describes.
   *
   * @param spec this factory's node; {@code spec.name()} equals {@link #name()}
   * @param children the children, already open, by role ({@link StoreSpec#CHILD} for a decorator);
   *     the returned store owns them and closes them when it is closed. If this method throws, the
   *     caller closes them.
   * @param context what the host offers: hash algorithms, clock, scheduler
   * @throws StoreConfigurationException if the spec cannot describe a store of this type
   * @throws StoreIOException if the store's files cannot be opened
   */
  Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context);
}
