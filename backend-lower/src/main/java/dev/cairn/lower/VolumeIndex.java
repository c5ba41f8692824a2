package dev.cairn.lower;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.volume.VolumeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A volume's index from hash to location, memory-mapped, like a Git pack index: header ({@code
 * CAIRNIDX}, version u32, digest length u32), entries sorted by hash (hash, global offset u64,
 * record length u32), then a 256-entry cumulative fan-out table (u32), the entry count (u64) and a
 * CRC32C of everything before it. Checked in full when opened; the heap holds only the fan-out
 * table. Immutable and thread-safe.
 */
final class VolumeIndex {
  static final byte[] MAGIC = "CAIRNIDX".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int HEADER = 16;
  static final int TRAILER = 256 * 4 + 8 + 4;

  private final String file;
  private final ByteBuffer entries;
  private final int digestLength;
  private final int entrySize;
  private final int count;
  private final int[] fanout;

  private VolumeIndex(String file, ByteBuffer entries, int digestLength, int count, int[] fanout) {
    this.file = file;
    this.entries = entries;
    this.digestLength = digestLength;
    this.entrySize = entrySize(digestLength);
    this.count = count;
    this.fanout = fanout;
  }

  static int entrySize(int digestLength) {
    return digestLength + 12;
  }

  /**
   * Maps and checks {@code file}, which the control file says is {@code length} bytes with {@code
   * count} entries.
   */
  static VolumeIndex open(Path path, long length, long count, int digestLength) {
    String file = path.toString();
    MappedByteBuffer map;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size != length) {
        throw new CorruptionException(
            file,
            Math.min(size, length),
            String.format("index is %d bytes, its control file says %d", size, length));
      }
      if (length > Integer.MAX_VALUE || length < HEADER + TRAILER) {
        throw new CorruptionException(file, 0, "implausible index length " + length);
      }
      map = channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
    } catch (IOException e) {
      throw new StoreIOException("mapping index " + path, e);
    }
    int size = (int) length;
    CRC32C crc = new CRC32C();
    crc.update(map.duplicate().position(0).limit(size - 4));
    if ((int) crc.getValue() != map.getInt(size - 4)) {
      throw new CorruptionException(file, size - 4, "index checksum mismatch");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (map.get(i) != MAGIC[i]) {
        throw new CorruptionException(file, i, "not a volume index (bad magic)");
      }
    }
    int version = map.getInt(8);
    if (version != VERSION) {
      throw VolumeException.unsupportedVolumeFormat(file, version, VERSION);
    }
    if (map.getInt(12) != digestLength) {
      throw new CorruptionException(
          file,
          12,
          String.format(
              "index holds %d-byte hashes, the volume's algorithm has %d",
              map.getInt(12), digestLength));
    }
    long stored = map.getLong(size - 12);
    long expectedSize = HEADER + stored * entrySize(digestLength) + TRAILER;
    if (stored != count || expectedSize != length) {
      throw new CorruptionException(
          file,
          size - 12,
          String.format("index holds %d entries, its control file says %d", stored, count));
    }
    int[] fanout = new int[256];
    int previous = 0;
    for (int i = 0; i < 256; i++) {
      fanout[i] = map.getInt(size - TRAILER + 4 * i);
      if (fanout[i] < previous) {
        throw new CorruptionException(file, size - TRAILER + 4L * i, "fan-out table decreases");
      }
      previous = fanout[i];
    }
    if (previous != count) {
      throw new CorruptionException(file, size - TRAILER + 4 * 255, "fan-out table total wrong");
    }
    ByteBuffer entries = map.duplicate().position(HEADER).limit(size - TRAILER).slice();
    return new VolumeIndex(file, entries, digestLength, (int) count, fanout);
  }

  /** The position of the entry for {@code hash}, or -1. */
  int find(byte[] hash) {
    int first = hash[0] & 0xff;
    int lo = first == 0 ? 0 : fanout[first - 1];
    int hi = fanout[first] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareAt(mid, hash);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  private int compareAt(int entry, byte[] hash) {
    int base = entry * entrySize;
    for (int i = 0; i < digestLength; i++) {
      int c = Integer.compare(entries.get(base + i) & 0xff, hash[i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  long offset(int entry) {
    return entries.getLong(entry * entrySize + digestLength);
  }

  int recordLength(int entry) {
    return entries.getInt(entry * entrySize + digestLength + 8);
  }

  /** Copies entry {@code entry} (hash, offset, length) into {@code target}. */
  void copyEntry(int entry, byte[] target) {
    entries.get(entry * entrySize, target, 0, entrySize);
  }

  /** The entry's position in the index file, for errors. */
  long filePosition(int entry) {
    return HEADER + (long) entry * entrySize;
  }

  int count() {
    return count;
  }

  String file() {
    return file;
  }
}
