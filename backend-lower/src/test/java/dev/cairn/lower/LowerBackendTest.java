package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreSpec;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.spi.volume.Lower;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lower:/path} as a read-only backend built by its factory. */
class LowerBackendTest {
  @TempDir Path root;

  private static StoreFactory factory() {
    return ServiceLoader.load(StoreFactory.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(f -> f.name().equals("lower"))
        .findFirst()
        .orElseThrow();
  }

  private Backend create(Map<String, String> options) {
    return factory()
        .create(
            StoreSpec.leaf("lower", root.toString(), options), Map.of(), StoreContext.standard());
  }

  private List<ArchiveEntry> seed() {
    List<ArchiveEntry> entries = objects(10, 1);
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.addVolume();
      Archived a = lower.archive(root, 1, 0, entries.iterator());
      lower.swap(a.volumeId(), 1, 1);
    }
    return entries;
  }

  @Test
  void theFactoryIsRegisteredAsALeafWithDocumentedOptions() {
    StoreFactory factory = factory();
    assertThat(factory.shape()).isEqualTo(StoreFactory.Shape.LEAF);
    assertThat(factory.options())
        .extracting(o -> o.name())
        .containsExactly("volumes", "mode", "hash", "open-files", "compression");
    assertThat(factory.description()).isNotBlank();
  }

  @Test
  void aSpecOpensTheArchiveReadOnlyByHash() {
    List<ArchiveEntry> entries = seed();
    try (Backend store = create(Map.of("volumes", "1"))) {
      assertThat(store.capabilities()).isEqualTo(Set.of(Capability.PERSISTENT));
      entries.forEach(
          e -> {
            assertThat(store.read(e.hash())).hasValue(e.data());
            assertThat(store.exists(e.hash())).isTrue();
          });
      assertThat(store.read(Fixtures.missingHash())).isEmpty();
      assertThat(store.listRefs()).isEmpty();
      assertThat(store.getRef("refs/heads/main")).isEmpty();
      assertThat(store.feature(Lower.class)).isPresent();
      assertThat(store.stats().orElseThrow().reads()).isEqualTo(11);
      assertThat(store.toString()).isEqualTo("lower:" + root.toAbsolutePath().normalize());
    }
  }

  @Test
  void writesAndRefUpdatesAreRejectedAsReadOnly() {
    seed();
    byte[] data = {1, 2, 3};
    var hash = HashAlgorithm.SHA256.hash(data);
    try (Backend store = create(Map.of())) {
      assertThatThrownBy(() -> store.write(hash, data)).isInstanceOf(ReadOnlyStoreException.class);
      assertThatThrownBy(() -> store.put(data)).isInstanceOf(ReadOnlyStoreException.class);
      assertThatThrownBy(() -> store.writeBatch(Map.of(hash, data)))
          .isInstanceOf(ReadOnlyStoreException.class);
      assertThatThrownBy(() -> store.setRef("main", hash))
          .isInstanceOf(ReadOnlyStoreException.class);
      assertThatThrownBy(() -> store.testAndSetRef("main", null, hash))
          .isInstanceOf(ReadOnlyStoreException.class);
      assertThat(store.exists(hash)).isFalse();
      store.flush();
    }
  }

  @Test
  void aConflictingHashOptionIsAClearError() {
    seed();
    assertThatThrownBy(() -> create(Map.of("hash", "sha1")))
        .isInstanceOf(HashAlgorithmMismatchException.class)
        .hasMessageContaining("sha256")
        .hasMessageContaining("hash=sha1");
    assertThatThrownBy(() -> create(Map.of("hash", "md5")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("md5");
    try (Backend store = create(Map.of("hash", "sha256"))) {
      assertThat(store.hashAlgorithm()).isEqualTo(HashAlgorithm.SHA256);
    }
  }

  @Test
  void aSpecWithoutAPathIsAConfigurationError() {
    assertThatThrownBy(
            () ->
                factory()
                    .create(
                        StoreSpec.leaf("lower", null, Map.of()), Map.of(), StoreContext.standard()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("lower:/");
  }

  @Test
  void badOptionValuesAreConfigurationErrors() {
    assertThatThrownBy(() -> create(Map.of("open-files", "0")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("open-files");
    assertThatThrownBy(() -> create(Map.of("volumes", "lots")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("volumes");
  }

  @Test
  void aReadOnlySpecRejectsLowerWrites() {
    seed();
    try (Backend store = create(Map.of("mode", "read-only"))) {
      Lower lower = store.feature(Lower.class).orElseThrow();
      assertThat(lower.isReadOnly()).isTrue();
      assertThatThrownBy(lower::addVolume).isInstanceOf(ReadOnlyStoreException.class);
    }
  }
}
