package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.StoreFactory;
import dev.cairn.storage.DurableFiles;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factory is found by {@link ServiceLoader} in a class loader that holds only this module, the
 * SPI and the storage module with zstd (as a host that loads plugins would; the disk store needs
 * nothing else), and opens a working store.
 */
class DiskStoreFactoryIsolationTest {
  @TempDir Path dir;

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  @Test
  void anIsolatedClassLoaderFindsAndUsesTheFactory() throws Exception {
    List<URL> urls =
        new ArrayList<>(
            List.of(
                location(DiskBackend.class),
                location(StoreFactory.class),
                location(DurableFiles.class),
                location(com.github.luben.zstd.Zstd.class)));
    try (URLClassLoader isolated =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Class<?> factoryType = isolated.loadClass(StoreFactory.class.getName());
      assertThat(factoryType).isNotSameAs(StoreFactory.class);
      Object disk = null;
      for (Object factory : ServiceLoader.load(factoryType, isolated)) {
        if (factoryType.getMethod("name").invoke(factory).equals("disk")) {
          disk = factory;
        }
      }
      assertThat(disk).as("disk factory found in isolation").isNotNull();
      Class<?> specType = isolated.loadClass("dev.cairn.spi.StoreSpec");
      Class<?> contextType = isolated.loadClass("dev.cairn.spi.StoreContext");
      Object spec =
          specType
              .getMethod("leaf", String.class, String.class, Map.class)
              .invoke(null, "disk", dir.toString(), Map.of("fsync", "batch"));
      Object context = contextType.getMethod("standard").invoke(null);
      Method create = factoryType.getMethod("create", specType, Map.class, contextType);
      try (AutoCloseable store = (AutoCloseable) create.invoke(disk, spec, Map.of(), context)) {
        Object hash =
            store
                .getClass()
                .getMethod("put", byte[].class)
                .invoke(store, (Object) new byte[] {1, 2, 3});
        Object read = store.getClass().getMethod("read", hash.getClass()).invoke(store, hash);
        assertThat(((java.util.Optional<?>) read).map(b -> (byte[]) b))
            .hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
      }
    }
  }
}
