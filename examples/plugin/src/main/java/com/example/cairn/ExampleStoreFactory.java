package com.example.cairn;

import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import dev.cairn.storage.HashAlgorithmFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Opens {@code example:/some/dir} and {@code example:/some/dir?hash=sha1}. Found by {@link
 * java.util.ServiceLoader} through {@code META-INF/services/dev.cairn.spi.StoreFactory}.
 */
public final class ExampleStoreFactory implements StoreFactory {
  private static final StoreOption<String> HASH =
      StoreOption.hashAlgorithm("the algorithm that names the objects; sha256 for a new store");

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
    return "An example plugin: one file per object in a directory.";
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of(HASH);
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    Path directory = context.directory(name(), spec.locator().orElseThrow(() ->
        new StoreConfigurationException("'example' needs a directory: example:/path")));
    return new ExampleStore(directory, HashAlgorithmFile.choose(directory, "example:"
        + directory, spec.given(HASH), context::hashAlgorithm));
  }
}
