package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.object;
import static dev.cairn.lower.Fixtures.objects;
import static dev.cairn.lower.Fixtures.totalSize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreClosedException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.spi.volume.RangeRead;
import dev.cairn.spi.volume.Volume;
import dev.cairn.spi.volume.VolumeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every operation of irmin-pack's {@code Lower.S} and its error cases. */
class VolumeArchiveTest {
  @TempDir Path root;

  private VolumeArchive open(int volumes) {
    return VolumeArchive.open(root, volumes, false);
  }

  /** Archives {@code entries} into the last volume at {@code from} and swaps it in. */
  private static Archived archiveAndSwap(
      VolumeArchive lower, int generation, long from, List<ArchiveEntry> entries) {
    Archived archived = lower.archive(Path.of("/upper"), generation, from, entries.iterator());
    lower.swap(archived.volumeId(), generation, lower.volumeNum());
    return archived;
  }

  @Test
  void aNewLowerHasNoVolumes() {
    try (VolumeArchive lower = open(0)) {
      assertThat(lower.volumeNum()).isZero();
      assertThat(lower.volumes()).isEmpty();
      assertThat(lower.findVolume(0)).isEmpty();
      assertThat(lower.read(Fixtures.missingHash())).isEmpty();
    }
  }

  @Test
  void openingWithMoreVolumesThanOnDiskNamesTheFirstMissing() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
    }
    assertThatThrownBy(() -> open(3))
        .isInstanceOfSatisfying(
            VolumeException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(VolumeException.Reason.VOLUME_MISSING);
              assertThat(e).hasMessageContaining(root.resolve("volume.1").toString());
            });
  }

  @Test
  void aVolumeThatIsAFileIsMissing() throws IOException {
    Files.createFile(root.resolve("volume.0"));
    assertThatThrownBy(() -> open(1))
        .isInstanceOfSatisfying(
            VolumeException.class,
            e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.VOLUME_MISSING))
        .hasMessageContaining("volume.0");
  }

  @Test
  void reloadExpectingMissingVolumesFailsAndKeepsWorkingAfterwards() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      assertThatThrownBy(() -> lower.reload(2))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.VOLUME_MISSING));
      lower.reload(1);
      assertThat(lower.volumeNum()).isEqualTo(1);
    }
  }

  @Test
  void addVolumeAddsAnEmptyAppendableVolume() {
    try (VolumeArchive lower = open(0)) {
      Volume volume = lower.addVolume();
      assertThat(volume.isEmpty()).isTrue();
      assertThat(volume.generation()).isEqualTo(-1);
      assertThat(volume.objectCount()).isZero();
      assertThat(volume.contains(0)).isFalse();
      assertThat(volume.id()).isEqualTo(root.resolve("volume.0").toString());
      assertThat(Files.isDirectory(root.resolve("volume.0"))).isTrue();
      assertThat(lower.volumeNum()).isEqualTo(1);
      assertThatThrownBy(volume::startOffset).isInstanceOf(IllegalStateException.class);
    }
    try (VolumeArchive reopened = open(1)) {
      assertThat(reopened.volumes().get(0).isEmpty()).isTrue();
    }
  }

  @Test
  void onlyOneEmptyVolumeIsAllowed() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      assertThatThrownBy(lower::addVolume)
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.MULTIPLE_EMPTY_VOLUMES))
          .hasMessageContaining("volume.0");
      archiveAndSwap(lower, 1, 0, objects(3, 1));
      assertThat(lower.addVolume().id()).endsWith("volume.1");
      assertThatThrownBy(lower::addVolume)
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.MULTIPLE_EMPTY_VOLUMES));
      assertThat(lower.volumeNum()).isEqualTo(2);
    }
  }

  @Test
  void addVolumeOnAReadOnlyLowerIsRejected() {
    try (VolumeArchive lower = VolumeArchive.open(root, 0, true)) {
      assertThat(lower.isReadOnly()).isTrue();
      assertThatThrownBy(lower::addVolume).isInstanceOf(ReadOnlyStoreException.class);
      assertThat(root.resolve("volume.0")).doesNotExist();
    }
  }

  @Test
  void addVolumeWhereTheDirectoryExistsFails() throws IOException {
    Files.createDirectory(root.resolve("volume.0"));
    try (VolumeArchive lower = open(0)) {
      assertThatThrownBy(lower::addVolume)
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(VolumeException.Reason.FILE_EXISTS);
                assertThat(e).hasMessageContaining("volume.0");
              });
    }
  }

  @Test
  void addVolumeWithoutItsParentDirectoryFails() throws IOException {
    Path gone = root.resolve("gone");
    try (VolumeArchive lower = VolumeArchive.open(gone, 0, false)) {
      Files.delete(gone.resolve(VolumeArchive.ALGORITHM_FILE));
      Files.delete(gone.resolve(dev.cairn.storage.DirectoryLock.FILE_NAME));
      Files.delete(gone);
      assertThatThrownBy(lower::addVolume)
          .isInstanceOfSatisfying(
              VolumeException.class,
              e ->
                  assertThat(e.reason()).isEqualTo(VolumeException.Reason.INVALID_PARENT_DIRECTORY))
          .hasMessageContaining(gone.toString());
    }
  }

  @Test
  void setReadOnlyGatesArchive() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      lower.setReadOnly(true);
      assertThatThrownBy(() -> lower.archive(root, 1, 0, objects(1, 1).iterator()))
          .isInstanceOf(ReadOnlyStoreException.class);
      lower.setReadOnly(false);
      assertThat(lower.archive(root, 1, 0, objects(1, 1).iterator()).objectCount()).isEqualTo(1);
    }
  }

  @Test
  void archiveWithoutAVolumeFails() {
    try (VolumeArchive lower = open(0)) {
      assertThatThrownBy(() -> lower.archive(root, 1, 0, objects(1, 1).iterator()))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.LOWER_HAS_NO_VOLUME));
    }
  }

  @Test
  void anArchiveIsInvisibleBeforeSwapAndVisibleAfter() {
    List<ArchiveEntry> entries = objects(50, 7);
    try (VolumeArchive lower = open(0)) {
      Volume volume = lower.addVolume();
      Archived archived = lower.archive(Path.of("/upper"), 1, 1000, entries.iterator());
      assertThat(archived)
          .isEqualTo(new Archived(volume.id(), 1, 1000, 1000 + totalSize(entries), 50));
      assertThat(lower.volumes().get(0).isEmpty()).isTrue();
      assertThat(lower.findVolume(1000)).isEmpty();
      assertThat(lower.read(entries.get(0).hash())).isEmpty();
      try (VolumeArchive other = VolumeArchive.open(root, 1, true)) { // a reader beside it
        assertThat(other.exists(entries.get(0).hash())).isFalse();
      }

      lower.swap(archived.volumeId(), 1, 1);
      Volume swapped = lower.volumes().get(0);
      assertThat(swapped.isEmpty()).isFalse();
      assertThat(swapped.startOffset()).isEqualTo(1000);
      assertThat(swapped.endOffset()).isEqualTo(archived.endOffset());
      assertThat(swapped.objectCount()).isEqualTo(50);
      assertThat(swapped.generation()).isEqualTo(1);
      assertThat(lower.findVolume(1000)).contains(swapped);
      assertThat(lower.findVolume(999)).isEmpty();
      assertThat(lower.findVolume(archived.endOffset())).isEmpty();
      for (ArchiveEntry entry : entries) {
        assertThat(lower.read(entry.hash()))
            .hasValueSatisfying(data -> assertThat(data).isEqualTo(entry.data()));
        assertThat(lower.exists(entry.hash())).isTrue();
      }
      assertThat(lower.read(Fixtures.missingHash())).isEmpty();
      assertThat(lower.exists(Fixtures.missingHash())).isFalse();
      assertThat(root.resolve("volume.0").resolve("volume.1.control")).doesNotExist();
    }
    try (VolumeArchive reopened = open(1)) {
      assertThat(reopened.read(entries.get(49).hash())).isPresent();
    }
  }

  @Test
  void successiveArchivesMergeIntoTheVolumeIndex() {
    List<ArchiveEntry> first = objects(30, 1);
    List<ArchiveEntry> second = objects(30, 2);
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      Archived a = archiveAndSwap(lower, 1, 0, first);
      Archived b = archiveAndSwap(lower, 2, a.endOffset() + 100, second);
      Volume volume = lower.volumes().get(0);
      assertThat(volume.objectCount()).isEqualTo(60);
      assertThat(volume.generation()).isEqualTo(2);
      assertThat(volume.endOffset()).isEqualTo(b.endOffset());
      Stream.concat(first.stream(), second.stream())
          .forEach(entry -> assertThat(lower.read(entry.hash())).hasValue(entry.data()));
      // The gap between the two archives belongs to the volume's range but holds nothing.
      assertThat(lower.findVolume(a.endOffset() + 50)).contains(volume);
      assertThatThrownBy(() -> lower.read(a.endOffset() + 50, new byte[1], 1))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.INVALID_READ));
      // Only the current generation's index and bloom filter remain.
      assertThat(root.resolve("volume.0/volume.1.index")).doesNotExist();
      assertThat(root.resolve("volume.0/volume.1.bloom")).doesNotExist();
      assertThat(root.resolve("volume.0/volume.2.index")).exists();
    }
  }

  @Test
  void objectsArchivedTwiceAreIndexedOnce() {
    List<ArchiveEntry> entries = objects(10, 3);
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      Archived a = archiveAndSwap(lower, 1, 0, entries);
      archiveAndSwap(lower, 2, a.endOffset(), entries);
      assertThat(lower.volumes().get(0).objectCount()).isEqualTo(10);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
  }

  @Test
  void indexRunsSpilledToDiskMergeCorrectly() throws IOException {
    List<ArchiveEntry> first = objects(500, 11);
    List<ArchiveEntry> second = objects(700, 12);
    try (VolumeArchive lower = VolumeArchive.builder(root).volumes(0).runEntries(64).open()) {
      lower.addVolume();
      Archived a = archiveAndSwap(lower, 1, 0, first);
      archiveAndSwap(lower, 2, a.endOffset(), second);
      assertThat(lower.volumes().get(0).objectCount()).isEqualTo(1200);
      Stream.concat(first.stream(), second.stream())
          .forEach(entry -> assertThat(lower.read(entry.hash())).hasValue(entry.data()));
      try (Stream<Path> files = Files.list(root.resolve("volume.0"))) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("run"));
      }
    }
  }

  @Test
  void aNonEmptyVolumeRefusesOlderOffsets() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      Archived a = archiveAndSwap(lower, 1, 100, objects(5, 1));
      assertThatThrownBy(() -> lower.archive(root, 2, a.endOffset() - 1, objects(1, 2).iterator()))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(VolumeException.Reason.OFFSET_OUT_OF_ORDER);
                assertThat(e)
                    .hasMessageContaining("at offset " + (a.endOffset() - 1))
                    .hasMessageContaining("ends at offset " + a.endOffset());
              });
      // A new volume continues after the previous one too.
      lower.addVolume();
      assertThatThrownBy(() -> lower.archive(root, 2, 0, objects(1, 2).iterator()))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.OFFSET_OUT_OF_ORDER));
      Archived b = archiveAndSwap(lower, 2, a.endOffset(), objects(3, 2));
      assertThat(lower.findVolume(b.startOffset()).map(Volume::id))
          .contains(root.resolve("volume.1").toString());
      assertThat(lower.findVolume(a.startOffset()).map(Volume::id))
          .contains(root.resolve("volume.0").toString());
      assertThat(lower.volumes().get(1).startOffset()).isEqualTo(a.endOffset());
    }
  }

  @Test
  void endOffsetIsWhereTheNextArchiveMayStart() {
    try (VolumeArchive lower = open(0)) {
      assertThat(lower.endOffset()).isZero();
      lower.addVolume();
      assertThat(lower.endOffset()).isZero();
      Archived a = archiveAndSwap(lower, 1, 50, objects(3, 1));
      assertThat(lower.endOffset()).isEqualTo(a.endOffset());
      lower.addVolume();
      assertThat(lower.endOffset()).isEqualTo(a.endOffset());
      Archived b = archiveAndSwap(lower, 2, lower.endOffset(), objects(3, 2));
      assertThat(b.startOffset()).isEqualTo(a.endOffset());
      assertThat(lower.endOffset()).isEqualTo(b.endOffset());
    }
  }

  @Test
  void anArchiveMustBeOfANewerGeneration() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      archiveAndSwap(lower, 3, 0, objects(2, 1));
      assertThatThrownBy(() -> lower.archive(root, 3, 10_000, objects(1, 2).iterator()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("generation 3");
      assertThatThrownBy(() -> lower.archive(root, 0, 10_000, objects(1, 2).iterator()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void archiveRejectsHashesOfAnotherAlgorithm() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      assertThatThrownBy(
              () -> lower.archive(root, 1, 0, objects(HashAlgorithm.SHA1, 1, 1).iterator()))
          .isInstanceOf(HashAlgorithmMismatchException.class);
      assertThat(lower.volumes().get(0).isEmpty()).isTrue();
    }
  }

  @Test
  void archiveAcceptsAStream() {
    List<ArchiveEntry> entries = objects(4, 4);
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      Archived archived = lower.archive(root, 1, 0, entries.stream());
      lower.swap(archived.volumeId(), 1, 1);
      assertThat(lower.read(entries.get(3).hash())).hasValue(entries.get(3).data());
    }
  }

  @Test
  void readByOffsetReturnsTheRawBytesAndTheVolume() {
    ArchiveEntry first = object("first");
    ArchiveEntry second = object("second");
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      Archived a = archiveAndSwap(lower, 1, 64, List.of(first, second));
      int firstSize = (int) Fixtures.recordSize(first);
      int secondSize = (int) Fixtures.recordSize(second);
      byte[] record = new byte[secondSize];
      String volume = lower.read(64 + firstSize, record, secondSize);
      assertThat(volume).isEqualTo(a.volumeId());
      // A record: marked frame length, codec (raw: 0), payload, checksum.
      assertThat(java.nio.ByteBuffer.wrap(record).getInt(0))
          .isEqualTo(0x80000000 | (secondSize - 4));
      assertThat(record[4]).isZero();
      byte[] payload = Arrays.copyOfRange(record, 5, secondSize - 4);
      assertThat(payload).isEqualTo(second.data());

      byte[] again = new byte[secondSize];
      assertThat(lower.read(64 + firstSize, again, secondSize, a.volumeId())).isEqualTo(volume);
      assertThat(again).isEqualTo(record);

      byte[] big = new byte[1000];
      RangeRead range = lower.readRange(64 + firstSize, 10, 1000, big);
      assertThat(range).isEqualTo(new RangeRead(secondSize, volume));
      assertThat(Arrays.copyOf(big, secondSize)).isEqualTo(record);
      assertThat(lower.readRange(64, 1, 5, big, volume)).isEqualTo(new RangeRead(5, volume));

      assertThatThrownBy(() -> lower.readRange(64 + firstSize, secondSize + 1, 1000, big))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.INVALID_READ));
      assertThatThrownBy(() -> lower.read(63, big, 1))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.VOLUME_NOT_FOUND))
          .hasMessageContaining("offset 63");
      assertThatThrownBy(() -> lower.read(64, big, 1, "/nowhere"))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.VOLUME_NOT_FOUND))
          .hasMessageContaining("/nowhere");
      assertThatThrownBy(() -> lower.readRange(64, 5, 4, big))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readingAnEmptyVolumeByIdIsAnInvalidRead() {
    try (VolumeArchive lower = open(0)) {
      Volume volume = lower.addVolume();
      assertThatThrownBy(() -> lower.read(0, new byte[1], 1, volume.id()))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.INVALID_READ))
          .hasMessageContaining("empty");
    }
  }

  @Test
  void aGarbageTailPastTheCommittedEndIsIgnoredThenOverwritten() throws IOException {
    List<ArchiveEntry> first = objects(5, 1);
    List<ArchiveEntry> second = objects(5, 2);
    Path data = root.resolve("volume.0/volume.data");
    Path mapping = root.resolve("volume.0/volume.mapping");
    long committed;
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      archiveAndSwap(lower, 1, 0, first);
      committed = Files.size(data);
    }
    Files.write(data, new byte[777], StandardOpenOption.APPEND);
    Files.write(mapping, new byte[31], StandardOpenOption.APPEND);
    try (VolumeArchive lower = open(1)) {
      first.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      Archived b = archiveAndSwap(lower, 2, lower.volumes().get(0).endOffset(), second);
      assertThat(Files.size(data)).isEqualTo(committed + totalSize(second));
      assertThat(Files.size(mapping)).isEqualTo(2 * Mapping.ENTRY_SIZE);
      Stream.concat(first.stream(), second.stream())
          .forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      assertThat(b.objectCount()).isEqualTo(5);
    }
  }

  @Test
  void swapOfAnUnknownVolumeFails() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      assertThatThrownBy(() -> lower.swap("/no/such/volume", 1, 1))
          .isInstanceOfSatisfying(
              VolumeException.class,
              e -> assertThat(e.reason()).isEqualTo(VolumeException.Reason.VOLUME_NOT_FOUND))
          .hasMessageContaining("/no/such/volume");
    }
  }

  @Test
  void swapWithoutATemporaryControlFails() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      Archived a = archiveAndSwap(lower, 1, 0, objects(2, 1));
      assertThatThrownBy(() -> lower.swap(a.volumeId(), 2, 1))
          .isInstanceOf(StoreIOException.class)
          .hasMessageContaining("volume.2.control");
      assertThat(lower.volumes().get(0).objectCount()).isEqualTo(2);
    }
  }

  @Test
  void archivingNothingIntoAnEmptyVolumeLeavesItEmpty() {
    try (VolumeArchive lower = open(0)) {
      Volume volume = lower.addVolume();
      Archived a = lower.archive(root, 1, 0, List.<ArchiveEntry>of().iterator());
      assertThat(a.objectCount()).isZero();
      lower.swap(volume.id(), 1, 1);
      assertThat(lower.volumes().get(0).isEmpty()).isTrue();
    }
  }

  @Test
  void archivingNothingIntoANonEmptyVolumeSwapsHarmlessly() {
    List<ArchiveEntry> entries = objects(3, 1);
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      Archived a = archiveAndSwap(lower, 1, 0, entries);
      Archived none = archiveAndSwap(lower, 2, a.endOffset(), List.of());
      assertThat(none.objectCount()).isZero();
      assertThat(lower.volumes().get(0).endOffset()).isEqualTo(a.endOffset());
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
  }

  @Test
  void cleanupSwapsInTheCurrentGenerationsTemporaryControl() {
    List<ArchiveEntry> entries = objects(20, 5);
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      lower.archive(root, 4, 0, entries.iterator());
      // The process dies here, before swap.
    }
    try (VolumeArchive lower = open(1)) {
      assertThat(lower.read(entries.get(0).hash())).isEmpty();
      lower.cleanup(4);
      assertThat(lower.volumes().get(0).generation()).isEqualTo(4);
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      assertThat(root.resolve("volume.0/volume.4.control")).doesNotExist();
    }
  }

  @Test
  void cleanupDeletesTemporaryControlsOfOtherGenerations() throws IOException {
    List<ArchiveEntry> kept = objects(5, 1);
    List<ArchiveEntry> abandoned = objects(5, 2);
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      Archived a = archiveAndSwap(lower, 1, 0, kept);
      lower.archive(root, 2, a.endOffset(), abandoned.iterator());
      Files.copy(
          root.resolve("volume.0/volume.2.control"), root.resolve("volume.0/volume.7.control"));
    }
    try (VolumeArchive lower = open(1)) {
      lower.cleanup(3);
      try (Stream<Path> files = Files.list(root.resolve("volume.0"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder(
                "volume.control",
                "volume.data",
                "volume.mapping",
                "volume.1.index",
                "volume.1.bloom");
      }
      kept.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      abandoned.forEach(e -> assertThat(lower.read(e.hash())).isEmpty());
      // The abandoned bytes past the committed end are overwritten by the next archive.
      Archived next = archiveAndSwap(lower, 3, lower.volumes().get(0).endOffset(), abandoned);
      assertThat(next.objectCount()).isEqualTo(5);
      abandoned.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
  }

  @Test
  void cleanupDiscardsADamagedTemporaryControlOfTheCurrentGeneration() {
    List<ArchiveEntry> entries = objects(5, 1);
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      lower.archive(root, 1, 0, entries.iterator());
    }
    Path temp = root.resolve("volume.0/volume.1.control");
    Fixtures.flipBit(temp, 20);
    try (VolumeArchive lower = open(1)) {
      lower.cleanup(1);
      assertThat(temp).doesNotExist();
      assertThat(lower.volumes().get(0).isEmpty()).isTrue();
      assertThat(root.resolve("volume.0/volume.data")).doesNotExist();
      assertThat(lower.read(entries.get(0).hash())).isEmpty();
    }
  }

  @Test
  void cleanupOfALowerWithoutVolumesDoesNothing() {
    try (VolumeArchive lower = open(0)) {
      lower.cleanup(1);
      assertThat(lower.volumeNum()).isZero();
    }
  }

  @Test
  void cleanupOnlyTouchesTheAppendableVolume() throws IOException {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      archiveAndSwap(lower, 1, 0, objects(2, 1));
      Path stray = root.resolve("volume.0/volume.9.control");
      Files.copy(root.resolve("volume.0/volume.control"), stray);
      lower.addVolume();
      lower.cleanup(9);
      assertThat(stray).exists();
    }
  }

  @Test
  void closedLowerRejectsEveryOperationButClose() {
    VolumeArchive lower = open(0);
    lower.close();
    lower.close();
    assertThatThrownBy(lower::addVolume).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> lower.reload(0)).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(lower::volumeNum).isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> lower.read(0, new byte[1], 1))
        .isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> lower.cleanup(1)).isInstanceOf(StoreClosedException.class);
  }

  @Test
  void openingWithAnotherHashAlgorithmThanRecordedFails() {
    try (VolumeArchive lower = open(0)) {
      lower.addVolume();
      archiveAndSwap(lower, 1, 0, objects(1, 1));
    }
    assertThatThrownBy(() -> VolumeArchive.builder(root).hashAlgorithm(HashAlgorithm.SHA1).open())
        .isInstanceOf(HashAlgorithmMismatchException.class)
        .hasMessageContaining("sha256")
        .hasMessageContaining("sha1");
    try (VolumeArchive lower = VolumeArchive.builder(root).open()) {
      assertThat(lower.hashAlgorithm()).isEqualTo(HashAlgorithm.SHA256);
    }
  }

  @Test
  void aSha1ArchiveRecordsAndKeepsItsAlgorithm() {
    List<ArchiveEntry> entries = objects(HashAlgorithm.SHA1, 5, 1);
    try (VolumeArchive lower =
        VolumeArchive.builder(root).hashAlgorithm(HashAlgorithm.SHA1).open()) {
      lower.addVolume();
      archiveAndSwap(lower, 1, 0, entries);
    }
    try (VolumeArchive lower = VolumeArchive.builder(root).open()) {
      assertThat(lower.hashAlgorithm().name()).isEqualTo("sha1");
      entries.forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
    }
  }

  /** Issue 19, item 7: an archive created as SHA-1 that archived nothing reopened as SHA-256. */
  @Test
  void aNewArchiveKeepsTheAlgorithmItWasCreatedWithBeforeArchivingAnything() {
    Path lowerRoot = root.resolve("new");
    VolumeArchive.builder(lowerRoot).hashAlgorithm(HashAlgorithm.SHA1).open().close();
    try (VolumeArchive reopened = VolumeArchive.builder(lowerRoot).open()) {
      assertThat(reopened.hashAlgorithm()).isEqualTo(HashAlgorithm.SHA1);
    }
    assertThatThrownBy(
            () -> VolumeArchive.builder(lowerRoot).hashAlgorithm(HashAlgorithm.SHA256).open())
        .isInstanceOf(HashAlgorithmMismatchException.class)
        .hasMessageContaining("holds sha1 hashes");
  }

  /** A creation cut short after writing the algorithm aside, before its lock file lasted. */
  @Test
  void aCreationCutShortLeavingOnlyTheAlgorithmWrittenAsideOpensAsANewArchive() throws IOException {
    Path lowerRoot = root.resolve("cut");
    Files.createDirectories(lowerRoot);
    Files.writeString(lowerRoot.resolve(VolumeArchive.ALGORITHM_FILE + ".tmp"), "sh");
    try (VolumeArchive lower =
        VolumeArchive.builder(lowerRoot).hashAlgorithm(HashAlgorithm.SHA1).open()) {
      assertThat(lower.hashAlgorithm()).isEqualTo(HashAlgorithm.SHA1);
    }
    assertThat(Files.readString(lowerRoot.resolve(VolumeArchive.ALGORITHM_FILE)))
        .isEqualTo("sha1\n");
  }
}
