package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.flipBit;
import static dev.cairn.lower.Fixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.spi.volume.VolumeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage in any volume file is detected and reported, never served. */
class CorruptionTest {
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
      Archived b = lower.archive(root, 2, a.endOffset() + 10, entries.subList(10, 20).iterator());
      lower.swap(b.volumeId(), 2, 1);
    }
    volume = root.resolve("volume.0");
  }

  @Test
  void everyBitFlipInTheDataIsDetectedWhenRead() throws IOException {
    Path data = volume.resolve("volume.data");
    try (VolumeArchive lower = VolumeArchive.open(root, 1, true)) {
      long size = Files.size(data);
      for (long position = 0; position < size; position++) {
        flipBit(data, position);
        int detected = 0;
        for (ArchiveEntry entry : entries) {
          try {
            Optional<byte[]> read = lower.read(entry.hash());
            assertThat(read)
                .as("object %s with a flip at %d", entry.hash(), position)
                .hasValue(entry.data());
          } catch (CorruptionException e) {
            assertThat(e.file()).isEqualTo(data.toString());
            assertThat(e.offset()).isBetween(0L, position);
            detected++;
          }
        }
        assertThat(detected).as("flip at %d", position).isEqualTo(1);
        flipBit(data, position);
      }
    }
  }

  @Test
  void everyBitFlipInTheMappingIsDetectedOnOpen() throws IOException {
    assertEveryFlipDetectedOnOpen(volume.resolve("volume.mapping"), 1);
  }

  @Test
  void everyBitFlipInTheIndexIsDetectedOnOpen() throws IOException {
    assertEveryFlipDetectedOnOpen(volume.resolve("volume.2.index"), 3);
  }

  @Test
  void everyBitFlipInTheBloomFilterIsDetectedOnOpen() throws IOException {
    assertEveryFlipDetectedOnOpen(volume.resolve("volume.2.bloom"), 1);
  }

  @Test
  void everyBitFlipInTheControlFileIsDetectedOnOpen() throws IOException {
    assertEveryFlipDetectedOnOpen(volume.resolve("volume.control"), 1);
  }

  private void assertEveryFlipDetectedOnOpen(Path file, int stride) throws IOException {
    long size = Files.size(file);
    assertThat(size).isPositive();
    for (long position = 0; position < size; position += stride) {
      flipBit(file, position);
      long at = position;
      assertThatThrownBy(() -> VolumeArchive.open(root, 1, true).close())
          .as("flip at %d of %s", at, file)
          .isInstanceOfSatisfying(
              CorruptionException.class, e -> assertThat(e.file()).isEqualTo(file.toString()));
      flipBit(file, position);
    }
    try (VolumeArchive lower = VolumeArchive.open(root, 1, true)) {
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
  }

  @Test
  void aControlFileOfAnUnknownVersionIsRejected() throws IOException {
    Path control = volume.resolve("volume.control");
    byte[] bytes = Files.readAllBytes(control);
    ByteBuffer.wrap(bytes).putInt(8, 99);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    Files.write(control, bytes);
    assertThatThrownBy(() -> VolumeArchive.open(root, 1, true))
        .isInstanceOfSatisfying(
            VolumeException.class,
            e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.UNSUPPORTED_VOLUME_FORMAT))
        .hasMessageContaining("version 99")
        .hasMessageContaining(control.toString());
  }

  @Test
  void aControlFileWithABadChecksumIsRejected() throws IOException {
    Path control = volume.resolve("volume.control");
    byte[] bytes = Files.readAllBytes(control);
    bytes[bytes.length - 1] ^= 1;
    Files.write(control, bytes);
    assertThatThrownBy(() -> VolumeArchive.open(root, 1, true))
        .isInstanceOfSatisfying(
            CorruptionException.class,
            e -> {
              assertThat(e.file()).isEqualTo(control.toString());
              assertThat(e.offset()).isEqualTo(bytes.length - 4);
            })
        .hasMessageContaining("checksum");
  }

  @Test
  void aTruncatedDataFileIsDetectedOnOpen() throws IOException {
    Path data = volume.resolve("volume.data");
    byte[] bytes = Files.readAllBytes(data);
    Files.write(data, java.util.Arrays.copyOf(bytes, bytes.length - 1));
    assertThatThrownBy(() -> VolumeArchive.open(root, 1, true))
        .isInstanceOfSatisfying(
            CorruptionException.class, e -> assertThat(e.file()).isEqualTo(data.toString()));
  }

  @Test
  void aDamagedTemporaryControlIsNotSwappedIn() {
    List<ArchiveEntry> more = objects(3, 7);
    try (VolumeArchive lower = VolumeArchive.open(root, 1, false)) {
      Archived c = lower.archive(root, 3, lower.volumes().get(0).endOffset(), more.iterator());
      flipBit(volume.resolve("volume.3.control"), 30);
      assertThatThrownBy(() -> lower.swap(c.volumeId(), 3, 1))
          .isInstanceOf(CorruptionException.class);
      assertThat(lower.volumes().get(0).generation()).isEqualTo(2);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
  }

  @Test
  void aDamagedNewIndexIsNotSwappedIn() {
    List<ArchiveEntry> more = objects(3, 7);
    try (VolumeArchive lower = VolumeArchive.open(root, 1, false)) {
      Archived c = lower.archive(root, 3, lower.volumes().get(0).endOffset(), more.iterator());
      flipBit(volume.resolve("volume.3.index"), 20);
      assertThatThrownBy(() -> lower.swap(c.volumeId(), 3, 1))
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining("volume.3.index");
      assertThat(volume.resolve("volume.control")).exists();
      assertThat(lower.volumes().get(0).generation()).isEqualTo(2);
    }
  }

  @Test
  void verifyChecksEveryObjectAndFindsDamage() {
    try (VolumeArchive lower = VolumeArchive.open(root, 1, true)) {
      assertThat(lower.verify()).isEqualTo(20);
      flipBit(volume.resolve("volume.data"), 100);
      assertThatThrownBy(lower::verify)
          .isInstanceOfSatisfying(
              CorruptionException.class,
              e -> assertThat(e.file()).isEqualTo(volume.resolve("volume.data").toString()));
      flipBit(volume.resolve("volume.data"), 100);
      flipBit(volume.resolve("volume.2.index"), 40);
      assertThatThrownBy(lower::verify)
          .isInstanceOfSatisfying(
              CorruptionException.class,
              e -> assertThat(e.file()).isEqualTo(volume.resolve("volume.2.index").toString()));
    }
  }

  @Test
  void verifyFindsARecordWhoseChecksumWasForgedOverOtherBytes() throws IOException {
    Path data = volume.resolve("volume.data");
    byte[] bytes = Files.readAllBytes(data);
    int frame = ByteBuffer.wrap(bytes).getInt(0) & 0x7fffffff;
    int total = 4 + frame;
    bytes[4 + frame / 2] ^= 1; // inside the payload (or compressed body) of the first record
    CRC32C crc = new CRC32C();
    crc.update(bytes, 4, total - 8);
    ByteBuffer.wrap(bytes).putInt(total - 4, (int) crc.getValue());
    Files.write(data, bytes);
    try (VolumeArchive lower = VolumeArchive.open(root, 1, true)) {
      assertThatThrownBy(lower::verify)
          .isInstanceOf(CorruptionException.class)
          .hasMessageMatching(".*(another hash|decompress|zstd|states).*");
    }
  }
}
