package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes and reads that move only a few bytes per call lose and invent nothing. */
class ShortIoTest {
  @TempDir Path root;
  @TempDir Path elsewhere;

  @Test
  void archiveSwapAndReadsSurviveShortWritesAndReads() {
    List<ArchiveEntry> first = objects(30, 1);
    List<ArchiveEntry> second = objects(30, 2);
    long before = ShortChannel.SHORT_CALLS.get();
    try (VolumeArchive lower = VolumeArchive.builder(root).volumes(0)
        .opener(ShortChannel.opener(3)).open()) {
      lower.addVolume();
      Archived a = lower.archive(root, 1, 0, first.iterator());
      lower.swap(a.volumeId(), 1, 1);
      Archived b = lower.archive(root, 2, a.endOffset() + 7, second.iterator());
      lower.swap(b.volumeId(), 2, 1);
      first.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      second.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      byte[] raw = new byte[100];
      assertThat(lower.readRange(0, 100, 100, raw).length()).isEqualTo(100);
    }
    assertThat(ShortChannel.SHORT_CALLS.get()).isGreaterThan(before);
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
    try (VolumeArchive lower = VolumeArchive.builder(root).volumes(0)
        .opener(ShortChannel.opener(5)).open()) {
      lower.createFrom(src, 16, bytes.length - 16);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      byte[] raw = new byte[bytes.length - 16];
      lower.read(0, raw, raw.length);
      assertThat(raw).isEqualTo(Arrays.copyOfRange(bytes, 16, bytes.length));
    }
  }
}
