package dev.cairn.lower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreSpec;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reading the volume decoders, fuzzing them and the hostile-layout table (family 8) caught,
 * one test each.
 */
class DecoderDefectsTest {
  @TempDir Path dir;

  @Test
  void bloomWordCountLargerThanItsBytesIsCorruptionNotOutOfMemory() {
    // Guava would allocate 2^31-1 longs (16 GiB) before reading a single word.
    byte[] bloom =
        ByteBuffer.allocate(14)
            .put((byte) 1)
            .put((byte) 5)
            .putInt(Integer.MAX_VALUE)
            .putLong(-1)
            .array();
    assertThatThrownBy(() -> LoadedVolume.decodeBloom("volume.1.bloom", bloom))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("claims 2147483647 words");
  }

  @Test
  void mappingEndBeyondTheFileIsCorruptionBeforeAllocating() throws IOException {
    Path file = Files.write(dir.resolve(LoadedVolume.MAPPING), Mapping.entry(0, 0, 10).array());
    assertThatThrownBy(() -> Mapping.read(file, 24L * 40_000_000, 0))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("mapping is 24 bytes, its control file commits 960000000");
  }

  @Test
  void mappingEntryWhoseEndOverflowsIsCorruption() throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(48);
    bytes.put(Mapping.entry(0, 0, 10)).put(Mapping.entry(Long.MAX_VALUE - 5, 10, 100));
    Path file = Files.write(dir.resolve(LoadedVolume.MAPPING), bytes.array());
    CRC32C crc = new CRC32C();
    crc.update(bytes.array());
    assertThatThrownBy(() -> Mapping.read(file, 48, (int) crc.getValue()))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void controlFileNameThatIsNotUtf8IsCorruption() {
    byte[] bytes = new ControlFile(0, 10, 10, 24, 0, 1, 1, 100, 20, 0, "sha256", "").encode();
    bytes[8 + 4 + 32 + 4 + 32 + 4 + 2] = (byte) 0xff; // the first byte of the algorithm name
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    assertThatThrownBy(() -> ControlFile.decode("volume.control", bytes))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void indexEntryReachingPastTheLastOffsetIsCorruptionNotAnOverflow() throws IOException {
    // The run ends at Long.MAX_VALUE; offset + length overflowed and passed the range check.
    HashAlgorithm sha256 = HashAlgorithm.SHA256;
    Hash hash = sha256.hash(new byte[] {7});
    Path volume = Files.createDirectories(dir.resolve("volume.0"));
    Files.write(volume.resolve(LoadedVolume.DATA), new byte[400]);
    byte[] mapping = Mapping.entry(Long.MAX_VALUE - 100, 0, 100).array();
    Files.write(volume.resolve(LoadedVolume.MAPPING), mapping);
    ByteBuffer index =
        ByteBuffer.allocate(VolumeIndex.HEADER + VolumeIndex.entrySize(32) + VolumeIndex.TRAILER);
    index.put(VolumeIndex.MAGIC).putInt(VolumeIndex.VERSION).putInt(32);
    hash.writeTo(index);
    index.putLong(Long.MAX_VALUE - 10).putInt(200);
    int first = Byte.toUnsignedInt(hash.byteAt(0));
    for (int b = 0; b < 256; b++) {
      index.putInt(b < first ? 0 : 1);
    }
    index.putLong(1);
    index.putInt(crc(index.array(), index.position()));
    Files.write(LoadedVolume.indexFile(volume, 1), index.array());
    BloomFilter<byte[]> bloom = BloomFilter.create(Funnels.byteArrayFunnel(), 10, 0.01);
    bloom.put(hash.toBytes());
    ByteArrayOutputStream bloomBytes = new ByteArrayOutputStream();
    bloom.writeTo(bloomBytes);
    Files.write(LoadedVolume.bloomFile(volume, 1), bloomBytes.toByteArray());
    ControlFile control =
        new ControlFile(
            Long.MAX_VALUE - 100,
            Long.MAX_VALUE,
            100,
            mapping.length,
            crc(mapping, mapping.length),
            1,
            1,
            index.capacity(),
            bloomBytes.size(),
            crc(bloomBytes.toByteArray(), bloomBytes.size()),
            "sha256",
            "");
    LoadedVolume loaded =
        LoadedVolume.withControl(volume, control, volume.resolve(LoadedVolume.CONTROL), 32);
    try (ChannelCache channels = new ChannelCache("test", 4)) {
      assertThatThrownBy(() -> loaded.read(hash, channels))
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining("outside the archived ranges");
    }
  }

  @Test
  void aVolumeDirectoryLinkedOutsideTheRootIsRejected() throws IOException {
    Path root = Files.createDirectories(dir.resolve("lower"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.createSymbolicLink(root.resolve("volume.0"), elsewhere);
    assertThatThrownBy(
            () -> {
              try (VolumeArchive lower = VolumeArchive.builder(root).volumes(-1).open()) {
                archiveInto(lower);
              }
            })
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("symbolic link");
    try (var files = Files.list(elsewhere)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void aLinkPlantedAsTheVolumeDataIsNotAppendedThrough() throws IOException {
    Path root = Files.createDirectories(dir.resolve("lower"));
    Path victim = Files.writeString(dir.resolve("victim.txt"), "do not touch\n");
    Files.createDirectories(root.resolve("volume.0"));
    Files.createSymbolicLink(root.resolve("volume.0").resolve(LoadedVolume.DATA), victim);
    assertThatThrownBy(
            () -> {
              try (VolumeArchive lower = VolumeArchive.builder(root).volumes(-1).open()) {
                archiveInto(lower);
              }
            })
        .isInstanceOf(dev.cairn.spi.CairnException.class);
    assertThat(Files.readString(victim)).isEqualTo("do not touch\n");
  }

  @Test
  void aLinkPlantedAsTheNextIndexIsNotWrittenThrough() throws IOException {
    Path root = Files.createDirectories(dir.resolve("lower"));
    Path target = dir.resolve("created-by-index");
    Files.createDirectories(root.resolve("volume.0"));
    Files.createSymbolicLink(LoadedVolume.indexFile(root.resolve("volume.0"), 1), target);
    assertThatThrownBy(
            () -> {
              try (VolumeArchive lower = VolumeArchive.builder(root).volumes(-1).open()) {
                archiveInto(lower);
              }
            })
        .isInstanceOf(dev.cairn.spi.CairnException.class);
    assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void aLocatorWithDotDotIsRejected() {
    StoreSpec spec = StoreSpec.leaf("lower", dir.resolve("a") + "/../outside", Map.of());
    assertThatThrownBy(() -> new LowerFactory().create(spec, Map.of(), StoreContext.standard()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'..'");
    assertThat(Files.exists(dir.resolve("outside"))).isFalse();
  }

  private static void archiveInto(VolumeArchive lower) {
    List<ArchiveEntry> entries =
        List.of(
            new ArchiveEntry(
                lower.hashAlgorithm().hash("a".getBytes(StandardCharsets.UTF_8)),
                "a".getBytes(StandardCharsets.UTF_8)));
    Archived archived = lower.archive(Path.of("/upper"), 1, lower.endOffset(), entries.iterator());
    lower.swap(archived.volumeId(), 1, lower.volumeNum());
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
