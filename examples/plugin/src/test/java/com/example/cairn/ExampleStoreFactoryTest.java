package com.example.cairn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreSpec;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The factory is registered for ServiceLoader and builds stores from specs. */
class ExampleStoreFactoryTest {
  @Test
  void serviceLoaderFindsTheFactory() {
    assertTrue(ServiceLoader.load(StoreFactory.class).stream()
        .anyMatch(provider -> provider.type() == ExampleStoreFactory.class));
  }

  @Test
  void opensAStoreWithTheAlgorithmAsked() {
    StoreSpec spec = StoreSpec.leaf("example", null, Map.of("hash", "sha1"));
    try (Backend store = new ExampleStoreFactory().create(spec, Map.of(), StoreContext.standard())) {
      assertEquals("sha1", store.hashAlgorithm().name());
    }
  }

  @Test
  void rejectsAnUnknownAlgorithm() {
    StoreSpec spec = StoreSpec.leaf("example", null, Map.of("hash", "md5"));
    assertThrows(StoreConfigurationException.class,
        () -> new ExampleStoreFactory().create(spec, Map.of(), StoreContext.standard()));
  }
}
