package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CairnException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.storage.DirectoryLock;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creating a store is atomic (issue 19, item 5): a kill or a full disk while a new store is being
 * made leaves no store, and the next open makes it, instead of refusing the directory for ever. And
 * a store is made only where there is nothing else (item 13).
 */
class InterruptedCreationTest {
  @TempDir Path root;

  @Test
  void whatAKilledCreationLeftIsFinishedRatherThanRefused() throws IOException {
    // Exactly what a kill -9 between the journal and the manifest leaves.
    Path dir = Files.createDirectory(root.resolve("store"));
    Files.write(dir.resolve(DirectoryLock.FILE_NAME), new byte[0]);
    Files.write(dir.resolve(Segment.dataFileName(1)), new byte[0]);
    RefJournal.create(dir);
    Hash hash;
    try (DiskBackend store = DiskBackend.open(dir)) {
      hash = store.put(new byte[] {1, 2, 3});
      store.setRef("refs/heads/main", hash);
    }
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(store.read(hash)).hasValue(new byte[] {1, 2, 3});
      assertThat(store.getRef("refs/heads/main")).hasValue(hash);
      assertThat(store.problems()).isEmpty();
    }
  }

  @Test
  void aCreationThatFailsAtAnyStepCanBeOpenedOnceTheFaultIsGone() throws IOException {
    int steps = 0;
    for (long failAt = 1; ; failAt++) {
      Path dir = root.resolve("fail-" + failAt);
      boolean created;
      try (FaultyFileSystem fs = FaultyFileSystem.create(failAt)) {
        long base = fs.operations();
        fs.failOperationsFrom(base + failAt);
        try (DiskBackend store = DiskBackend.open(fs.path(dir))) {
          created = true;
        } catch (CairnException e) {
          created = false;
        }
      }
      if (created) {
        break;
      }
      steps++;
      try (DiskBackend store = DiskBackend.open(dir)) {
        Hash hash = store.put(new byte[] {9});
        assertThat(store.read(hash)).hasValue(new byte[] {9});
      }
    }
    assertThat(steps).as("failure points met during creation").isGreaterThan(5);
  }

  @Test
  void aCreationOnAFullDiskCanBeOpenedOnceSpaceIsFreed() throws IOException {
    for (int space = 0; space < 200; space += 7) {
      Path dir = root.resolve("full-" + space);
      try (FaultyFileSystem fs = FaultyFileSystem.create(space)) {
        fs.spaceLimit(space);
        try (DiskBackend store = DiskBackend.open(fs.path(dir))) {
          store.put(new byte[] {1});
        } catch (CairnException e) {
          // No space: the store may or may not exist; the next open must work either way.
        }
      }
      try (DiskBackend store = DiskBackend.open(dir)) {
        Hash hash = store.put(new byte[] {2});
        assertThat(store.read(hash)).hasValue(new byte[] {2});
      }
    }
  }

  @Test
  void aStoreWhoseManifestWasDeletedIsStillReportedAsDamage() throws IOException {
    Path dir = root.resolve("store");
    try (DiskBackend store = DiskBackend.open(dir)) {
      store.put(new byte[] {1});
    }
    Files.delete(dir.resolve(Manifest.FILE));
    assertThatThrownBy(() -> DiskBackend.open(dir))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("the manifest is missing but segment files exist");
  }

  @Test
  void aNonEmptyDirectoryThatIsNotAStoreIsRefusedAndLeftUntouched() throws IOException {
    Path etc = Files.createDirectory(root.resolve("etc"));
    Files.writeString(etc.resolve("passwd"), "root:x:0:0\n");
    assertThatThrownBy(() -> DiskBackend.open(etc))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("is not a store")
        .hasMessageContaining("passwd");
    assertThat(list(etc)).containsExactly("passwd");
  }

  @Test
  void anOpenThatMayNotCreateLeavesNoStoreBehind() throws IOException {
    DiskOptions noCreate = DiskOptions.builder().create(false).build();
    Path missing = root.resolve("missing");
    assertThatThrownBy(() -> DiskBackend.open(missing, noCreate))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("no store at disk:" + missing);
    assertThat(Files.exists(missing)).isFalse();
    Path empty = Files.createDirectory(root.resolve("empty"));
    assertThatThrownBy(() -> DiskBackend.open(empty, noCreate))
        .isInstanceOf(StoreConfigurationException.class);
    assertThat(list(empty)).isEmpty();
    DiskBackend.open(empty).close();
    DiskBackend.open(empty, noCreate).close(); // an existing store opens without create
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
