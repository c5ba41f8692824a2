package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes and reads that move fewer bytes per call than asked (a {@link FaultyFileSystem} with short
 * transfers: every file of the archive, data, mapping, index, control, and the copies of
 * create-from) lose and invent nothing, and leave no file open.
 */
class ShortIoTest {
  @TempDir Path root;
  @TempDir Path elsewhere;

  @Test
  void archiveSwapAndReadsSurviveShortWritesAndReads() throws IOException {
    List<ArchiveEntry> first = objects(30, 1);
    List<ArchiveEntry> second = objects(30, 2);
    try (FaultyFileSystem fs = FaultyFileSystem.create(3).shortTransfers(true)) {
      Path faulty = fs.path(root);
      try (VolumeArchive lower = VolumeArchive.builder(faulty).volumes(0).open()) {
        lower.addVolume();
        Archived a = lower.archive(faulty, 1, 0, first.iterator());
        lower.swap(a.volumeId(), 1, 1);
        Archived b = lower.archive(faulty, 2, a.endOffset() + 7, second.iterator());
        lower.swap(b.volumeId(), 2, 1);
        first.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
        second.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
        byte[] raw = new byte[100];
        assertThat(lower.readRange(0, 100, 100, raw).length()).isEqualTo(100);
        assertThat(lower.verify()).isEqualTo(first.size() + second.size());
      }
      assertThat(fs.shortenedTransfers()).as("transfers cut short").isGreaterThan(100);
      assertThat(fs.openFiles()).isEmpty();
    }
    try (VolumeArchive plain = VolumeArchive.open(root, 1, true)) {
      first.forEach(e -> assertThat(plain.read(e.hash())).hasValue(e.data()));
      second.forEach(e -> assertThat(plain.read(e.hash())).hasValue(e.data()));
    }
  }

  @Test
  void createFromSurvivesShortWrites() throws IOException {
    List<ArchiveEntry> entries = objects(10, 3);
    Path src = elsewhere.resolve("suffix");
    byte[] bytes = CreateFromTest.suffix(16, entries, 0);
    Files.write(src, bytes);
    try (FaultyFileSystem fs = FaultyFileSystem.create(5).shortTransfers(true)) {
      try (VolumeArchive lower = VolumeArchive.builder(fs.path(root)).volumes(0).open()) {
        long before = fs.shortenedTransfers();
        lower.createFrom(fs.path(src), 16, bytes.length - 16);
        assertThat(fs.shortenedTransfers()).as("transfers cut short").isGreaterThan(before);
        entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
        byte[] raw = new byte[bytes.length - 16];
        lower.read(0, raw, raw.length);
        assertThat(raw).isEqualTo(Arrays.copyOfRange(bytes, 16, bytes.length));
      }
      assertThat(fs.openFiles()).isEmpty();
    }
    try (VolumeArchive plain = VolumeArchive.open(root, 1, true)) {
      entries.forEach(e -> assertThat(plain.read(e.hash())).hasValue(e.data()));
    }
  }
}
