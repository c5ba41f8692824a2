package dev.cairn.lower;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.storage.Compression;
import dev.cairn.storage.RecordCodec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test objects and file surgery. */
final class Fixtures {
  private Fixtures() {}

  /** {@code count} distinct objects of varied sizes, reproducible from {@code seed}. */
  static List<ArchiveEntry> objects(int count, long seed) {
    return objects(HashAlgorithm.SHA256, count, seed);
  }

  static List<ArchiveEntry> objects(HashAlgorithm algorithm, int count, long seed) {
    Random random = new Random(seed);
    List<ArchiveEntry> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] data = new byte[random.nextInt(200)];
      random.nextBytes(data);
      byte[] tagged = ("object " + seed + "/" + i + ":").getBytes(StandardCharsets.UTF_8);
      byte[] all = new byte[tagged.length + data.length];
      System.arraycopy(tagged, 0, all, 0, tagged.length);
      System.arraycopy(data, 0, all, tagged.length, data.length);
      out.add(new ArchiveEntry(algorithm.hash(all), all));
    }
    return out;
  }

  static ArchiveEntry object(String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    return new ArchiveEntry(HashAlgorithm.SHA256.hash(data), data);
  }

  /** The size of {@code entry}'s record as an archive writes it by default. */
  static long recordSize(ArchiveEntry entry) {
    return ArchiveRecord.encode(entry.data(), RecordCodec.create(Compression.ZSTD, null)).length;
  }

  static long totalSize(List<ArchiveEntry> entries) {
    return entries.stream().mapToLong(Fixtures::recordSize).sum();
  }

  /** Flips one bit of {@code file} at {@code position}. */
  static void flipBit(Path file, long position) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 0x10);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Hash missingHash() {
    return HashAlgorithm.SHA256.hash("never archived".getBytes(StandardCharsets.UTF_8));
  }
}
