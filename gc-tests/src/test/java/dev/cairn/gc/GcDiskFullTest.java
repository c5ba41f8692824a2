package dev.cairn.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.decorators.Decorators;
import dev.cairn.disk.DiskBackend;
import dev.cairn.lower.VolumeArchive;
import dev.cairn.spi.Backend;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.LinkExtractor;
import dev.cairn.spi.StoreIOException;
import dev.cairn.testkit.FaultyFileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 15: a full disk under the lower archive made {@code gc} throw the archive's own
 * I/O exception (it had one then), which {@link dev.cairn.spi.GarbageCollection#gc} does not
 * promise; it throws {@link StoreIOException}, and nothing is lost.
 */
class GcDiskFullTest {
  @TempDir Path root;

  @Test
  void gcOnAFullDiskThrowsStoreIoExceptionAndLosesNothing() throws Exception {
    GitHistory history;
    try (FaultyFileSystem fs = FaultyFileSystem.create(19)) {
      DiskBackend upper = Stacks.disk(root.resolve("upper"), HashAlgorithm.SHA1);
      VolumeArchive lower =
          VolumeArchive.builder(fs.path(root.resolve("lower")))
              .hashAlgorithm(HashAlgorithm.SHA1)
              .open();
      try (Backend store = Decorators.layered(upper, lower)) {
        history = new GitHistory(store);
        store.setRef("refs/tags/v1", history.id("tag v1"));
        fs.spaceLimit(16);
        assertThatThrownBy(
                () ->
                    Stacks.gc(store)
                        .gc(GcOptions.defaults().withLinks(LinkExtractor.forName("git"))))
            .isInstanceOf(StoreIOException.class)
            .hasMessageContaining("No space left on device");
        fs.heal();
        fs.spaceLimit(Long.MAX_VALUE);
      }
    }
    try (Backend store = Stacks.archived(root, HashAlgorithm.SHA1)) {
      for (Hash id : history.ids.values()) {
        assertThat(store.read(id)).as("%s after the failed gc", id).isPresent();
      }
    }
  }
}
