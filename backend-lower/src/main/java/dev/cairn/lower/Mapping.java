package dev.cairn.lower;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A volume's mapping from global offsets to positions in its data file: one entry per archived run
 * (not per object), so it stays small and is held in memory. File format: entries of three
 * big-endian u64s (global offset, data position, length), in increasing global offset, checked by
 * the CRC32C the control file keeps. Immutable.
 */
final class Mapping {
  static final int ENTRY_SIZE = 24;
  static final Mapping EMPTY = new Mapping(new long[0], new long[0], new long[0]);

  private final long[] offsets;
  private final long[] positions;
  private final long[] lengths;

  private Mapping(long[] offsets, long[] positions, long[] lengths) {
    this.offsets = offsets;
    this.positions = positions;
    this.lengths = lengths;
  }

  /** Reads the first {@code end} bytes of {@code file} and checks them against {@code crc}. */
  static Mapping read(Path file, long end, int crc) {
    if (end < 0 || end > Integer.MAX_VALUE || end % ENTRY_SIZE != 0) {
      throw new CorruptionException(file.toString(), 0, "mapping end " + end + " is implausible");
    }
    ByteBuffer bytes;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      // The end comes from the control file: check it against the file before allocating.
      long size = channel.size();
      if (size < end) {
        throw new CorruptionException(
            file.toString(),
            size,
            String.format("mapping is %d bytes, its control file commits %d", size, end));
      }
      bytes = ByteBuffer.allocate((int) end);
      DurableFiles.readExactly(channel, bytes, 0, file.toString());
    } catch (IOException e) {
      throw new StoreIOException("reading mapping " + file, e);
    }
    bytes.flip();
    CRC32C check = new CRC32C();
    check.update(bytes.duplicate());
    if ((int) check.getValue() != crc) {
      throw new CorruptionException(
          file.toString(),
          0,
          String.format("mapping checksum mismatch over its %d committed bytes", end));
    }
    int n = (int) (end / ENTRY_SIZE);
    long[] offsets = new long[n];
    long[] positions = new long[n];
    long[] lengths = new long[n];
    for (int i = 0; i < n; i++) {
      offsets[i] = bytes.getLong();
      positions[i] = bytes.getLong();
      lengths[i] = bytes.getLong();
      // Every sum below must fit in a long: an overflowing entry would hide from the checks.
      if (lengths[i] <= 0
          || positions[i] < 0
          || offsets[i] < 0
          || lengths[i] > Long.MAX_VALUE - positions[i]
          || lengths[i] > Long.MAX_VALUE - offsets[i]
          || i > 0 && offsets[i] < offsets[i - 1] + lengths[i - 1]) {
        throw new CorruptionException(
            file.toString(), (long) i * ENTRY_SIZE, "mapping entries out of order or malformed");
      }
    }
    return new Mapping(offsets, positions, lengths);
  }

  /** Encodes one entry. */
  static ByteBuffer entry(long offset, long position, long length) {
    return ByteBuffer.allocate(ENTRY_SIZE).putLong(offset).putLong(position).putLong(length).flip();
  }

  /** The index of the entry holding {@code offset}, or -1. */
  int find(long offset) {
    int lo = 0;
    int hi = offsets.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (offsets[mid] <= offset) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return hi >= 0 && offset < offsets[hi] + lengths[hi] ? hi : -1;
  }

  long offset(int entry) {
    return offsets[entry];
  }

  long position(int entry) {
    return positions[entry];
  }

  long length(int entry) {
    return lengths[entry];
  }

  int size() {
    return offsets.length;
  }

  /** The largest data position any entry reaches. */
  long dataExtent() {
    long max = 0;
    for (int i = 0; i < offsets.length; i++) {
      max = Math.max(max, positions[i] + lengths[i]);
    }
    return max;
  }
}
