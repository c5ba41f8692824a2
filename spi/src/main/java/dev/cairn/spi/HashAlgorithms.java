package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The hash algorithms available to a class loader: {@link HashAlgorithm#SHA1}, {@link
 * HashAlgorithm#SHA256}, and every {@link HashAlgorithm} provider its {@link ServiceLoader} finds.
 * Immutable and thread-safe.
 */
public final class HashAlgorithms {
  private static final class Standard {
    static final HashAlgorithms INSTANCE = load(HashAlgorithm.class.getClassLoader());
  }

  private final Map<String, HashAlgorithm> byName;

  private HashAlgorithms(Map<String, HashAlgorithm> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** The algorithms found by the class loader that loaded Cairn's SPI. */
  public static HashAlgorithms standard() {
    return Standard.INSTANCE;
  }

  /**
   * The built-in algorithms plus those {@code classLoader} provides.
   *
   * @throws IllegalStateException naming both classes if two algorithms share a name
   */
  public static HashAlgorithms load(ClassLoader classLoader) {
    requireNonNull(classLoader, "classLoader");
    Map<String, HashAlgorithm> byName = new TreeMap<>();
    for (HashAlgorithm builtIn : List.of(HashAlgorithm.SHA1, HashAlgorithm.SHA256)) {
      byName.put(builtIn.name(), builtIn);
    }
    for (HashAlgorithm provided : ServiceLoader.load(HashAlgorithm.class, classLoader)) {
      add(byName, provided);
    }
    return new HashAlgorithms(byName);
  }

  /**
   * The built-in algorithms plus {@code extra}.
   *
   * @throws IllegalStateException naming both classes if two algorithms share a name
   */
  public static HashAlgorithms of(Collection<? extends HashAlgorithm> extra) {
    Map<String, HashAlgorithm> byName = new TreeMap<>();
    for (HashAlgorithm builtIn : List.of(HashAlgorithm.SHA1, HashAlgorithm.SHA256)) {
      byName.put(builtIn.name(), builtIn);
    }
    for (HashAlgorithm algorithm : extra) {
      add(byName, algorithm);
    }
    return new HashAlgorithms(byName);
  }

  private static void add(Map<String, HashAlgorithm> byName, HashAlgorithm algorithm) {
    requireNonNull(algorithm.name(), () -> algorithm.getClass().getName() + ".name()");
    HashAlgorithm previous = byName.putIfAbsent(algorithm.name(), algorithm);
    if (previous != null) {
      throw new IllegalStateException(
          String.format(
              "two hash algorithms are named '%s': %s and %s",
              algorithm.name(), previous.getClass().getName(), algorithm.getClass().getName()));
    }
  }

  /**
   * The algorithm called {@code name}.
   *
   * @throws IllegalArgumentException naming the known algorithms if there is none
   */
  public HashAlgorithm get(String name) {
    requireNonNull(name, "name");
    HashAlgorithm algorithm = byName.get(name);
    if (algorithm == null) {
      throw new IllegalArgumentException(
          String.format(
              "unknown hash algorithm '%s'; known: %s", name, String.join(", ", byName.keySet())));
    }
    return algorithm;
  }

  /** Every algorithm, ordered by name. */
  public Collection<HashAlgorithm> all() {
    return byName.values();
  }

  @Override
  public String toString() {
    return "HashAlgorithms" + byName.keySet();
  }
}
