package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import java.nio.ByteBuffer;

/**
 * The index of one pack: for each object, the first {@link #prefixLength()} bytes of its hash
 * (sorted, behind a 256-entry fan-out table on the first byte, as Git's pack index) and the
 * location of its record (offset and length in the pack). The prefix is at least 8 bytes and long
 * enough that no two objects of the pack share it; the whole hash is checked against the record's
 * payload on every read ({@link PackReader}), so the index need not repeat it.
 *
 * <p>Lookups are a fan-out read and a binary search on the index's bytes, which may be a mapped
 * file: nothing per object is on the heap. {@link #decode} checks the header, the fan-out table and
 * the trailing CRC32C of the whole index before anything is served.
 *
 * <p>Immutable (the buffer must not change) and thread-safe.
 */
public final class PackIndex {
  private final ByteBuffer bytes;
  private final String name;
  private final int digestLength;
  private final int prefixLength;
  private final int offsetWidth;
  private final int count;
  private final long packLength;
  private final int packChecksum;
  private final int dictionaryLength;
  private final int prefixes;
  private final int offsets;
  private final int lengths;

  private PackIndex(ByteBuffer bytes, String name) {
    this.bytes = bytes;
    this.name = name;
    int size = bytes.limit();
    if (size < PackFormat.INDEX_HEADER + PackFormat.FAN_OUT + 4) {
      throw new CorruptionException(
          name, 0, "pack index of " + size + " bytes is shorter than its header and fan-out table");
    }
    if (bytes.getInt(0) != PackFormat.INDEX_MAGIC) {
      throw new CorruptionException(
          name, 0, String.format("not a pack index (magic %08x)", bytes.getInt(0)));
    }
    int headerCrc = PackFormat.crc(bytes.duplicate().position(0).limit(28));
    if (headerCrc != bytes.getInt(28)) {
      throw new CorruptionException(name, 28, "pack index header checksum mismatch");
    }
    int version = Byte.toUnsignedInt(bytes.get(4));
    if (version != PackFormat.VERSION) {
      throw new CorruptionException(
          name,
          4,
          "pack index format version "
              + version
              + "; this version of Cairn reads version "
              + PackFormat.VERSION);
    }
    digestLength = Byte.toUnsignedInt(bytes.get(5));
    prefixLength = Byte.toUnsignedInt(bytes.get(6));
    offsetWidth = Byte.toUnsignedInt(bytes.get(7));
    count = bytes.getInt(8);
    packLength = bytes.getLong(12);
    packChecksum = bytes.getInt(20);
    dictionaryLength = bytes.getInt(24);
    if (prefixLength < 1
        || prefixLength > digestLength
        || (offsetWidth != 4 && offsetWidth != 8)
        || count < 0
        || dictionaryLength < 0
        || packLength < PackFormat.PACK_HEADER) {
      throw new CorruptionException(
          name,
          5,
          String.format(
              "pack index header is inconsistent: digest %d, prefix %d, offset width %d, count %d,"
                  + " dictionary %d, pack length %d",
              digestLength, prefixLength, offsetWidth, count, dictionaryLength, packLength));
    }
    long expected =
        PackFormat.INDEX_HEADER
            + PackFormat.FAN_OUT
            + (long) count * (prefixLength + offsetWidth + 4)
            + 4;
    if (expected != size) {
      throw new CorruptionException(
          name,
          8,
          String.format(
              "pack index of %d objects should be %d bytes, is %d", count, expected, size));
    }
    int stored = bytes.getInt(size - 4);
    if (PackFormat.crc(bytes.duplicate().position(0).limit(size - 4)) != stored) {
      throw new CorruptionException(name, size - 4, "pack index checksum mismatch");
    }
    int previous = 0;
    for (int i = 0; i < 256; i++) {
      int value = bytes.getInt(PackFormat.INDEX_HEADER + 4 * i);
      if (value < previous || value > count) {
        throw new CorruptionException(
            name,
            PackFormat.INDEX_HEADER + 4L * i,
            "pack index fan-out table is not monotonic up to the count");
      }
      previous = value;
    }
    if (previous != count) {
      throw new CorruptionException(
          name,
          PackFormat.INDEX_HEADER + 255L * 4,
          "pack index fan-out ends at " + previous + ", the index counts " + count);
    }
    prefixes = PackFormat.INDEX_HEADER + PackFormat.FAN_OUT;
    offsets = prefixes + count * prefixLength;
    lengths = offsets + count * offsetWidth;
  }

  /**
   * The index in {@code bytes} (its position to its limit), checked whole.
   *
   * @param name the file (or object) the bytes come from, for errors
   * @throws CorruptionException if the bytes are not a whole, intact pack index of this format
   *     version
   */
  public static PackIndex decode(ByteBuffer bytes, String name) {
    requireNonNull(bytes, "bytes");
    requireNonNull(name, "name");
    return new PackIndex(bytes.slice(), name);
  }

  /** The number of objects. */
  public int size() {
    return count;
  }

  /** The digest length of the hashes indexed. */
  public int digestLength() {
    return digestLength;
  }

  /** The hash bytes kept per object. */
  public int prefixLength() {
    return prefixLength;
  }

  /** The length in bytes of the pack this index belongs to. */
  public long packLength() {
    return packLength;
  }

  /** The CRC32C of the pack before its trailer, as the pack's trailer states it. */
  public int packChecksum() {
    return packChecksum;
  }

  /** The length of the pack's zstd dictionary (0 if it has none). */
  public int dictionaryLength() {
    return dictionaryLength;
  }

  /**
   * The length of the pack's head, the bytes before its first record: the header and, if the pack
   * has a dictionary, the dictionary and its CRC. {@link PackReader#open} reads exactly these, in
   * one read; a store that pays a round trip per read can keep them (they never change) and serve
   * that read itself.
   */
  public long headLength() {
    return PackFormat.recordsStart(dictionaryLength);
  }

  /** The name given to {@link #decode}. */
  public String name() {
    return name;
  }

  /**
   * The position of the one entry whose prefix is that of {@code hash}, or -1 if none: a candidate,
   * which is {@code hash} only if its record's payload hashes to it.
   *
   * @throws IllegalArgumentException if the hash is not of this index's digest length
   */
  public int find(Hash hash) {
    requireNonNull(hash, "hash");
    if (hash.length() != digestLength) {
      throw new IllegalArgumentException(
          String.format(
              "hash %s has %d bytes, index %s holds hashes of %d",
              hash, hash.length(), name, digestLength));
    }
    int first = Byte.toUnsignedInt(hash.byteAt(0));
    int low = first == 0 ? 0 : bytes.getInt(PackFormat.INDEX_HEADER + 4 * (first - 1));
    int high = bytes.getInt(PackFormat.INDEX_HEADER + 4 * first) - 1;
    long key = prefixLength >= 8 ? leading(hash) : 0;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = compare(mid, hash, key);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** The first eight bytes of {@code hash}, big-endian (the prefix is at least that long). */
  private static long leading(Hash hash) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (hash.byteAt(i) & 0xffL);
    }
    return value;
  }

  /** Entry {@code i}'s prefix against {@code hash}'s, unsigned. */
  private int compare(int i, Hash hash, long key) {
    int at = prefixes + i * prefixLength;
    if (prefixLength >= 8) {
      int c = Long.compareUnsigned(bytes.getLong(at), key);
      if (c != 0) {
        return c;
      }
      for (int j = 8; j < prefixLength; j++) {
        int d = Byte.toUnsignedInt(bytes.get(at + j)) - Byte.toUnsignedInt(hash.byteAt(j));
        if (d != 0) {
          return d;
        }
      }
      return 0;
    }
    for (int j = 0; j < prefixLength; j++) {
      int d = Byte.toUnsignedInt(bytes.get(at + j)) - Byte.toUnsignedInt(hash.byteAt(j));
      if (d != 0) {
        return d;
      }
    }
    return 0;
  }

  /** The hash prefix of entry {@code i}. */
  public byte[] prefix(int i) {
    checkEntry(i);
    byte[] out = new byte[prefixLength];
    bytes.get(prefixes + i * prefixLength, out);
    return out;
  }

  /** The offset in the pack of entry {@code i}'s record. */
  public long offset(int i) {
    checkEntry(i);
    return offsetWidth == 4
        ? Integer.toUnsignedLong(bytes.getInt(offsets + 4 * i))
        : bytes.getLong(offsets + 8 * i);
  }

  /** The length of entry {@code i}'s record. */
  public int length(int i) {
    checkEntry(i);
    return bytes.getInt(lengths + 4 * i);
  }

  private void checkEntry(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("entry " + i + " of an index of " + count);
    }
  }
}
