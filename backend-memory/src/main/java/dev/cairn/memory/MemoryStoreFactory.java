package dev.cairn.memory;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.util.List;
import java.util.Map;

/**
 * The {@code memory} store type: {@code memory:} opens a private store, {@code memory:NAME} the
 * store shared by that name in the JVM. See {@link MemoryBackend}.
 */
@AutoService(StoreFactory.class)
public final class MemoryStoreFactory implements StoreFactory {
  static final StoreOption<String> HASH =
      StoreOption.string(
          "hash",
          "sha256",
          "hash algorithm of the store's objects (sha1, sha256, or a provided one)");

  /** For {@link java.util.ServiceLoader}. */
  public MemoryStoreFactory() {}

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Shape shape() {
    return Shape.LEAF;
  }

  @Override
  public String description() {
    return "Objects and refs in the heap; memory:NAME is shared by name within the JVM.";
  }

  /** The largest array, whatever the heap can hold of it. */
  @Override
  public java.util.OptionalLong maxObjectSize() {
    return java.util.OptionalLong.of(Integer.MAX_VALUE - 8);
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of(HASH);
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    HashAlgorithm algorithm = context.hashAlgorithm(spec.get(HASH));
    return spec.locator()
        .<Backend>map(name -> MemoryBackend.open(name, algorithm))
        .orElseGet(() -> MemoryBackend.create(algorithm));
  }
}
