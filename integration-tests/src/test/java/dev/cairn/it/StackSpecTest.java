package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.memory.MemoryStoreFactory;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreFactory;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.StackSpecException;
import dev.cairn.stack.StoreType;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/** Stores opened by spec through {@link Cairn}, with the real memory backend. */
class StackSpecTest {
  @Test
  void memoryOpensBySpec() {
    try (Backend store = Cairn.open("memory:?hash=sha1")) {
      Hash hash = store.put("hello".getBytes());
      assertThat(hash.algorithm().name()).isEqualTo("sha1");
      assertThat(store.read(hash)).isPresent();
      assertThat(store).hasToString("memory:?hash=sha1");
    }
  }

  @Test
  void theListingShowsTheMemoryTypeAndItsOptions() {
    StoreType memory =
        Cairn.storeTypes().stream()
            .filter(t -> t.name().equals("memory"))
            .findFirst()
            .orElseThrow();
    assertThat(memory.shape()).isEqualTo(StoreFactory.Shape.LEAF);
    assertThat(memory.provider()).isEqualTo(MemoryStoreFactory.class.getName());
    assertThat(memory.origin()).startsWith("cairn-backend-memory").endsWith(".jar");
    assertThat(memory.options()).extracting(o -> o.name()).contains("hash");
  }

  @Test
  void aBadOptionSaysWhatTheMemoryTypeAccepts() {
    assertThatThrownBy(() -> Cairn.open("memory:?hsh=sha1"))
        .isInstanceOf(StackSpecException.class)
        .hasMessageStartingWith(
            "option 'hsh' is not accepted by 'memory' at 8 in"
                + " \"memory:?hsh=sha1\"; memory accepts [")
        .hasMessageContaining("(did you mean 'hash'?)");
  }

  @Test
  void anOptionOnTheWrongLayerIsMovedWhereItBelongs() {
    assertThatThrownBy(() -> Cairn.open("stats:cache:memory:?capacity=1000"))
        .isInstanceOf(StackSpecException.class)
        .hasMessage(
            "option 'capacity' is not accepted by 'memory' at 20 in"
                + " \"stats:cache:memory:?capacity=1000\"; memory accepts [hash];"
                + " write stats:cache(capacity=1000):memory:");
  }

  @Test
  void everyBuiltInTypeIsListed() {
    assertThat(Cairn.storeTypes())
        .extracting(StoreType::name)
        .contains("cache", "layered", "memory", "read-only", "stats", "verify");
    assertThat(Cairn.failedProviders()).isEmpty();
  }

  /**
   * With exactly the SPI, the stack (and Dagger's runtime) and the memory backend on a class path
   * of its own, {@code memory:} opens and {@code disk:/x} names what is known.
   */
  @Test
  void withOnlySpiStackAndMemoryAnUnknownTypeNamesWhatIsKnown() throws Exception {
    try (URLClassLoader isolated =
        new URLClassLoader(
            new URL[] {
              location(StoreFactory.class),
              location(Cairn.class),
              location(MemoryStoreFactory.class),
              location(dagger.Component.class),
              location(javax.inject.Provider.class),
              location(jakarta.inject.Provider.class)
            },
            ClassLoader.getPlatformClassLoader())) {
      Class<?> cairn = isolated.loadClass(Cairn.class.getName());
      assertThat(cairn).isNotSameAs(Cairn.class);

      AutoCloseable store =
          (AutoCloseable) cairn.getMethod("open", String.class).invoke(null, "memory:");
      assertThat(store.getClass().getClassLoader()).isSameAs(isolated);
      store.close();

      assertThatThrownBy(() -> cairn.getMethod("open", String.class).invoke(null, "disk:/x"))
          .isInstanceOf(InvocationTargetException.class)
          .cause()
          .satisfies(
              e -> assertThat(e.getClass().getName()).isEqualTo(StackSpecException.class.getName()))
          .hasMessage("unknown store type 'disk' at 0 in \"disk:/x\"; known: memory");
    }
  }

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }
}
