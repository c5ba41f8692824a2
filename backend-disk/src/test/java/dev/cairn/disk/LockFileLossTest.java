package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Hash;
import dev.cairn.storage.DirectoryLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 3: a {@code /tmp} cleaner deleting {@code LOCK} under a live writer let a second
 * writer in, and the two overwrote each other's records and manifests. The first writer now notices
 * at its next commit that the lock file is not the one it locked and stops writing; what either
 * acknowledged is kept.
 */
class LockFileLossTest {
  @TempDir Path dir;

  @Test
  void aWriterWhoseLockFileWasDeletedStopsWritingAndKeepsWhatItAcknowledged() throws IOException {
    DiskOptions small = DiskOptions.builder().segmentSize(DiskOptions.MIN_SEGMENT_SIZE).build();
    List<Hash> acknowledged = new ArrayList<>();
    try (DiskBackend first = DiskBackend.open(dir, small)) {
      for (int i = 0; i < 300; i++) { // several segments: seals installed manifests
        acknowledged.add(first.put(bytes("before the cleaner " + i)));
      }
      first.setRef("refs/heads/first", acknowledged.get(0));
      Files.delete(dir.resolve(DirectoryLock.FILE_NAME));
      // Another process would now get in (see the reliability family "deleted lock files");
      // another opener in this process never does.
      assertThatThrownBy(() -> DiskBackend.open(dir, small))
          .isInstanceOf(DirectoryLock.LockedException.class)
          .hasMessageContaining("already open for writing in this process");
      assertThatThrownBy(() -> first.put(bytes("after the cleaner")))
          .isInstanceOf(DirectoryLock.LostException.class)
          .hasMessageContaining("was deleted")
          .hasMessageContaining("stopped writing");
      assertThatThrownBy(() -> first.setRef("refs/heads/first", acknowledged.get(1)))
          .isInstanceOf(DirectoryLock.LostException.class);
      assertThatThrownBy(
              () ->
                  first.writeBatch(
                      Map.of(first.hashAlgorithm().hash(bytes("batch")), bytes("batch"))))
          .isInstanceOf(DirectoryLock.LostException.class);
      assertThatThrownBy(first::flush).isInstanceOf(DirectoryLock.LostException.class);
      assertThat(first.read(acknowledged.get(0))).isPresent(); // reads go on
    }
    try (DiskBackend reopened = DiskBackend.open(dir, small.toBuilder().verify(true).build())) {
      for (Hash hash : acknowledged) {
        assertThat(reopened.exists(hash)).as("acknowledged %s", hash).isTrue();
      }
      assertThat(reopened.getRef("refs/heads/first")).hasValue(acknowledged.get(0));
      assertThat(reopened.checkIntegrity(d -> {}).damaged()).isZero();
      reopened.put(bytes("the next writer writes")); // and holds a new lock file
    }
  }

  @Test
  void aWriterWhoseLockFileWasReplacedByAnEmptyOneStopsBeforeItsNextCommit() throws IOException {
    try (DiskBackend store = DiskBackend.open(dir)) {
      Hash kept = store.put(bytes("kept"));
      Path lock = dir.resolve(DirectoryLock.FILE_NAME);
      Files.delete(lock);
      Files.write(lock, new byte[0]);
      assertThatThrownBy(() -> store.put(bytes("refused")))
          .isInstanceOf(DirectoryLock.LostException.class)
          .hasMessageContaining("replaced by another file");
      assertThat(store.read(kept)).hasValue(bytes("kept"));
    }
  }

  @Test
  void aCompactionAfterTheLockFileWasDeletedChangesNothing() throws IOException {
    try (DiskBackend store = DiskBackend.open(dir)) {
      Hash kept = store.put(bytes("kept"));
      byte[] manifest = Files.readAllBytes(dir.resolve(Manifest.FILE));
      Files.delete(dir.resolve(DirectoryLock.FILE_NAME));
      assertThatThrownBy(() -> store.compact(h -> false))
          .isInstanceOf(DirectoryLock.LostException.class);
      assertThat(Files.readAllBytes(dir.resolve(Manifest.FILE))).isEqualTo(manifest);
      assertThat(store.read(kept)).isPresent();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
