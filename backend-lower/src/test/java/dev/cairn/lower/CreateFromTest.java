package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.spi.volume.Volume;
import dev.cairn.spi.volume.VolumeException;
import dev.cairn.storage.Compression;
import dev.cairn.storage.DurableFiles;
import dev.cairn.storage.RecordCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code createFrom}: the first volume made from an existing file of records. */
class CreateFromTest {
  @TempDir Path root;
  @TempDir Path elsewhere;

  /** A file of {@code header} junk bytes, the records of {@code entries}, then {@code tail}. */
  static byte[] suffix(int header, List<ArchiveEntry> entries, int tail) throws IOException {
    return suffix(header, entries, tail, false);
  }

  /** As {@link #suffix(int, List, int)}, in classic records if {@code classic}. */
  static byte[] suffix(int header, List<ArchiveEntry> entries, int tail, boolean classic)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(new byte[header]);
    DataOutputStream out = new DataOutputStream(bytes);
    CRC32C crc = new CRC32C();
    RecordCodec codec = RecordCodec.create(Compression.ZSTD, null);
    for (ArchiveEntry entry : entries) {
      if (classic) { // A file of an older archive: its classic records, which are still read.
        ArchiveRecord.writeClassic(out, entry.hash(), entry.data(), crc);
      } else {
        out.write(ArchiveRecord.encode(entry.data(), codec));
      }
    }
    out.write(new byte[tail]);
    out.flush();
    return bytes.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 16})
  void createFromMakesTheFirstVolumeFromASuffixFile(int deadHeaderSize) throws IOException {
    List<ArchiveEntry> entries = objects(40, deadHeaderSize);
    long size = Fixtures.totalSize(entries);
    Path src = elsewhere.resolve("suffix");
    byte[] bytes = suffix(deadHeaderSize, entries, 9);
    Files.write(src, bytes);
    try (VolumeArchive lower = VolumeArchive.open(root.resolve("lower"), 0, false)) {
      lower.createFrom(src, deadHeaderSize, size);
      assertThat(src).doesNotExist();
      assertThat(lower.volumeNum()).isEqualTo(1);
      Volume volume = lower.volumes().get(0);
      assertThat(volume.startOffset()).isZero();
      assertThat(volume.endOffset()).isEqualTo(size);
      assertThat(volume.generation()).isZero();
      assertThat(volume.objectCount()).isEqualTo(40);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      byte[] first = new byte[(int) Fixtures.recordSize(entries.get(0))];
      lower.read(0, first, first.length);
      assertThat(first)
          .isEqualTo(Arrays.copyOfRange(bytes, deadHeaderSize, deadHeaderSize + first.length));

      List<ArchiveEntry> more = objects(5, 100);
      Archived archived = lower.archive(root, 1, size, more.iterator());
      lower.swap(archived.volumeId(), 1, 1);
      more.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
    try (VolumeArchive reopened = VolumeArchive.open(root.resolve("lower"), 1, true)) {
      entries.forEach(e -> assertThat(reopened.read(e.hash())).hasValue(e.data()));
    }
  }

  /** A file of an older archive's classic records becomes a volume, and is appended to. */
  @Test
  void createFromReadsTheClassicRecordsOfAnOlderArchive() throws IOException {
    List<ArchiveEntry> entries = objects(30, 7);
    long size =
        entries.stream()
            .mapToLong(e -> ArchiveRecord.FRAMING + e.hash().length() + e.data().length)
            .sum();
    Path src = elsewhere.resolve("classic");
    Files.write(src, suffix(0, entries, 0, true));
    try (VolumeArchive lower = VolumeArchive.open(root.resolve("lower"), 0, false)) {
      lower.createFrom(src, 0, size);
      List<ArchiveEntry> more = objects(5, 100);
      Archived archived = lower.archive(root, 1, size, more.iterator());
      lower.swap(archived.volumeId(), 1, 1);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      more.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      assertThat(lower.verify()).isEqualTo(35);
    }
  }

  @Test
  void createFromAnEmptyRangeMakesAVolumeHoldingNothing() throws IOException {
    Path src = elsewhere.resolve("suffix");
    Files.write(src, new byte[16]);
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.createFrom(src, 16, 0);
      assertThat(lower.volumes().get(0).objectCount()).isZero();
      assertThat(lower.findVolume(0)).isEmpty();
    }
  }

  @Test
  void createFromIntoALowerWithAVolumeFails() throws IOException {
    Path src = elsewhere.resolve("suffix");
    Files.write(src, suffix(0, objects(2, 1), 0));
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.addVolume();
      assertThatThrownBy(() -> lower.createFrom(src, 0, Files.size(src)))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.FILE_EXISTS))
          .hasMessageContaining("volume.0");
      assertThat(src).exists();
    }
  }

  @Test
  void createFromIntoAReadOnlyLowerFails() throws IOException {
    Path src = elsewhere.resolve("suffix");
    Files.write(src, suffix(0, objects(2, 1), 0));
    try (VolumeArchive lower = VolumeArchive.open(root, 0, true)) {
      assertThatThrownBy(() -> lower.createFrom(src, 0, Files.size(src)))
          .isInstanceOf(ReadOnlyStoreException.class);
      assertThat(src).exists();
    }
  }

  @Test
  void createFromADamagedFileFailsAndMovesNothing() throws IOException {
    List<ArchiveEntry> entries = objects(5, 1);
    byte[] bytes = suffix(16, entries, 0);
    bytes[16 + 50] ^= 1;
    Path src = elsewhere.resolve("suffix");
    Files.write(src, bytes);
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      assertThatThrownBy(() -> lower.createFrom(src, 16, Fixtures.totalSize(entries)))
          .isInstanceOfSatisfying(
              CorruptionException.class,
              e -> {
                assertThat(e.file()).isEqualTo(src.toString());
                assertThat(e.offset()).isEqualTo(16);
              });
      assertThat(src).exists();
      assertThat(Files.readAllBytes(src)).isEqualTo(bytes);
      assertThat(root.resolve("volume.0")).doesNotExist();
      assertThat(lower.volumeNum()).isZero();
    }
  }

  @Test
  void createFromASizeBeyondTheFileFails() throws IOException {
    Path src = elsewhere.resolve("suffix");
    Files.write(src, suffix(0, objects(2, 1), 0));
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      assertThatThrownBy(() -> lower.createFrom(src, 0, Files.size(src) + 1))
          .isInstanceOf(CorruptionException.class);
      assertThatThrownBy(() -> lower.createFrom(src, 0, Files.size(src) - 1))
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining("crosses");
      assertThat(src).exists();
    }
  }

  @Test
  void theCrossFileSystemMoveCopiesSyncsAndDeletes() throws IOException {
    Path src = elsewhere.resolve("suffix");
    byte[] bytes = suffix(3, objects(3, 1), 0);
    Files.write(src, bytes);
    Path target = root.resolve("copy");
    DurableFiles.copyThenDelete(src, target);
    assertThat(src).doesNotExist();
    assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
  }

  @Test
  void createFromAcrossFileSystemsFallsBackToACopy() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm));
    assumeTrue(!Files.getFileStore(shm).equals(Files.getFileStore(root)));
    List<ArchiveEntry> entries = objects(10, 2);
    Path src = Files.createTempFile(shm, "cairn-suffix", "");
    try {
      Files.write(src, suffix(0, entries, 0));
      try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
        lower.createFrom(src, 0, Fixtures.totalSize(entries));
        assertThat(src).doesNotExist();
        entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      }
    } finally {
      Files.deleteIfExists(src);
    }
  }

  @Test
  void aSourceMovedIntoAnAbandonedStagingDirectoryIsMovedBack() throws IOException {
    List<ArchiveEntry> entries = objects(6, 9);
    byte[] bytes = suffix(16, entries, 0);
    Path src = elsewhere.resolve("suffix");
    Path staging = root.resolve("volume.0.staging");
    Files.createDirectories(staging);
    Files.write(staging.resolve("volume.data"), bytes);
    Files.write(staging.resolve("volume.mapping"), new byte[3]);
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.createFrom(src, 16, bytes.length - 16);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
    assertThat(staging).doesNotExist();
  }

  @Test
  void aWholeSourceLeftMidwayThroughMovingBackIsRenamedIntoPlace() throws IOException {
    List<ArchiveEntry> entries = objects(6, 10);
    byte[] bytes = suffix(0, entries, 0);
    Path src = elsewhere.resolve("suffix");
    Files.write(elsewhere.resolve("suffix.returning"), bytes);
    Files.createDirectories(root.resolve("volume.0.staging"));
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.createFrom(src, 0, bytes.length);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
    assertThat(elsewhere.resolve("suffix.returning")).doesNotExist();
  }

  @Test
  void aPartialSourceLeftMidwayThroughMovingBackIsRedone() throws IOException {
    List<ArchiveEntry> entries = objects(6, 11);
    byte[] bytes = suffix(0, entries, 0);
    Path src = elsewhere.resolve("suffix");
    Files.write(elsewhere.resolve("suffix.returning"), Arrays.copyOf(bytes, 10));
    Path staging = root.resolve("volume.0.staging");
    Files.createDirectories(staging);
    Files.write(staging.resolve("volume.data"), bytes);
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.createFrom(src, 0, bytes.length);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
    assertThat(elsewhere.resolve("suffix.returning")).doesNotExist();
  }

  @Test
  void aRelativeSourcePathWorks() throws IOException {
    List<ArchiveEntry> entries = objects(3, 12);
    byte[] bytes = suffix(0, entries, 0);
    Path src = Files.createTempFile(Path.of("target"), "relative-suffix", "");
    Path relative = Path.of("").toAbsolutePath().relativize(src.toAbsolutePath());
    Files.write(relative, bytes);
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.createFrom(relative, 0, bytes.length);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    } finally {
      Files.deleteIfExists(src);
    }
  }
}
