package dev.cairn.lower;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.storage.Compression;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes store records in the storage module's frame, compressed where that pays, and read every
 * record whatever the archive's own compression is: a volume written with one setting reads under
 * another, classic records included (CreateFromTest).
 */
class VolumeCompressionTest {
  @TempDir Path root;

  private static List<ArchiveEntry> text(int count) {
    List<ArchiveEntry> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String source =
          ("/** Object "
                  + i
                  + " of a source tree. */\npublic final class Name"
                  + i
                  + " {\n  private final int value;\n")
              .repeat(1 + i % 20);
      byte[] data = source.getBytes(StandardCharsets.UTF_8);
      out.add(new ArchiveEntry(HashAlgorithm.SHA256.hash(data), data));
    }
    return out;
  }

  private long archive(Path directory, Compression compression, List<ArchiveEntry> entries)
      throws IOException {
    try (VolumeArchive lower =
        VolumeArchive.builder(directory).volumes(0).compression(compression).open()) {
      lower.addVolume();
      Archived archived = lower.archive(Path.of("/upper"), 1, 0, entries.iterator());
      lower.swap(archived.volumeId(), 1, 1);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
    return Files.size(directory.resolve("volume.0").resolve(LoadedVolume.DATA));
  }

  @Test
  void compressibleObjectsTakeAFractionOfTheirRawSizeAndReadUnderAnySetting() throws IOException {
    List<ArchiveEntry> entries = text(300);
    long payload = entries.stream().mapToLong(e -> e.data().length).sum();
    long raw = archive(root.resolve("none"), Compression.NONE, entries);
    long compressed = archive(root.resolve("auto"), Compression.AUTO, entries);
    assertThat(raw).isEqualTo(payload + 9L * entries.size());
    assertThat(compressed * 4).isLessThan(raw);
    try (VolumeArchive reader =
        VolumeArchive.builder(root.resolve("auto"))
            .compression(Compression.NONE)
            .readOnly(true)
            .open()) {
      entries.forEach(e -> assertThat(reader.read(e.hash())).hasValue(e.data()));
      assertThat(reader.verify()).isEqualTo(entries.size());
    }
  }

  @Test
  void theListingNamesEveryArchivedObjectOnceWithItsSizeInEveryVolumeAndCodec() throws IOException {
    List<ArchiveEntry> compressible = text(200);
    List<ArchiveEntry> random = Fixtures.objects(150, 7);
    Path directory = root.resolve("two");
    try (VolumeArchive lower =
        VolumeArchive.builder(directory).volumes(0).compression(Compression.AUTO).open()) {
      lower.addVolume();
      Archived first = lower.archive(Path.of("/upper"), 1, 0, compressible.iterator());
      lower.swap(first.volumeId(), 1, 1);
      lower.addVolume();
      Archived second = lower.archive(Path.of("/upper"), 2, first.endOffset(), random.iterator());
      lower.swap(second.volumeId(), 2, 2);
    }
    Map<Hash, Long> expected = new HashMap<>();
    compressible.forEach(e -> expected.put(e.hash(), (long) e.data().length));
    random.forEach(e -> expected.put(e.hash(), (long) e.data().length));
    try (VolumeArchive reader = VolumeArchive.builder(directory).readOnly(true).open()) {
      Map<Hash, Long> listed = new HashMap<>();
      List<String> locations = new ArrayList<>();
      reader
          .feature(ObjectEnumeration.class)
          .orElseThrow()
          .forEachObject(
              o -> {
                assertThat(listed.put(o.hash(), o.size())).as("listed twice: %s", o).isNull();
                locations.add(o.location());
              });
      assertThat(listed).isEqualTo(expected);
      assertThat(locations)
          .anyMatch(l -> l.contains("volume.0"))
          .anyMatch(l -> l.contains("volume.1"));
    }
  }
}
