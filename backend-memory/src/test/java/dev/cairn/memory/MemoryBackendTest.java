package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryBackendTest {
  private final MemoryStoreFactory factory = new MemoryStoreFactory();

  @Test
  void privateStoresShareNothing() {
    try (MemoryBackend a = MemoryBackend.create();
        MemoryBackend b = MemoryBackend.create()) {
      a.put(new byte[] {1});
      assertThat(a.objectCount()).isEqualTo(1);
      assertThat(b.objectCount()).isZero();
    }
  }

  @Test
  void aSharedStoreLivesWhileAHandleIsOpen() {
    MemoryBackend first = MemoryBackend.open("lives", HashAlgorithm.SHA256);
    first.put(new byte[] {1});
    try (MemoryBackend second = MemoryBackend.open("lives", HashAlgorithm.SHA256)) {
      first.close();
      assertThat(MemoryBackend.isShared("lives")).isTrue();
      assertThat(second.objectCount()).isEqualTo(1);
    }
    assertThat(MemoryBackend.isShared("lives")).isFalse();
  }

  @Test
  void closingAHandleTwiceReleasesItOnce() {
    MemoryBackend first = MemoryBackend.open("twice", HashAlgorithm.SHA256);
    try (MemoryBackend second = MemoryBackend.open("twice", HashAlgorithm.SHA256)) {
      first.close();
      first.close();
      assertThat(MemoryBackend.isShared("twice")).isTrue();
      assertThat(second.objectCount()).isZero();
    }
  }

  @Test
  void aSharedStoreKeepsItsAlgorithm() {
    try (MemoryBackend sha1 = MemoryBackend.open("algo", HashAlgorithm.SHA1)) {
      assertThatThrownBy(() -> MemoryBackend.open("algo", HashAlgorithm.SHA256))
          .isInstanceOf(HashAlgorithmMismatchException.class)
          .hasMessage("memory store 'algo' is open with hash sha1, not sha256");
      assertThat(sha1.hashAlgorithm()).isSameAs(HashAlgorithm.SHA1);
    }
  }

  @Test
  void aSharedStoreNeedsAName() {
    assertThatThrownBy(() -> MemoryBackend.open("", HashAlgorithm.SHA1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFactoryReadsTheLocatorAsTheSharedName() {
    StoreSpec spec = StoreSpec.leaf("memory", "by-spec", Map.of("hash", "sha1"));
    try (Backend a = factory.create(spec, Map.of(), StoreContext.standard());
        Backend b = MemoryBackend.open("by-spec", HashAlgorithm.SHA1)) {
      a.setRef("HEAD", a.put(new byte[] {7}));
      assertThat(b.listRefs()).containsExactly("HEAD");
      assertThat(a).hasToString("memory:by-spec");
      assertThat(a.capabilities())
          .containsExactlyInAnyOrder(Capability.WRITE_OBJECTS, Capability.WRITE_REFS);
    }
  }

  @Test
  void theFactoryRejectsAnUnknownAlgorithm() {
    StoreSpec spec = StoreSpec.leaf("memory", null, Map.of("hash", "md5"));
    assertThatThrownBy(() -> factory.create(spec, Map.of(), StoreContext.standard()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessage("unknown hash algorithm 'md5'; known: sha1, sha256");
  }

  @Test
  void statsAreKept() {
    try (MemoryBackend store = MemoryBackend.create()) {
      store.read(store.put(new byte[10]));
      assertThat(store.stats())
          .hasValueSatisfying(
              s -> {
                assertThat(s.reads()).isEqualTo(1);
                assertThat(s.writes()).isEqualTo(1);
                assertThat(s.bytesRead()).isEqualTo(10);
                assertThat(s.bytesWritten()).isEqualTo(10);
              });
    }
  }
}
