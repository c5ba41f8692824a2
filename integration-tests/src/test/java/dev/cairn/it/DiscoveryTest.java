package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.memory.MemoryBackend;
import dev.cairn.memory.MemoryStoreFactory;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreSpec;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Store factories are found by {@link ServiceLoader}, from the class path and in isolation. */
class DiscoveryTest {
  @Test
  void theClassPathOffersTheMemoryFactory() {
    List<String> names = new ArrayList<>();
    for (StoreFactory factory : ServiceLoader.load(StoreFactory.class)) {
      names.add(factory.name());
    }
    assertThat(names).contains("memory");
  }

  @Test
  void aDiscoveredMemoryFactoryOpensWorkingStores() {
    StoreFactory memory =
        ServiceLoader.load(StoreFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(f -> f.name().equals("memory"))
            .findFirst()
            .orElseThrow();
    try (Backend store =
        memory.create(
            StoreSpec.leaf("memory", null, Map.of("hash", "sha1")),
            Map.of(),
            StoreContext.standard())) {
      Hash hash = store.put("hello".getBytes());
      assertThat(hash.algorithm().name()).isEqualTo("sha1");
      assertThat(store.read(hash))
          .hasValueSatisfying(b -> assertThat(b).isEqualTo("hello".getBytes()));
    }
  }

  @Test
  void sharedMemoryStoresAreSharedByName() {
    StoreFactory memory = new MemoryStoreFactory();
    StoreSpec spec = StoreSpec.leaf("memory", "discovery-shared", Map.of());
    try (Backend first = memory.create(spec, Map.of(), StoreContext.standard());
        Backend second = memory.create(spec, Map.of(), StoreContext.standard())) {
      Hash hash = first.put(new byte[] {1, 2, 3});
      first.setRef("refs/heads/main", hash);
      assertThat(second.exists(hash)).isTrue();
      assertThat(second.getRef("refs/heads/main")).contains(hash);
    }
    try (Backend reopened =
        MemoryBackend.open("discovery-shared", StoreContext.standard().hashAlgorithm("sha256"))) {
      assertThat(reopened.listRefs())
          .as("a shared store is dropped with its last handle")
          .isEmpty();
    }
  }

  /**
   * As Jimfs's {@code ClassLoaderTest}: a class loader holding only the SPI and the memory backend
   * (parent: the platform loader, so nothing of the test's class path leaks in) finds exactly the
   * memory factory, loaded by itself, and the store it opens works.
   */
  @Test
  void anIsolatedClassLoaderWithOnlySpiAndMemoryFindsTheMemoryFactory() throws Exception {
    URL spi = StoreFactory.class.getProtectionDomain().getCodeSource().getLocation();
    URL memory = MemoryStoreFactory.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader isolated =
        new URLClassLoader(new URL[] {spi, memory}, ClassLoader.getPlatformClassLoader())) {
      Class<?> factoryType = isolated.loadClass(StoreFactory.class.getName());
      assertThat(factoryType).isNotSameAs(StoreFactory.class);

      List<Object> factories = new ArrayList<>();
      ServiceLoader.load(factoryType, isolated).forEach(factories::add);
      assertThat(factories).hasSize(1);
      Object factory = factories.get(0);
      assertThat(factory.getClass().getClassLoader()).isSameAs(isolated);
      assertThat(factoryType.getMethod("name").invoke(factory)).isEqualTo("memory");

      Class<?> specType = isolated.loadClass(StoreSpec.class.getName());
      Object spec =
          specType
              .getMethod("leaf", String.class, String.class, Map.class)
              .invoke(null, "memory", null, Map.of());
      Object context =
          isolated.loadClass(StoreContext.class.getName()).getMethod("standard").invoke(null);
      Method create =
          factoryType.getMethod(
              "create", specType, Map.class, isolated.loadClass(StoreContext.class.getName()));
      Object store = create.invoke(factory, spec, Map.of(), context);
      Class<?> backendType = isolated.loadClass(Backend.class.getName());
      Object hash =
          backendType.getMethod("put", byte[].class).invoke(store, (Object) new byte[] {42});
      Optional<?> read =
          (Optional<?>)
              backendType
                  .getMethod("read", isolated.loadClass(Hash.class.getName()))
                  .invoke(store, hash);
      assertThat(read).hasValueSatisfying(b -> assertThat((byte[]) b).containsExactly(42));
      backendType.getMethod("close").invoke(store);
    }
  }
}
