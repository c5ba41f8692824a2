package com.example.cairn;

import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.util.List;
import java.util.Map;

/**
 * Opens {@code example:} and {@code example:?hash=sha1}. Found by {@link java.util.ServiceLoader}
 * through {@code META-INF/services/dev.cairn.spi.StoreFactory}.
 */
public final class ExampleStoreFactory implements StoreFactory {
  private static final StoreOption<String> HASH =
      StoreOption.string("hash", "sha256", "the hash algorithm that names objects");

  @Override
  public String name() {
    return "example";
  }

  @Override
  public Shape shape() {
    return Shape.LEAF;
  }

  @Override
  public String description() {
    return "An example plugin: objects and refs in a map, lost when the store is closed.";
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of(HASH);
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    return new ExampleStore(context.hashAlgorithm(spec.get(HASH)));
  }
}
