package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 12: closing a store wrote a checkpoint index and failed when it could not (a full
 * disk, a directory that takes no new file), so {@code cairn put} exited 1 after the object was
 * durable and {@code cairn ref list} failed although it wrote nothing. The checkpoint only saves
 * the next open a scan: close does not fail for it, and leaves no half-written file.
 */
class CloseWithoutSpaceTest {
  @TempDir Path root;

  @Test
  void closeSucceedsWhenOnlyTheCheckpointCannotBeWritten() throws IOException {
    Path dir = root.resolve("store");
    Hash hash;
    try (FaultyFileSystem fs = FaultyFileSystem.create(12)) {
      DiskBackend store = DiskBackend.open(fs.path(dir), DiskOptions.defaults());
      hash = store.put(new byte[] {1, 2, 3});
      store.setRef("refs/heads/main", hash);
      fs.spaceLimit(0);
      store.close(); // threw StoreIOException "closing disk:…: No space left on device"

      // A session that only reads, on the same full disk, closes cleanly too.
      fs.heal().spaceLimit(0);
      DiskBackend reader = DiskBackend.open(fs.path(dir), DiskOptions.defaults());
      assertThat(reader.read(hash)).hasValue(new byte[] {1, 2, 3});
      assertThat(reader.listRefs()).containsExactly("refs/heads/main");
      reader.close();
      assertThat(fs.openFiles()).as("files left open").isEmpty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
    try (DiskBackend reopened = DiskBackend.open(dir, DiskOptions.defaults())) {
      assertThat(reopened.read(hash)).hasValue(new byte[] {1, 2, 3});
      assertThat(reopened.getRef("refs/heads/main")).hasValue(hash);
      assertThat(reopened.problems()).isEmpty();
    }
  }
}
