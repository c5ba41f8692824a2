package dev.cairn.s3;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The pack format the store uses until the shared one is available: a pack is a magic header
 * followed by the objects' bytes back to back; its index is a header (magic, hash length,
 * count, pack length), the entries sorted by hash (hash, offset, length) and a CRC-32C of all
 * of it. An object read back is re-hashed, so a damaged record is never returned; the index is
 * checked once, when it is loaded.
 */
final class FlatPackFormat implements PackFormat {
  private static final byte[] PACK_MAGIC = "CAIRNPK1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] INDEX_MAGIC = "CAIRNIX1".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = INDEX_MAGIC.length + 4 + 4 + 8;

  private final HashAlgorithm algorithm;
  private final int hashLength;
  private final int entryLength;

  FlatPackFormat(HashAlgorithm algorithm) {
    this.algorithm = requireNonNull(algorithm, "algorithm");
    this.hashLength = algorithm.digestLength();
    this.entryLength = hashLength + 8 + 4;
  }

  @Override
  public Encoded encode(Map<Hash, byte[]> objects) {
    TreeMap<Hash, byte[]> sorted = new TreeMap<>(objects);
    long total = PACK_MAGIC.length;
    for (byte[] data : sorted.values()) {
      total += data.length;
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "a batch of " + total + " bytes does not fit one pack (at most 2 GiB)");
    }
    ByteArrayOutputStream pack = new ByteArrayOutputStream((int) total);
    pack.writeBytes(PACK_MAGIC);
    ByteBuffer index = ByteBuffer.allocate(HEADER + sorted.size() * entryLength + 4)
        .order(ByteOrder.BIG_ENDIAN);
    index.put(INDEX_MAGIC).putInt(hashLength).putInt(sorted.size()).putLong(total);
    long offset = PACK_MAGIC.length;
    for (Map.Entry<Hash, byte[]> e : sorted.entrySet()) {
      e.getKey().writeTo(index);
      index.putLong(offset).putInt(e.getValue().length);
      pack.writeBytes(e.getValue());
      offset += e.getValue().length;
    }
    CRC32C crc = new CRC32C();
    crc.update(index.array(), 0, index.position());
    index.putInt((int) crc.getValue());
    return new Encoded(pack.toByteArray(), index.array());
  }

  @Override
  public Index index(String name, ByteBuffer source) {
    ByteBuffer buffer = source.duplicate().order(ByteOrder.BIG_ENDIAN);
    if (buffer.remaining() < HEADER + 4) {
      throw new CorruptionException(name, 0, "an index of " + buffer.remaining()
          + " bytes is shorter than its header");
    }
    byte[] magic = new byte[INDEX_MAGIC.length];
    buffer.get(0, magic);
    if (!Arrays.equals(magic, INDEX_MAGIC)) {
      throw new CorruptionException(name, 0, "not a Cairn pack index (bad magic)");
    }
    int length = buffer.getInt(INDEX_MAGIC.length);
    if (length != hashLength) {
      throw new CorruptionException(name, INDEX_MAGIC.length, "hashes of " + length
          + " bytes, but the store's " + algorithm.name() + " hashes have " + hashLength);
    }
    int count = buffer.getInt(INDEX_MAGIC.length + 4);
    long packLength = buffer.getLong(INDEX_MAGIC.length + 8);
    long expected = HEADER + (long) count * entryLength + 4;
    if (count < 0 || buffer.remaining() != expected) {
      throw new CorruptionException(name, 0, "an index of " + count + " entries must have "
          + expected + " bytes, not " + buffer.remaining());
    }
    CRC32C crc = new CRC32C();
    ByteBuffer body = buffer.duplicate();
    body.limit((int) expected - 4);
    crc.update(body);
    if ((int) crc.getValue() != buffer.getInt((int) expected - 4)) {
      throw new CorruptionException(name, expected - 4, "the index checksum does not match");
    }
    return new FlatIndex(buffer, count, packLength);
  }

  @Override
  public byte[] object(String name, Entry entry, byte[] record) {
    if (record.length != entry.length() || !algorithm.hash(record).equals(entry.hash())) {
      throw new CorruptionException(name, entry.offset(), "the record of " + entry.hash()
          + " is damaged (" + record.length + " bytes do not hash to it)");
    }
    return record;
  }

  private final class FlatIndex implements Index {
    private final ByteBuffer buffer;
    private final int count;
    private final long packLength;

    FlatIndex(ByteBuffer buffer, int count, long packLength) {
      this.buffer = buffer;
      this.count = count;
      this.packLength = packLength;
    }

    @Override
    public Optional<Entry> find(Hash hash) {
      if (hash.length() != hashLength) {
        return Optional.empty();
      }
      int low = 0;
      int high = count - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        int cmp = compare(mid, hash);
        if (cmp < 0) {
          low = mid + 1;
        } else if (cmp > 0) {
          high = mid - 1;
        } else {
          return Optional.of(entry(mid));
        }
      }
      return Optional.empty();
    }

    private int compare(int index, Hash hash) {
      int at = HEADER + index * entryLength;
      for (int i = 0; i < hashLength; i++) {
        int c = Integer.compare(buffer.get(at + i) & 0xff, hash.byteAt(i) & 0xff);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }

    private Entry entry(int index) {
      int at = HEADER + index * entryLength;
      byte[] hash = new byte[hashLength];
      buffer.get(at, hash);
      return new Entry(Hash.of(algorithm, hash), buffer.getLong(at + hashLength),
          buffer.getInt(at + hashLength + 8));
    }

    @Override
    public int size() {
      return count;
    }

    @Override
    public long packLength() {
      return packLength;
    }

    @Override
    public void forEach(Consumer<Entry> visitor) {
      for (int i = 0; i < count; i++) {
        visitor.accept(entry(i));
      }
    }
  }
}
