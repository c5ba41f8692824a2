package dev.cairn.lower;

import static dev.cairn.lower.Fixtures.objects;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers: another process's view, bounded open files, concurrency. */
class ReaderTest {
  @TempDir Path root;

  private static Archived archiveAndSwap(
      VolumeArchive lower, int generation, long from, List<ArchiveEntry> entries) {
    Archived archived = lower.archive(Path.of("/upper"), generation, from, entries.iterator());
    lower.swap(archived.volumeId(), generation, lower.volumeNum());
    return archived;
  }

  @Test
  void aReadOnlyReaderSeesArchivedObjectsAfterReload() {
    List<ArchiveEntry> before = objects(5, 1);
    List<ArchiveEntry> after = objects(5, 2);
    try (VolumeArchive writer = VolumeArchive.open(root, 0, false)) {
      writer.addVolume();
      Archived a = archiveAndSwap(writer, 1, 0, before);
      try (VolumeArchive reader = VolumeArchive.open(root, 1, true)) {
        before.forEach(e -> assertThat(reader.read(e.hash())).hasValue(e.data()));
        Archived b = writer.archive(root, 2, a.endOffset(), after.iterator());
        assertThat(reader.read(after.get(0).hash())).isEmpty();
        writer.swap(b.volumeId(), 2, 1);
        // Still the old snapshot until it reloads, for offsets...
        assertThat(reader.findVolume(b.startOffset())).isEmpty();
        reader.reload(1);
        assertThat(reader.findVolume(b.startOffset())).isPresent();
        after.forEach(e -> assertThat(reader.read(e.hash())).hasValue(e.data()));
      }
    }
  }

  @Test
  void aReadOnlyReaderThatMissesAfterACommitReloadsOnceAndRetries() {
    List<ArchiveEntry> first = objects(5, 1);
    List<ArchiveEntry> second = objects(5, 2);
    List<ArchiveEntry> third = objects(5, 3);
    try (VolumeArchive writer = VolumeArchive.open(root, 0, false);
        VolumeArchive reader = VolumeArchive.builder(root).readOnly(true).open()) {
      assertThat(reader.volumeNum()).isZero();
      writer.addVolume();
      Archived a = archiveAndSwap(writer, 1, 0, first);
      first.forEach(e -> assertThat(reader.read(e.hash())).hasValue(e.data()));
      assertThat(reader.volumeNum()).isEqualTo(1);
      archiveAndSwap(writer, 2, a.endOffset(), second);
      second.forEach(e -> assertThat(reader.exists(e.hash())).isTrue());
      writer.addVolume();
      archiveAndSwap(writer, 3, writer.volumes().get(0).endOffset(), third);
      third.forEach(e -> assertThat(reader.read(e.hash())).hasValue(e.data()));
      assertThat(reader.volumeNum()).isEqualTo(2);
      assertThat(reader.read(Fixtures.missingHash())).isEmpty();
    }
  }

  @Test
  void readingAcrossManyVolumesKeepsABoundedNumberOfFilesOpen() throws IOException {
    int volumes = 24;
    List<ArchiveEntry> all = new ArrayList<>();
    try (VolumeArchive writer = VolumeArchive.open(root, 0, false)) {
      long end = 0;
      for (int v = 0; v < volumes; v++) {
        writer.addVolume();
        List<ArchiveEntry> entries = objects(4, v);
        end = archiveAndSwap(writer, v + 1, end, entries).endOffset();
        all.addAll(entries);
      }
    }
    try (VolumeArchive reader = VolumeArchive.builder(root).readOnly(true).openFiles(4).open()) {
      assertThat(reader.volumeNum()).isEqualTo(volumes);
      Random random = new Random(5);
      for (int round = 0; round < 5; round++) {
        Collections.shuffle(all, random);
        for (ArchiveEntry entry : all) {
          assertThat(reader.read(entry.hash())).hasValue(entry.data());
          assertThat(reader.openDataFiles()).isLessThanOrEqualTo(4);
        }
      }
      assertThat(reader.peakOpenDataFiles()).isEqualTo(4);
      assertThat(openDescriptorsOf("volume.data")).isLessThanOrEqualTo(4);
    }
  }

  /** The number of this process's open file descriptors on files named {@code name}. */
  private static long openDescriptorsOf(String name) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return 0;
    }
    try (Stream<Path> links = Files.list(fds)) {
      return links
          .filter(
              link -> {
                try {
                  return Files.readSymbolicLink(link).getFileName().toString().equals(name);
                } catch (IOException | RuntimeException e) {
                  return false;
                }
              })
          .count();
    }
  }

  @Test
  void readersRunConcurrentlyWithArchiveAndSwap() throws Exception {
    List<ArchiveEntry> base = objects(200, 1);
    try (VolumeArchive lower = VolumeArchive.builder(root).volumes(0).openFiles(2).open()) {
      lower.addVolume();
      long end = archiveAndSwap(lower, 1, 0, base).endOffset();
      AtomicBoolean done = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<Integer>> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        readers.add(
            pool.submit(
                () -> {
                  int reads = 0;
                  Random random = new Random();
                  while (!done.get() || reads < 1000) {
                    ArchiveEntry entry = base.get(random.nextInt(base.size()));
                    assertThat(lower.read(entry.hash())).hasValue(entry.data());
                    reads++;
                  }
                  return reads;
                }));
      }
      for (int generation = 2; generation < 12; generation++) {
        if (generation % 3 == 0) {
          lower.addVolume();
        }
        end = archiveAndSwap(lower, generation, end, objects(50, generation)).endOffset();
      }
      done.set(true);
      for (Future<Integer> reader : readers) {
        assertThat(reader.get(2, TimeUnit.MINUTES)).isPositive();
      }
      pool.shutdown();
      for (int generation = 2; generation < 12; generation++) {
        objects(50, generation).forEach(e -> assertThat(lower.read(e.hash())).hasValue(e.data()));
      }
    }
  }

  @Test
  void aReaderReloadingWhileAnotherInstanceSwapsAlwaysSeesACommittedState() throws Exception {
    try (VolumeArchive writer = VolumeArchive.open(root, 0, false)) {
      writer.addVolume();
      long end = archiveAndSwap(writer, 1, 0, objects(20, 1)).endOffset();
      VolumeArchive reader = VolumeArchive.open(root, 1, true);
      AtomicBoolean done = new AtomicBoolean();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<Integer> reloads =
          pool.submit(
              () -> {
                int n = 0;
                while (!done.get()) {
                  reader.reload(reader.volumeNum());
                  long objects = reader.volumes().get(0).objectCount();
                  assertThat(objects % 20).isZero();
                  n++;
                }
                return n;
              });
      for (int generation = 2; generation < 30; generation++) {
        end = archiveAndSwap(writer, generation, end, objects(20, generation)).endOffset();
      }
      done.set(true);
      assertThat(reloads.get(2, TimeUnit.MINUTES)).isPositive();
      pool.shutdown();
      reader.reload(1);
      assertThat(reader.volumes().get(0).objectCount()).isEqualTo(29 * 20);
      for (int generation = 1; generation < 30; generation++) {
        objects(20, generation).forEach(e -> assertThat(reader.read(e.hash())).hasValue(e.data()));
      }
      reader.close();
    }
  }

  @Test
  void reloadKeepsVolumesWhoseControlDidNotChange() {
    try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
      lower.addVolume();
      long end = archiveAndSwap(lower, 1, 0, objects(5, 1)).endOffset();
      lower.addVolume();
      archiveAndSwap(lower, 2, end, objects(5, 2));
      var before = lower.volumes();
      archiveAndSwap(lower, 3, lower.endOffset(), objects(5, 3));
      var after = lower.volumes();
      assertThat(after.get(0)).isSameAs(before.get(0));
      assertThat(after.get(1)).isNotSameAs(before.get(1));
      assertThat(after.get(1).objectCount()).isEqualTo(10);
    }
  }
}
