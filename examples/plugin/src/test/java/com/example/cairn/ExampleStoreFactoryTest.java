package com.example.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Backend;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory is registered for ServiceLoader and builds stores from specs. */
class ExampleStoreFactoryTest {
  @TempDir Path dir;

  private Backend create(Map<String, String> options) {
    StoreSpec spec = StoreSpec.leaf("example", dir.toString(), options);
    return new ExampleStoreFactory().create(spec, Map.of(), StoreContext.standard());
  }

  @Test
  void serviceLoaderFindsTheFactory() {
    assertTrue(ServiceLoader.load(StoreFactory.class).stream()
        .anyMatch(provider -> provider.type() == ExampleStoreFactory.class));
  }

  @Test
  void opensAStoreWithTheAlgorithmAskedAndKeepsItAsItsOwn() {
    try (Backend store = create(Map.of("hash", "sha1"))) {
      assertEquals("sha1", store.hashAlgorithm().name());
    }
    try (Backend store = create(Map.of())) {
      assertEquals("sha1", store.hashAlgorithm().name(), "the store's own algorithm");
    }
    assertThrows(HashAlgorithmMismatchException.class, () -> create(Map.of("hash", "sha256")));
  }

  @Test
  void rejectsAnUnknownAlgorithm() {
    assertThrows(StoreConfigurationException.class, () -> create(Map.of("hash", "md5")));
  }
}
