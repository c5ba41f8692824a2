package dev.cairn.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** File helpers for crash tests: snapshots of a store directory, truncation, bit flips. */
final class StoreFiles {
  private StoreFiles() {}

  /** Copies the store's files (not its lock) from {@code source} into a fresh {@code target}. */
  static void copy(Path source, Path target) {
    try {
      if (Files.exists(target)) {
        delete(target);
      }
      Files.createDirectories(target);
      for (Path file : list(source)) {
        if (!file.getFileName().toString().equals(DiskBackend.LOCK_FILE)) {
          Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p :
          files
              .sorted((a, b) -> b.getNameCount() - a.getNameCount())
              .collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }

  static List<Path> list(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.sorted().collect(Collectors.toList());
    }
  }

  /** The active segment's data file: the newest one. */
  static Path activeSegment(Path directory) throws IOException {
    return list(directory).stream()
        .filter(p -> p.toString().endsWith(".data"))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  static void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  static void append(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes, StandardOpenOption.APPEND);
  }

  static void flipBit(Path file, long bit) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) (bit / 8)] ^= (byte) (1 << (bit % 8));
    Files.write(file, bytes);
  }
}
