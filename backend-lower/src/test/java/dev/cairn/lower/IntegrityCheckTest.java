package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.flipBit;
import static dev.cairn.lower.Fixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VolumeArchive#checkIntegrity}: every file of every volume is checked, every record walked
 * (also those no index entry names) and every damage reported with its file and offset, the check
 * going on past each.
 */
class IntegrityCheckTest {
  @TempDir Path root;
  private List<ArchiveEntry> entries;
  private Path volume;

  @BeforeEach
  void archive() {
    entries = objects(20, 42);
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.addVolume();
      Archived a = lower.archive(root, 1, 0, entries.subList(0, 10).iterator());
      lower.swap(a.volumeId(), 1, 1);
      // The first object again: its second record is one no index entry names.
      List<ArchiveEntry> again = new ArrayList<>(entries.subList(10, 20));
      again.add(entries.get(0));
      Archived b = lower.archive(root, 2, a.endOffset(), again.iterator());
      lower.swap(b.volumeId(), 2, 1);
    }
    volume = root.resolve("volume.0");
  }

  private List<CorruptionException> check() {
    List<CorruptionException> found = new ArrayList<>();
    try (VolumeArchive lower = VolumeArchive.open(root, 1, true)) {
      IntegrityCheck.Summary summary = lower.checkIntegrity(found::add);
      assertThat(summary.objects()).isEqualTo(21 - found.size());
      // data, mapping, control, index, bloom, and the root's hash file
      assertThat(summary.files()).isEqualTo(6);
      assertThat(summary.damaged()).isEqualTo(found.size());
    }
    return found;
  }

  @Test
  void anUndamagedArchiveChecksClean() {
    assertThat(check()).isEmpty();
  }

  @Test
  void aDamagedHashFileIsReported() throws Exception {
    java.nio.file.Files.writeString(root.resolve(VolumeArchive.ALGORITHM_FILE), "sha3\n");
    List<CorruptionException> found = new ArrayList<>();
    try (VolumeArchive lower = VolumeArchive.open(root, 1, true)) {
      IntegrityCheck.Summary summary = lower.checkIntegrity(found::add);
      assertThat(summary.objects()).isEqualTo(21);
      assertThat(summary.damaged()).isEqualTo(1);
    }
    assertThat(found)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.file()).endsWith(VolumeArchive.ALGORITHM_FILE);
              assertThat(e.offset()).isEqualTo(3);
            });
  }

  @Test
  void aFlipInARecordThatNoIndexEntryNamesIsReported() throws IOException {
    Path data = volume.resolve("volume.data");
    long last = Files.size(data) - 5; // inside the unnamed copy, the last record
    flipBit(data, last);
    try (VolumeArchive lower = VolumeArchive.open(root, 1, true)) {
      assertThat(lower.read(entries.get(0).hash())).hasValue(entries.get(0).data());
    }
    assertThat(check())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.file()).isEqualTo(data.toString());
              assertThat(e.offset()).isBetween(last - 300, last);
            });
  }

  @Test
  void twoDamagedRecordsAreBothReported() throws IOException {
    Path data = volume.resolve("volume.data");
    flipBit(data, 10);
    flipBit(data, Files.size(data) - 5);
    assertThat(check()).hasSize(2).allSatisfy(e -> assertThat(e.file()).isEqualTo(data.toString()));
  }

  @Test
  void aDamagedBloomFilterAndADamagedRecordAreBothReported() throws IOException {
    Path data = volume.resolve("volume.data");
    Path bloom = volume.resolve("volume.2.bloom");
    flipBit(data, 10);
    try (VolumeArchive lower = VolumeArchive.open(root, 1, false)) {
      // Damaged after the archive loaded it: opening would have refused it.
      flipBit(bloom, Files.size(bloom) / 2);
      List<CorruptionException> found = new ArrayList<>();
      lower.checkIntegrity(found::add);
      assertThat(found)
          .extracting(CorruptionException::file)
          .containsExactlyInAnyOrder(data.toString(), bloom.toString());
    }
  }
}
