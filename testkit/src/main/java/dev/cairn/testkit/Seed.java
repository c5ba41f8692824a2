package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a store under test must hold when it is opened: objects and refs. Immutable. A fixture for a
 * writable store usually opens it empty and calls {@link #writeTo}; a fixture for a read-only store
 * writes the seed below the read-only layer first.
 */
public final class Seed {
  private final HashAlgorithm algorithm;
  private final Map<Hash, byte[]> objects;
  private final Map<String, Hash> refs;

  private Seed(HashAlgorithm algorithm, Map<Hash, byte[]> objects, Map<String, Hash> refs) {
    this.algorithm = algorithm;
    this.objects = Collections.unmodifiableMap(objects);
    this.refs = Collections.unmodifiableMap(refs);
  }

  /** A seed with nothing in it. */
  public static Seed empty(HashAlgorithm algorithm) {
    return new Seed(requireNonNull(algorithm, "algorithm"), Map.of(), Map.of());
  }

  /** Starts a seed of {@code algorithm} hashes. */
  public static Builder builder(HashAlgorithm algorithm) {
    return new Builder(requireNonNull(algorithm, "algorithm"));
  }

  /** The algorithm of the seed's hashes. */
  public HashAlgorithm algorithm() {
    return algorithm;
  }

  /** The objects, by hash. The arrays must not be modified. */
  public Map<Hash, byte[]> objects() {
    return objects;
  }

  /** The refs, by name. */
  public Map<String, Hash> refs() {
    return refs;
  }

  /** Whether the seed holds nothing. */
  public boolean isEmpty() {
    return objects.isEmpty() && refs.isEmpty();
  }

  /** Writes every object (in one batch) and ref into {@code store}, flushes it, and returns it. */
  public <B extends Backend> B writeTo(B store) {
    requireNonNull(store, "store");
    if (!objects.isEmpty()) {
      store.writeBatch(objects);
    }
    refs.forEach(store::setRef);
    store.flush();
    return store;
  }

  @Override
  public String toString() {
    return "Seed[" + objects.size() + " objects, refs " + refs.keySet() + "]";
  }

  /** Builds a {@link Seed}. */
  public static final class Builder {
    private final HashAlgorithm algorithm;
    private final Map<Hash, byte[]> objects = new LinkedHashMap<>();
    private final Map<String, Hash> refs = new TreeMap<>();

    private Builder(HashAlgorithm algorithm) {
      this.algorithm = algorithm;
    }

    /** Adds an object and returns its hash. */
    public Hash object(byte[] data) {
      byte[] copy = requireNonNull(data, "data").clone();
      Hash hash = algorithm.hash(copy);
      objects.put(hash, copy);
      return hash;
    }

    /** Adds a ref. */
    public Builder ref(String name, Hash hash) {
      refs.put(requireNonNull(name, "name"), requireNonNull(hash, "hash"));
      return this;
    }

    /** The seed. */
    public Seed build() {
      return new Seed(algorithm, new LinkedHashMap<>(objects), new TreeMap<>(refs));
    }
  }
}
