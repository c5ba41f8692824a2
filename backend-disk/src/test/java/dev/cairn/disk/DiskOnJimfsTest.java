package dev.cairn.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.cairn.spi.Hash;
import dev.cairn.spi.Reloadable;
import dev.cairn.storage.DurableFiles;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a file system other than the default one (Jimfs, as the races family of the
 * reliability campaign uses it under Lincheck): one that cannot open a directory as a channel and
 * cannot map files. Both made the store unusable there, found by RacesModelCheckTest. The fix
 * forgives only such a refusal: a failure injected where a directory is opened for its sync still
 * reaches the caller.
 */
class DiskOnJimfsTest {
  private static byte[] object(int i) {
    byte[] bytes = new byte[100 + i % 300];
    for (int j = 0; j < bytes.length; j++) {
      bytes[j] = (byte) (i * 31 + j);
    }
    return bytes;
  }

  @Test
  void createsAStoreWhereDirectoriesHaveNoChannel() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path directory = fs.getPath("/store");
      try (DiskBackend store = DiskBackend.open(directory)) {
        Hash hash = store.put(object(1));
        store.setRef("refs/heads/main", hash);
      }
      try (DiskBackend store = DiskBackend.open(directory)) {
        assertArrayEquals(object(1), store.read(store.getRef("refs/heads/main").get()).get());
      }
    }
  }

  @Test
  void sealsReopensAndReloadsWhereFilesCannotBeMapped() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix())) {
      Path directory = fs.getPath("/store");
      DiskOptions small = DiskOptions.builder().segmentSize(DiskOptions.MIN_SEGMENT_SIZE).build();
      List<Hash> hashes = new ArrayList<>();
      try (DiskBackend writer = DiskBackend.open(directory, small);
          DiskBackend reader =
              DiskBackend.open(directory, DiskOptions.builder().readOnly(true).build())) {
        for (int i = 0; i < 200; i++) {
          hashes.add(writer.put(object(i)));
        }
        assertTrue(reader.feature(Reloadable.class).orElseThrow().reload());
        for (int i = 0; i < hashes.size(); i++) {
          assertArrayEquals(object(i), reader.read(hashes.get(i)).orElseThrow(), "object " + i);
        }
      }
      long indexes;
      try (var files = Files.list(directory)) {
        indexes = files.filter(p -> p.getFileName().toString().endsWith(".idx")).count();
      }
      assertTrue(indexes > 5, "sealed segments with indexes: " + indexes);
      try (DiskBackend reopened = DiskBackend.open(directory, small)) {
        for (int i = 0; i < hashes.size(); i++) {
          assertArrayEquals(object(i), reopened.read(hashes.get(i)).orElseThrow(), "object " + i);
        }
        assertEquals(List.of(), reopened.problems());
      }
    }
  }

  @Test
  void anInjectedFailureToOpenADirectoryForItsSyncReachesTheCaller(@TempDir Path temp)
      throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.create(7)) {
      Path directory = fs.path(temp);
      DurableFiles.syncDirectory(directory); // it can be opened and synced
      fs.failOperation(fs.operations() + 1);
      IOException e = assertThrows(IOException.class, () -> DurableFiles.syncDirectory(directory));
      assertTrue(e.getMessage().contains("injected"), e.getMessage());
    }
  }
}
