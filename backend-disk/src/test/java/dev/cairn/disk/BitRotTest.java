package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single-bit flips in every kind of file (data, index table, Bloom filter, manifest, ref journal):
 * each is detected (an open or a read fails with {@link CorruptionException}, or the store reports
 * it in {@code problems()}), no wrong byte is ever served, and a damaged Bloom filter never hides a
 * present object.
 */
class BitRotTest {
  @TempDir Path root;
  private final Map<Hash, byte[]> objects = new LinkedHashMap<>();
  private final Map<String, Hash> refs = new LinkedHashMap<>();
  private int flips;

  private static DiskOptions options() {
    return DiskOptions.builder().segmentSize(4096).build();
  }

  /** Builds a store; {@code checkpointed} closes it cleanly, else copies it as a crash would. */
  private Path build(boolean checkpointed) {
    Random random = new Random(13);
    Path live = root.resolve("live");
    Path pristine = root.resolve("pristine");
    DiskBackend store = DiskBackend.open(live, options());
    for (int i = 0; i < 90; i++) {
      byte[] data = DiskBackendTest.bytes(random, 120);
      objects.put(store.put(data), data);
      if (i % 15 == 0) {
        String name = "refs/heads/b" + (i % 4);
        store.setRef(name, store.put(data));
        refs.put(name, HashAlgorithm.SHA256.hash(data));
      }
    }
    if (checkpointed) {
      store.close();
      StoreFiles.copy(live, pristine);
    } else {
      StoreFiles.copy(live, pristine);
      store.close();
    }
    return pristine;
  }

  /** Opens a damaged copy and reads everything; returns whether the damage was detected. */
  private boolean readEverything(Path dir, boolean bloomOnly) {
    boolean detected = false;
    List<Hash> missing = new ArrayList<>();
    try (DiskBackend store = DiskBackend.open(dir, options())) {
      for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
        try {
          Optional<byte[]> read = store.read(e.getKey());
          if (read.isPresent()) {
            assertThat(read.get()).as("bytes served for %s", e.getKey()).isEqualTo(e.getValue());
          } else {
            missing.add(e.getKey());
          }
          if (!store.exists(e.getKey())) {
            missing.add(e.getKey());
          }
        } catch (CorruptionException expected) {
          detected = true;
        }
      }
      try {
        for (Map.Entry<String, Hash> ref : refs.entrySet()) {
          assertThat(store.getRef(ref.getKey())).hasValue(ref.getValue());
        }
        assertThat(store.listRefs()).containsExactlyInAnyOrderElementsOf(refs.keySet());
      } catch (CorruptionException expected) {
        detected = true;
      }
      detected |= !store.problems().isEmpty();
    } catch (CorruptionException expected) {
      detected = true;
    }
    if (!missing.isEmpty() && !detected) {
      fail("objects vanished without a report: " + missing);
    }
    if (bloomOnly) {
      assertThat(missing).as("objects hidden by a damaged Bloom filter").isEmpty();
    }
    return detected;
  }

  private void flipAndCheck(Path pristine, Path file, long bit, boolean bloomOnly) {
    Path work = root.resolve("work");
    StoreFiles.copy(pristine, work);
    try {
      StoreFiles.flipBit(work.resolve(file.getFileName()), bit);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    flips++;
    assertThat(readEverything(work, bloomOnly))
        .as("flip of bit %d in %s detected", bit, file.getFileName())
        .isTrue();
  }

  private void flipSample(Path pristine, Path file, int samples, Random random) throws IOException {
    long bits = Files.size(file) * 8;
    if (bits <= samples) {
      for (long bit = 0; bit < bits; bit++) {
        flipAndCheck(pristine, file, bit, false);
      }
    } else {
      for (int i = 0; i < samples; i++) {
        flipAndCheck(pristine, file, (long) (random.nextDouble() * bits), false);
      }
    }
  }

  private void flipEveryKind(boolean checkpointed) throws IOException {
    Path pristine = build(checkpointed);
    Random random = new Random(17);
    for (Path file : StoreFiles.list(pristine)) {
      String name = file.getFileName().toString();
      if (name.endsWith(".data")) {
        flipSample(pristine, file, Budget.scale(15, 400), random);
      } else if (name.endsWith(".idx")) {
        SegmentIndex index = SegmentIndex.open(file, HashAlgorithm.SHA256);
        long tableBits = (SegmentIndex.HEADER + 256 * 4 + index.count * 40L) * 8;
        long bloomBits = Files.size(file) * 8 - 64 - tableBits;
        for (int i = 0; i < Budget.scale(6, 200); i++) {
          flipAndCheck(pristine, file, (long) (random.nextDouble() * tableBits), false);
          flipAndCheck(pristine, file, tableBits + (long) (random.nextDouble() * bloomBits), true);
        }
      } else if (name.equals(Manifest.FILE) || name.equals(RefJournal.FILE)) {
        flipSample(pristine, file, Budget.scale(120, 100_000), random);
      }
    }
  }

  @Test
  void flipsInACleanlyClosedStoreAreDetected() throws IOException {
    flipEveryKind(true);
    System.out.println(
        "bit rot (checkpointed store): " + flips + " flips, all detected, 0 wrong bytes");
  }

  @Test
  void flipsInACrashedStoreAreDetected() throws IOException {
    flipEveryKind(false);
    System.out.println("bit rot (crashed store): " + flips + " flips, all detected, 0 wrong bytes");
  }
}
