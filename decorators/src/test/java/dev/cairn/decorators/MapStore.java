package dev.cairn.decorators;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A small real store for the unit tests: objects and refs in concurrent maps. */
class MapStore extends AbstractBackend {
  final Map<Hash, byte[]> objects = new ConcurrentHashMap<>();
  final Map<String, Hash> refs = new ConcurrentHashMap<>();

  MapStore() {
    this(EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS));
  }

  MapStore(Set<Capability> capabilities) {
    super("map:", HashAlgorithm.SHA256, capabilities);
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    return Optional.ofNullable(objects.get(hash)).map(byte[]::clone);
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return objects.containsKey(hash);
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
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
    boolean[] changed = {false};
    refs.compute(name, (key, current) -> {
      if (!Objects.equals(current, expected)) {
        return current;
      }
      changed[0] = true;
      return replacement;
    });
    return changed[0];
  }

  @Override
  protected List<String> refNames() {
    return List.copyOf(refs.keySet());
  }
}
