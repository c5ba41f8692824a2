package dev.cairn.gc;

import dev.cairn.decorators.Decorators;
import dev.cairn.decorators.LayeredStore;
import dev.cairn.disk.DiskBackend;
import dev.cairn.disk.DiskOptions;
import dev.cairn.lower.VolumeArchive;
import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.HashAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Stacks under test: {@code layered(upper=disk:root/upper, lower=lower:root/lower)} and kin. */
final class Stacks {
  private Stacks() {}

  /**
   * Segments of the uppers: small, so that small tests span several, unless the system property
   * {@code gc.segmentSize} says otherwise (the measurement uses the default of the disk store).
   */
  private static final long SEGMENT_SIZE = Long.getLong("gc.segmentSize", 64 * 1024);

  static DiskBackend disk(Path directory, HashAlgorithm algorithm) {
    return DiskBackend.open(
        directory,
        DiskOptions.builder()
            .fsync(DiskOptions.Fsync.BATCH)
            .segmentSize(SEGMENT_SIZE)
            .hashAlgorithm(algorithm)
            .build());
  }

  /** The archive-mode stack over {@code root/upper} and {@code root/lower}. */
  static LayeredStore archived(Path root, HashAlgorithm algorithm) {
    DiskBackend upper = disk(root.resolve("upper"), algorithm);
    VolumeArchive lower =
        VolumeArchive.builder(root.resolve("lower")).hashAlgorithm(algorithm).open();
    return Decorators.layered(upper, lower);
  }

  /** The rolling-mode stack over {@code root/upper} and a memory lower. */
  static LayeredStore rolling(Path root, HashAlgorithm algorithm) {
    return Decorators.layered(
        disk(root.resolve("upper"), algorithm), MemoryBackend.create(algorithm));
  }

  static GarbageCollection gc(Backend store) {
    return store
        .feature(GarbageCollection.class)
        .orElseThrow(() -> new AssertionError(store + " offers no GarbageCollection"));
  }

  /** Bytes of the files under {@code directory}. */
  static long bytesOnDisk(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
