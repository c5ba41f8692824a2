package dev.cairn.stack;

import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A store type a host can open: what its factory says of itself (shape, roles, options with their
 * types, defaults, documentation and sensitivity) and where the factory came from. For listings
 * such as {@code cairn stores}. Immutable.
 */
public final class StoreType {
  private final String name;
  private final StoreFactory.Shape shape;
  private final List<String> roles;
  private final String description;
  private final List<StoreOption<?>> options;
  private final String provider;
  private final String origin;
  private final OptionalLong maxObjectSize;

  StoreType(Registry.Entry entry) {
    this.name = entry.name;
    this.shape = entry.shape;
    this.roles = entry.roles;
    this.description = entry.description;
    this.options = List.copyOf(entry.options.values());
    this.provider = entry.factory.getClass().getName();
    this.origin = ProviderFailure.origin(entry.factory.getClass());
    this.maxObjectSize = entry.maxObjectSize;
  }

  /** The name in specs, e.g. {@code "cache"}. */
  public String name() {
    return name;
  }

  /** Leaf, decorator or combinator. */
  public StoreFactory.Shape shape() {
    return shape;
  }

  /** A combinator's child roles, all required; empty for other shapes. */
  public List<String> roles() {
    return roles;
  }

  /** One sentence on what the store does. */
  public String description() {
    return description;
  }

  /** Every option, in the factory's order. */
  public List<StoreOption<?>> options() {
    return options;
  }

  /**
   * The most bytes one object of this type may have; empty if the type sets no limit of its own
   * (see {@link StoreFactory#maxObjectSize()}).
   */
  public OptionalLong maxObjectSize() {
    return maxObjectSize;
  }

  /** The factory's class name. */
  public String provider() {
    return provider;
  }

  /** Where the factory was loaded from: a jar's file name, a directory, or "unknown location". */
  public String origin() {
    return origin;
  }

  /**
   * How a spec writes this store, e.g. {@code cache(capacity=…, max-bytes=…):<store>}, {@code
   * disk:<locator>?fsync=…} or {@code layered(upper=<store>, lower=<store>)}.
   */
  public String synopsis() {
    String optionList =
        options.stream()
            .map(o -> o.name() + "=…")
            .collect(Collectors.joining(shape == StoreFactory.Shape.LEAF ? "&" : ", "));
    switch (shape) {
      case LEAF:
        return name + ":<locator>" + (optionList.isEmpty() ? "" : "?" + optionList);
      case DECORATOR:
        return name + (optionList.isEmpty() ? "" : "(" + optionList + ")") + ":<store>";
      default:
        String roleList = roles.stream().map(r -> r + "=<store>").collect(Collectors.joining(", "));
        return name + "(" + (optionList.isEmpty() ? "" : optionList + ", ") + roleList + ")";
    }
  }

  /** {@code name (shape): description}. */
  @Override
  public String toString() {
    return name + " (" + shape.name().toLowerCase(java.util.Locale.ROOT) + "): " + description;
  }
}
