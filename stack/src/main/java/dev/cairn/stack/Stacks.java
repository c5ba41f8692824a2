package dev.cairn.stack;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.inject.Inject;

/**
 * Reads specs against one {@link Registry} and opens them with one {@link StoreContext}.
 * Thread-safe (it holds only immutable state).
 */
final class Stacks {
  private final Registry registry;
  private final StoreContext context;

  @Inject
  Stacks(Registry registry, StoreContext context) {
    this.registry = registry;
    this.context = context;
  }

  /**
   * The checked spec tree.
   *
   * @throws StackSpecException with every problem of {@code spec}
   */
  StoreSpec parse(String spec) {
    return SpecBinding.bind(requireNonNull(spec, "spec"), registry);
  }

  /**
   * Opens the stack {@code spec} describes: children first, then their parent. If any store fails
   * to open, every store already opened is closed before the failure is rethrown (with any failure
   * to close added as suppressed).
   *
   * @throws StackSpecException if the spec is wrong, or a factory refused its store's description
   *     with a {@link StoreConfigurationException} (the message names the store and its position in
   *     the spec, as for the stack's own problems; the factory's is the cause)
   * @throws CairnException any other failure a factory threw; other runtime exceptions from a
   *     factory are wrapped in {@link StoreConfigurationException} naming the store
   */
  Backend open(String spec) {
    SpecBinding.Bound bound = SpecBinding.bound(requireNonNull(spec, "spec"), registry);
    StoreSpec tree = bound.tree;
    List<Backend> opened = new ArrayList<>();
    try {
      Backend root = build(bound, tree, opened);
      return new OpenStack(tree, root, opened);
    } catch (RuntimeException | Error e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
  }

  private Backend build(SpecBinding.Bound bound, StoreSpec node, List<Backend> opened) {
    Map<String, Backend> children = new LinkedHashMap<>();
    for (Map.Entry<String, StoreSpec> child : node.children().entrySet()) {
      children.put(child.getKey(), build(bound, child.getValue(), opened));
    }
    Registry.Entry entry =
        registry
            .find(node.name())
            .orElseThrow(() -> new AssertionError("bound spec names unknown " + node.name()));
    Backend store;
    try {
      store = entry.factory.create(node, Collections.unmodifiableMap(children), context);
    } catch (StackSpecException e) {
      throw e;
    } catch (StoreConfigurationException e) {
      if (e.getClass() != StoreConfigurationException.class) {
        // A refusal of its own kind (a store locked by another process, a hash that differs from
        // the store's): callers catch it by its type, so it keeps that type.
        throw e;
      }
      // Said as the stack's own problems are: which store, and where it is in the spec.
      throw new StackSpecException(
          List.of(String.format("'%s' %s: %s", node.name(), bound.where(node), e.getMessage())), e);
    } catch (CairnException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreConfigurationException(
          String.format(
              "%s (%s) failed to open %s: %s",
              entry.factory.getClass().getName(),
              ProviderFailure.origin(entry.factory.getClass()),
              node,
              e),
          e);
    }
    if (store == null) {
      throw new StoreConfigurationException(
          String.format(
              "%s (%s) returned no store for %s",
              entry.factory.getClass().getName(),
              ProviderFailure.origin(entry.factory.getClass()),
              node));
    }
    opened.add(store);
    return store;
  }

  /** Every store type, ordered by name. */
  List<StoreType> storeTypes() {
    return registry.entries().stream().map(StoreType::new).collect(Collectors.toList());
  }

  /** What each provider that could not be used reported. */
  List<String> failedProviders() {
    return registry.failures();
  }
}
