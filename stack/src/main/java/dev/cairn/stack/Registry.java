package dev.cairn.stack;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The store types a host knows, by name. Built once from the factories Dagger collects (the {@link
 * java.util.ServiceLoader} ones in production, fakes in tests) and the providers that failed to
 * load. Immutable and thread-safe.
 *
 * <p>Each factory's description of itself (name, shape, roles, options) is read and checked once,
 * here: a factory that describes itself wrongly, or throws while doing so, is recorded as a failed
 * provider instead of failing every spec later. Two factories with one name are an error naming
 * both classes and where they came from.
 */
@Singleton
final class Registry {
  /** A factory and its checked description. */
  static final class Entry {
    final StoreFactory factory;
    final String name;
    final StoreFactory.Shape shape;
    final List<String> roles;
    final String description;
    final Map<String, StoreOption<?>> options;
    final Set<String> sensitive;
    final java.util.OptionalLong maxObjectSize;

    private Entry(StoreFactory factory) {
      this.factory = factory;
      this.name = factory.name();
      if (name == null || !StoreSpec.isStoreTypeName(name)) {
        throw new IllegalArgumentException(
            "has name() "
                + (name == null ? "null" : "'" + Problem.printable(name) + "'")
                + ", not a lowercase letter then 1 to 31 of [a-z0-9-]");
      }
      this.shape = requireNonNull(factory.shape(), "shape()");
      this.roles = List.copyOf(requireNonNull(factory.roles(), "roles()"));
      this.description = requireNonNull(factory.description(), "description()");
      List<StoreOption<?>> declared = requireNonNull(factory.options(), "options()");
      Map<String, StoreOption<?>> byName = new LinkedHashMap<>();
      for (StoreOption<?> option : declared) {
        requireNonNull(option, "an option");
        if (byName.put(option.name(), option) != null) {
          throw new IllegalArgumentException("declares option '" + option.name() + "' twice");
        }
      }
      this.options = Collections.unmodifiableMap(byName);
      this.sensitive = Set.copyOf(requireNonNull(factory.sensitiveOptions(), "sensitiveOptions()"));
      this.maxObjectSize = requireNonNull(factory.maxObjectSize(), "maxObjectSize()");
      checkRoles();
    }

    private void checkRoles() {
      if (shape != StoreFactory.Shape.COMBINATOR) {
        if (!roles.isEmpty()) {
          throw new IllegalArgumentException(
              "is a " + shape + " with roles " + roles + "; only a COMBINATOR has roles");
        }
        if (shape == StoreFactory.Shape.DECORATOR && options.containsKey(StoreSpec.CHILD)) {
          throw new IllegalArgumentException("has an option named like its child role 'child'");
        }
        return;
      }
      if (roles.isEmpty()) {
        throw new IllegalArgumentException("is a COMBINATOR without roles");
      }
      Set<String> seen = new HashSet<>();
      for (String role : roles) {
        if (role == null || !StoreSpec.isKey(role) || role.equals(StoreSpec.CHILD)) {
          throw new IllegalArgumentException(
              "has role "
                  + (role == null ? "null" : "'" + Problem.printable(role) + "'")
                  + "; roles are lowercase names other "
                  + "than 'child' (a store with one child is a DECORATOR)");
        }
        if (!seen.add(role)) {
          throw new IllegalArgumentException("declares role '" + role + "' twice");
        }
        if (options.containsKey(role)) {
          throw new IllegalArgumentException("has an option and a role both named '" + role + "'");
        }
      }
    }

    /** The option and role names this store accepts in parentheses. */
    Set<String> keys() {
      Set<String> keys = new TreeSet<>(options.keySet());
      keys.addAll(roles);
      if (shape == StoreFactory.Shape.DECORATOR) {
        keys.add(StoreSpec.CHILD);
      }
      return keys;
    }
  }

  private final Map<String, Entry> byName;
  private final List<String> failures;
  private final Set<String> sensitive;

  /**
   * Checks every factory.
   *
   * @throws StackSpecException naming both classes and their jars for each store type that two
   *     factories claim
   */
  @Inject
  Registry(Set<StoreFactory> factories, Set<ProviderFailure> failures) {
    Map<String, Entry> byName = new TreeMap<>();
    List<String> failed = new ArrayList<>();
    failures.forEach(f -> failed.add(f.toString()));
    List<String> duplicates = new ArrayList<>();
    // A set keeps no discovery order; sorting by where each factory came from keeps messages
    // the same from run to run.
    List<StoreFactory> ordered = new ArrayList<>(factories);
    ordered.forEach(f -> requireNonNull(f, "factory"));
    ordered.sort(
        Comparator.comparing((StoreFactory f) -> ProviderFailure.origin(f.getClass()))
            .thenComparing(f -> f.getClass().getName()));
    for (StoreFactory factory : ordered) {
      Entry entry;
      try {
        entry = new Entry(factory);
      } catch (RuntimeException | LinkageError e) {
        failed.add(
            ProviderFailure.invalid(
                    factory.getClass(),
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                .toString());
        continue;
      }
      Entry previous = byName.putIfAbsent(entry.name, entry);
      if (previous != null) {
        duplicates.add(
            String.format(
                "duplicate store type '%s': %s (%s) and %s (%s)",
                entry.name,
                previous.factory.getClass().getName(),
                ProviderFailure.origin(previous.factory.getClass()),
                factory.getClass().getName(),
                ProviderFailure.origin(factory.getClass())));
      }
    }
    if (!duplicates.isEmpty()) {
      throw new StackSpecException(duplicates);
    }
    failed.sort(null);
    this.byName = Collections.unmodifiableMap(byName);
    this.failures = List.copyOf(failed);
    Set<String> sensitive = new HashSet<>();
    byName.values().forEach(e -> sensitive.addAll(e.sensitive));
    this.sensitive = Set.copyOf(sensitive);
  }

  Optional<Entry> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every entry, ordered by name. */
  Collection<Entry> entries() {
    return byName.values();
  }

  /** The known store types, ordered. */
  Set<String> names() {
    return byName.keySet();
  }

  /** What each provider that could not be used reported, in discovery order. */
  List<String> failures() {
    return failures;
  }

  /**
   * Every option name any factory marks sensitive. Values under these keys are masked in messages
   * wherever they appear, since a misplaced secret is still a secret.
   */
  Set<String> sensitiveNames() {
    return sensitive;
  }
}
