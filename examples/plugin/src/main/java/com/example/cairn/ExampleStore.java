package com.example.cairn;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store kept in two concurrent maps, gone when the JVM exits. {@link AbstractBackend} does
 * the checking (nulls, closed store, algorithm, ref names, counters); this class only stores.
 * Thread-safe.
 */
public final class ExampleStore extends AbstractBackend {
  private final Map<Hash, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, Hash> refs = new ConcurrentHashMap<>();

  /** An empty store naming its objects with {@code algorithm}. */
  public ExampleStore(HashAlgorithm algorithm) {
    super("example:", algorithm, EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS));
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    // Returned arrays belong to the caller: hand out a copy.
    return Optional.ofNullable(objects.get(hash)).map(byte[]::clone);
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return objects.containsKey(hash);
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    // Keep a copy: the caller may reuse its array.
    objects.putIfAbsent(hash, data.clone());
  }

  @Override
  protected Optional<Hash> readRef(String name) {
    return Optional.ofNullable(refs.get(name));
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    refs.put(name, hash);
  }

  @Override
  protected boolean compareAndSetRef(String name, Hash expected, Hash replacement) {
    // compute() runs atomically per key, which makes the compare-and-set linearizable.
    boolean[] changed = {false};
    refs.compute(name, (key, current) -> {
      changed[0] = Objects.equals(current, expected);
      return changed[0] ? replacement : current;
    });
    return changed[0];
  }

  @Override
  protected List<String> refNames() {
    return List.copyOf(refs.keySet());
  }
}
