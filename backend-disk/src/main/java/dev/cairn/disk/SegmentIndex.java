package dev.cairn.disk;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.Bloom;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The memory-mapped index of a segment, in the manner of a Git pack index: hashes sorted, a
 * 256-entry fan-out table on their first byte, 32-bit offsets and lengths, a Bloom filter sized to
 * the segment, and checksums. Nothing per entry lives on the heap; only the Bloom filter (about 1.2
 * bytes an entry) is read into memory. Immutable and thread-safe.
 *
 * <pre>
 *   header    "CAIRNIX1", u32 version (1), u32 digest length, u64 segment id,
 *             u64 data length covered, u32 entry count, u32 Bloom filter length
 *   fan-out   256 x u32: entries whose first hash byte is at most b
 *   hashes    count x digest length, ascending unsigned
 *   offsets   count x u32: where each record starts in the data file
 *   lengths   count x u32: payload lengths
 *   bloom     {@link Bloom} of the hashes' first 16 bytes (Guava's form), 1% false positives
 *   trailer   u32 CRC32C of header to lengths, u32 CRC32C of the Bloom filter
 * </pre>
 *
 * An index also serves as the checkpoint of the active segment: it covers the records in the first
 * "data length" bytes, and recovery scans only what follows.
 */
final class SegmentIndex {
  static final int HEADER = 40;
  private static final byte[] MAGIC = "CAIRNIX1".getBytes(StandardCharsets.US_ASCII);
  private static final double FALSE_POSITIVES = 0.01;

  final Path file;
  final long segmentId;
  final long dataLength;
  final int count;
  private final int digestLength;
  private final HashAlgorithm algorithm;
  private final ByteBuffer map;
  private final int hashesAt;
  private final int offsetsAt;
  private final int lengthsAt;

  /** Null when the filter failed its checksum: every lookup then searches the table. */
  private final @Nullable Bloom bloom;

  /** Why {@link #bloom} is null, or null. */
  final @Nullable CorruptionException bloomProblem;

  private volatile boolean verified;

  private SegmentIndex(
      Path file,
      long segmentId,
      long dataLength,
      int count,
      HashAlgorithm algorithm,
      ByteBuffer map,
      @Nullable Bloom bloom,
      @Nullable CorruptionException bloomProblem) {
    this.file = file;
    this.segmentId = segmentId;
    this.dataLength = dataLength;
    this.count = count;
    this.algorithm = algorithm;
    this.digestLength = algorithm.digestLength();
    this.map = map;
    this.hashesAt = HEADER + 256 * 4;
    this.offsetsAt = hashesAt + count * digestLength;
    this.lengthsAt = offsetsAt + count * 4;
    this.bloom = bloom;
    this.bloomProblem = bloomProblem;
  }

  /** Entries to index, gathered by the caller in any order. */
  static final class Builder {
    private final int digestLength;
    private byte[] hashes = new byte[0];
    private int[] offsets = new int[0];
    private int[] lengths = new int[0];
    private int size;

    Builder(int digestLength) {
      this.digestLength = digestLength;
    }

    void add(Hash hash, long offset, int length) {
      if (size == offsets.length) {
        int capacity = Math.max(16, size * 2);
        hashes = Arrays.copyOf(hashes, capacity * digestLength);
        offsets = Arrays.copyOf(offsets, capacity);
        lengths = Arrays.copyOf(lengths, capacity);
      }
      hash.copyTo(hashes, size * digestLength);
      offsets[size] = (int) offset;
      lengths[size] = length;
      size++;
    }

    int size() {
      return size;
    }
  }

  /**
   * Writes the index of {@code entries} to {@code file} durably: to a temporary file, synced,
   * renamed into place. The caller syncs the directory.
   */
  static void write(
      Path file, HashAlgorithm algorithm, long segmentId, long dataLength, Builder entries)
      throws IOException {
    int h = algorithm.digestLength();
    byte[] all = entries.hashes;
    int[] order = sortedOrder(all, h, entries.size);
    // Duplicates (a hash written twice) keep one entry: the first in sorted order.
    int[] kept = new int[order.length];
    int n = 0;
    for (int i = 0; i < order.length; i++) {
      int e = order[i];
      if (n > 0) {
        int p = kept[n - 1];
        if (Arrays.equals(all, p * h, p * h + h, all, e * h, e * h + h)) {
          continue;
        }
      }
      kept[n++] = e;
    }
    Bloom bloom = Bloom.create(n, FALSE_POSITIVES);
    int[] fanout = new int[256];
    for (int i = 0; i < n; i++) {
      Hash hash = Hash.of(algorithm, all, kept[i] * h, h);
      bloom.put(hash);
      fanout[Byte.toUnsignedInt(all[kept[i] * h])]++;
    }
    byte[] bloomArray = bloom.encode();
    int tableLength = HEADER + 256 * 4 + n * (h + 8);
    ByteBuffer out = ByteBuffer.allocate(tableLength + bloomArray.length + 8);
    out.put(MAGIC)
        .putInt(1)
        .putInt(h)
        .putLong(segmentId)
        .putLong(dataLength)
        .putInt(n)
        .putInt(bloomArray.length);
    int cumulative = 0;
    for (int b = 0; b < 256; b++) {
      cumulative += fanout[b];
      out.putInt(cumulative);
    }
    for (int i = 0; i < n; i++) {
      out.put(all, kept[i] * h, h);
    }
    for (int i = 0; i < n; i++) {
      out.putInt(entries.offsets[kept[i]]);
    }
    for (int i = 0; i < n; i++) {
      out.putInt(entries.lengths[kept[i]]);
    }
    out.put(bloomArray);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, tableLength);
    out.putInt((int) crc.getValue());
    crc.reset();
    crc.update(bloomArray);
    out.putInt((int) crc.getValue());
    out.flip();
    DurableFiles.replace(file, out);
  }

  /** Buckets at most this large are sorted by insertion; larger ones by a merge sort. */
  private static final int INSERTION_SORT_BUCKET = 16;

  /**
   * The entries' numbers in ascending unsigned order of their hashes, equal hashes in the order
   * they were added (the sort is stable). A counting sort on the first two bytes does most of the
   * work, since digests are uniform; each bucket is then sorted on the whole hash. This is on the
   * path of every seal, under the append lock.
   */
  static int[] sortedOrder(byte[] hashes, int h, int size) {
    int keyBytes = Math.min(2, h);
    int buckets = 1 << (8 * keyBytes);
    int[] starts = new int[buckets + 1];
    for (int i = 0; i < size; i++) {
      starts[bucketOf(hashes, i * h, keyBytes) + 1]++;
    }
    for (int b = 0; b < buckets; b++) {
      starts[b + 1] += starts[b];
    }
    int[] order = new int[size];
    int[] next = Arrays.copyOf(starts, buckets);
    for (int i = 0; i < size; i++) {
      order[next[bucketOf(hashes, i * h, keyBytes)]++] = i;
    }
    for (int b = 0; b < buckets; b++) {
      int from = starts[b];
      int to = starts[b + 1];
      if (to - from <= INSERTION_SORT_BUCKET) {
        for (int i = from + 1; i < to; i++) {
          int e = order[i];
          int j = i - 1;
          while (j >= from && compareEntries(hashes, h, order[j], e) > 0) {
            order[j + 1] = order[j];
            j--;
          }
          order[j + 1] = e;
        }
      } else {
        // Only where many hashes share two bytes: rare, unless someone chose them to.
        Integer[] bucket = new Integer[to - from];
        for (int i = 0; i < bucket.length; i++) {
          bucket[i] = order[from + i];
        }
        Arrays.sort(bucket, (x, y) -> compareEntries(hashes, h, x, y));
        for (int i = 0; i < bucket.length; i++) {
          order[from + i] = bucket[i];
        }
      }
    }
    return order;
  }

  private static int bucketOf(byte[] hashes, int at, int keyBytes) {
    return keyBytes == 2
        ? (Byte.toUnsignedInt(hashes[at]) << 8) | Byte.toUnsignedInt(hashes[at + 1])
        : Byte.toUnsignedInt(hashes[at]);
  }

  private static int compareEntries(byte[] hashes, int h, int a, int b) {
    return Arrays.compareUnsigned(hashes, a * h, a * h + h, hashes, b * h, b * h + h);
  }

  /**
   * Maps and checks the index in {@code file}.
   *
   * @throws CorruptionException if the table fails its checks (a damaged Bloom filter is not an
   *     error: the index then works without it and says so in {@link #bloomProblem})
   */
  static SegmentIndex open(Path file, HashAlgorithm algorithm) throws IOException {
    String name = file.toString();
    ByteBuffer map;
    try (FileChannel channel = DurableFiles.open(file, StandardOpenOption.READ)) {
      long size = DurableFiles.size(channel);
      if (size < HEADER + 256 * 4 + 8 || size > Integer.MAX_VALUE) {
        throw new CorruptionException(name, 0, "index size " + size + " is impossible");
      }
      map = DurableFiles.map(channel, 0, size);
    }
    int size = map.capacity();
    byte[] magic = new byte[8];
    map.get(0, magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CorruptionException(name, 0, "not a Cairn segment index (bad magic)");
    }
    int h = algorithm.digestLength();
    int count = map.getInt(32);
    int bloomLength = map.getInt(36);
    long tableLength = HEADER + 256L * 4 + (long) count * (h + 8);
    if (map.getInt(8) != 1
        || map.getInt(12) != h
        || count < 0
        || bloomLength < 0
        || tableLength + bloomLength + 8 != size) {
      throw new CorruptionException(name, 8, "index header is inconsistent");
    }
    if (map.getLong(24) < 0) {
      throw new CorruptionException(name, 24, "negative data length " + map.getLong(24));
    }
    // Lookups index the table by the fan-out: it must never decrease and must end at count.
    int previous = 0;
    for (int b = 0; b < 256; b++) {
      int bound = map.getInt(HEADER + b * 4);
      if (bound < previous || bound > count) {
        throw new CorruptionException(
            name,
            HEADER + b * 4L,
            String.format("fan-out entry %d is %d, outside [%d, %d]", b, bound, previous, count));
      }
      previous = bound;
    }
    if (previous != count) {
      throw new CorruptionException(name, HEADER + 255 * 4, "fan-out table does not end at count");
    }
    Bloom bloom = null;
    CorruptionException bloomProblem = null;
    int bloomAt = (int) tableLength;
    CRC32C crc = new CRC32C();
    crc.update(map.duplicate().position(bloomAt).limit(bloomAt + bloomLength));
    if ((int) crc.getValue() != map.getInt(size - 4)) {
      bloomProblem = new CorruptionException(name, bloomAt, "Bloom filter checksum mismatch");
    } else {
      byte[] bytes = new byte[bloomLength];
      map.get(bloomAt, bytes);
      try {
        bloom = Bloom.decode(bytes, name, bloomAt);
      } catch (CorruptionException e) {
        bloomProblem = e;
      }
    }
    return new SegmentIndex(
        file, map.getLong(16), map.getLong(24), count, algorithm, map, bloom, bloomProblem);
  }

  /**
   * Maps and checks the index in {@code file}, including the checksum of its whole table.
   *
   * @throws CorruptionException if the index fails a check
   */
  static SegmentIndex openVerified(Path file, HashAlgorithm algorithm) throws IOException {
    SegmentIndex index = open(file, algorithm);
    index.verifyTable();
    return index;
  }

  /** Whether the table's checksum has been checked. */
  boolean isVerified() {
    return verified;
  }

  /**
   * Checks the checksum of the table (hashes, offsets, lengths). Opening checks only the header,
   * the fan-out and the Bloom filter, so that opening a store reads no table; the segment calls
   * this before its first lookup. Idempotent.
   *
   * @throws CorruptionException if the table is damaged
   */
  void verifyTable() {
    if (verified) {
      return;
    }
    int tableLength = lengthsAt + count * 4;
    CRC32C crc = new CRC32C();
    crc.update(map.duplicate().position(0).limit(tableLength));
    if ((int) crc.getValue() != map.getInt(map.capacity() - 8)) {
      throw new CorruptionException(file.toString(), map.capacity() - 8, "index checksum mismatch");
    }
    checkEntries();
    verified = true;
  }

  /**
   * Checks, for {@code cairn verify}, what opening the index did not: the table's checksum, the
   * order of its hashes, that each entry lies within the data it covers, and that the Bloom filter
   * holds each hash. (The records themselves are checked by walking the data file.) Reports each
   * damage to {@code damage}.
   *
   * @return the number of entries checked
   */
  long check(java.util.function.Consumer<? super CorruptionException> damage) {
    if (bloomProblem != null) {
      damage.accept(bloomProblem);
    }
    try {
      verifyTable();
    } catch (CorruptionException e) {
      damage.accept(e);
      return 0; // entries of a damaged table would only repeat the same damage
    }
    String name = file.toString();
    for (int i = 0; i < count; i++) {
      Hash hash = hashAt(i);
      if (i > 0 && hashAt(i - 1).compareTo(hash) >= 0) {
        damage.accept(
            new CorruptionException(
                name, hashesAt + (long) i * digestLength, "index entries out of order"));
      }
      if (!mightContain(hash)) {
        damage.accept(
            new CorruptionException(
                name, offsetsAt + (long) count * 8, "the Bloom filter does not hold " + hash));
      }
      long recordEnd = offsetAt(i) + Record.size(digestLength, lengthAt(i));
      if (lengthAt(i) < 0 || recordEnd > dataLength) {
        damage.accept(
            new CorruptionException(
                name,
                offsetsAt + (long) i * 4,
                String.format(
                    "entry %d of %s ends at %d, past the %d bytes of data it covers",
                    i, hash, recordEnd, dataLength)));
      }
    }
    return count;
  }

  /**
   * Checks what a checksum cannot: that the hashes ascend strictly, each in its fan-out bucket, and
   * that each record lies inside the data the index covers, so that no lookup strays and no read
   * allocates for a record that cannot be there.
   */
  private void checkEntries() {
    String name = file.toString();
    int bucket = 0;
    for (int i = 0; i < count; i++) {
      int first = Byte.toUnsignedInt(map.get(hashesAt + i * digestLength));
      while (map.getInt(HEADER + bucket * 4) <= i) {
        bucket++;
      }
      if (first != bucket) {
        throw new CorruptionException(
            name,
            hashesAt + (long) i * digestLength,
            String.format(
                "entry %d starts with byte %d but sits in fan-out bucket %d", i, first, bucket));
      }
      if (i > 0 && compareAdjacent(i) >= 0) {
        throw new CorruptionException(
            name,
            hashesAt + (long) i * digestLength,
            "index hashes are not in ascending order at entry " + i);
      }
      long offset = offsetAt(i);
      int length = lengthAt(i);
      if (length < 0
          || length > Record.MAX_PAYLOAD
          || offset + Record.size(digestLength, length) > dataLength) {
        throw new CorruptionException(
            name,
            offsetsAt + i * 4L,
            String.format(
                "entry %d places a %d-byte record at offset %d, outside the %d bytes covered",
                i, length, offset, dataLength));
      }
    }
  }

  /** Compares the hashes of entries {@code entry - 1} and {@code entry}, in place. */
  private int compareAdjacent(int entry) {
    int at = hashesAt + entry * digestLength;
    for (int i = 0; i < digestLength; i++) {
      int c = Byte.compareUnsigned(map.get(at - digestLength + i), map.get(at + i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** Whether the segment may hold {@code hash}; false means it certainly does not. */
  boolean mightContain(Hash hash) {
    return bloom == null || bloom.mightContain(hash);
  }

  /**
   * The location of {@code hash} as {@link Segment#location}, or -1 if it is not indexed; {@code
   * key} is the hash's {@link Bloom#key}.
   */
  long find(Hash hash, Bloom.Key key) {
    if (bloom != null && !bloom.mightContain(key)) {
      return -1;
    }
    int first = Byte.toUnsignedInt(hash.byteAt(0));
    int lo = first == 0 ? 0 : map.getInt(HEADER + (first - 1) * 4);
    int hi = map.getInt(HEADER + first * 4) - 1;
    long prefix = digestLength >= 8 ? bigEndianPrefix(hash) : 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareAt(mid, hash, prefix);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return Segment.location(
            Integer.toUnsignedLong(map.getInt(offsetsAt + mid * 4)),
            map.getInt(lengthsAt + mid * 4));
      }
    }
    return -1;
  }

  /** The first eight bytes of {@code hash} as a big-endian word, as the table's bytes read. */
  private static long bigEndianPrefix(Hash hash) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (hash.byteAt(i) & 0xffL);
    }
    return value;
  }

  /**
   * Compares entry {@code entry}'s hash with {@code hash}, unsigned; {@code prefix} is {@link
   * #bigEndianPrefix} of it, which decides almost every comparison in one read.
   */
  private int compareAt(int entry, Hash hash, long prefix) {
    int at = hashesAt + entry * digestLength;
    int from = 0;
    if (digestLength >= 8) {
      int c = Long.compareUnsigned(map.getLong(at), prefix);
      if (c != 0) {
        return c;
      }
      from = 8;
    }
    for (int i = from; i < digestLength; i++) {
      int c = Byte.compareUnsigned(map.get(at + i), hash.byteAt(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  Hash hashAt(int entry) {
    byte[] bytes = new byte[digestLength];
    map.get(hashesAt + entry * digestLength, bytes);
    return Hash.of(algorithm, bytes);
  }

  long offsetAt(int entry) {
    return Integer.toUnsignedLong(map.getInt(offsetsAt + entry * 4));
  }

  int lengthAt(int entry) {
    return map.getInt(lengthsAt + entry * 4);
  }

  /** Calls {@code visitor} with each entry's index number, in hash order. */
  void forEachEntry(Consumer<Integer> visitor) {
    for (int i = 0; i < count; i++) {
      visitor.accept(i);
    }
  }
}
