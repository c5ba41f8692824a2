package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * Serves a pack's objects by hash, given its {@link PackIndex} and a {@link ByteSource} of the
 * pack. {@link #open} reads the pack's head (header and dictionary) with one {@link
 * ByteSource#read}, and {@link #openWithoutHead} reads nothing for a pack without a dictionary; a
 * point read is an index lookup (no I/O beyond the index's own bytes), then one {@code read} of
 * exactly the record's bytes and one decode, bounded by the record's stated length: an object store
 * reads an object with one ranged request once it holds the index.
 *
 * <p>Every record is checked (CRC32C, codec, stated and decompressed lengths) before its payload is
 * returned; where the index keeps hash prefixes, the payload is also re-hashed, and an object whose
 * hash is not the one asked for is not served. A damaged record is a {@link CorruptionException}
 * naming the pack and offset, never data.
 *
 * <p>Immutable and thread-safe if the byte source is.
 */
public final class PackReader {
  private final PackIndex index;
  private final ByteSource pack;
  private final HashAlgorithm algorithm;
  private final String name;
  private final RecordCodec codec;
  private final long recordsStart;
  private final long recordsEnd;
  private final boolean rehash;

  private PackReader(
      PackIndex index, ByteSource pack, HashAlgorithm algorithm, String name, RecordCodec codec) {
    this.index = index;
    this.pack = pack;
    this.algorithm = algorithm;
    this.name = name;
    this.codec = codec;
    this.recordsStart = PackFormat.recordsStart(index.dictionaryLength());
    this.recordsEnd = index.packLength() - PackFormat.PACK_TRAILER;
    this.rehash = index.prefixLength() < index.digestLength();
  }

  /**
   * A reader of the pack {@code pack} indexed by {@code index}, whose hashes are {@code
   * algorithm}'s.
   *
   * @param name the pack's file (or object) name, for errors
   * @throws CorruptionException if the pack's header or dictionary is damaged or does not match the
   *     index
   * @throws IllegalArgumentException if the index holds hashes of another digest length
   * @throws IOException if reading fails
   */
  public static PackReader open(
      PackIndex index, ByteSource pack, HashAlgorithm algorithm, String name) throws IOException {
    requireNonNull(index, "index");
    requireNonNull(pack, "pack");
    requireNonNull(algorithm, "algorithm");
    requireNonNull(name, "name");
    checkAlgorithm(index, algorithm);
    checkPackLength(index);
    ByteBuffer head = read(pack, name, 0, (int) index.headLength());
    if (head.getInt(0) != PackFormat.PACK_MAGIC) {
      throw new CorruptionException(
          name, 0, String.format("not a pack (magic %08x)", head.getInt(0)));
    }
    if (PackFormat.crc(head.duplicate().position(0).limit(12)) != head.getInt(12)) {
      throw new CorruptionException(name, 12, "pack header checksum mismatch");
    }
    int version = Byte.toUnsignedInt(head.get(4));
    if (version != PackFormat.VERSION) {
      throw new CorruptionException(
          name,
          4,
          "pack format version "
              + version
              + "; this version of Cairn reads version "
              + PackFormat.VERSION);
    }
    if (Byte.toUnsignedInt(head.get(5)) != index.digestLength()
        || head.getInt(8) != index.dictionaryLength()) {
      throw new CorruptionException(
          name,
          5,
          String.format(
              "pack header (digest %d, dictionary %d) does not match its index %s (%d, %d)",
              Byte.toUnsignedInt(head.get(5)),
              head.getInt(8),
              index.name(),
              index.digestLength(),
              index.dictionaryLength()));
    }
    RecordCodec codec = RecordCodec.raw();
    int dictionaryLength = index.dictionaryLength();
    if (dictionaryLength > 0) {
      ByteBuffer dictionary =
          head.duplicate()
              .position(PackFormat.PACK_HEADER)
              .limit(PackFormat.PACK_HEADER + dictionaryLength);
      if (PackFormat.crc(dictionary) != head.getInt(PackFormat.PACK_HEADER + dictionaryLength)) {
        throw new CorruptionException(
            name, PackFormat.PACK_HEADER, "pack dictionary checksum mismatch");
      }
      byte[] bytes = new byte[dictionaryLength];
      dictionary.get(bytes);
      try {
        codec = RecordCodec.create(Compression.AUTO, bytes);
      } catch (RuntimeException e) {
        throw new CorruptionException(
            name, PackFormat.PACK_HEADER, "pack dictionary is not a zstd dictionary", e);
      }
    }
    return new PackReader(index, pack, algorithm, name, codec);
  }

  /**
   * A reader of a pack whose index states no dictionary, which reads nothing of the pack to open:
   * such a pack's records decode without its head, so an object store serves the first read of a
   * pack with one ranged request too. The header is not checked here, only by {@link #verify} (the
   * pack's checksum covers it); every record is checked as by a reader from {@link #open}.
   *
   * @param name the pack's file (or object) name, for errors
   * @throws IllegalArgumentException if the index states a dictionary (open the pack with {@link
   *     #open}, which reads it), or holds hashes of another digest length
   * @throws CorruptionException if the index states a pack shorter than its header and trailer
   */
  public static PackReader openWithoutHead(
      PackIndex index, ByteSource pack, HashAlgorithm algorithm, String name) {
    requireNonNull(index, "index");
    requireNonNull(pack, "pack");
    requireNonNull(name, "name");
    checkAlgorithm(index, requireNonNull(algorithm, "algorithm"));
    if (index.dictionaryLength() != 0) {
      throw new IllegalArgumentException(
          String.format(
              "index %s states a dictionary of %d bytes, which only PackReader.open reads",
              index.name(), index.dictionaryLength()));
    }
    checkPackLength(index);
    return new PackReader(index, pack, algorithm, name, RecordCodec.raw());
  }

  private static void checkAlgorithm(PackIndex index, HashAlgorithm algorithm) {
    if (index.digestLength() != algorithm.digestLength()) {
      throw new IllegalArgumentException(
          String.format(
              "index %s holds hashes of %d bytes, %s hashes have %d",
              index.name(), index.digestLength(), algorithm.name(), algorithm.digestLength()));
    }
  }

  private static void checkPackLength(PackIndex index) {
    if (index.headLength() + PackFormat.PACK_TRAILER > index.packLength()) {
      throw new CorruptionException(
          index.name(),
          12,
          String.format(
              "index states a pack of %d bytes, less than its header and dictionary",
              index.packLength()));
    }
  }

  /** The index. */
  public PackIndex index() {
    return index;
  }

  /**
   * The object named {@code hash}, or empty if the pack does not hold it.
   *
   * @throws CorruptionException if its record (or location) is damaged
   * @throws IOException if reading fails
   */
  public Optional<byte[]> read(Hash hash) throws IOException {
    int entry = index.find(hash);
    if (entry < 0) {
      return Optional.empty();
    }
    byte[] payload = payload(entry);
    if (!rehash) {
      return Optional.of(payload);
    }
    Hash actual = algorithm.hash(payload);
    if (actual.equals(hash)) {
      return Optional.of(payload);
    }
    if (index.find(actual) != entry) {
      throw new CorruptionException(
          name,
          index.offset(entry),
          String.format("record holds an object %s the index does not name there", actual));
    }
    return Optional.empty(); // Another object, which shares the prefix the index keeps.
  }

  /**
   * The payload of index entry {@code entry} (0 to {@code index().size() - 1}), checked.
   *
   * @throws CorruptionException if the record or its location is damaged
   * @throws IOException if reading fails
   */
  public byte[] payload(int entry) throws IOException {
    long offset = index.offset(entry);
    int length = index.length(entry);
    if (offset < recordsStart
        || length < RecordCodec.RAW_OVERHEAD
        || offset > recordsEnd - length) {
      throw new CorruptionException(
          index.name(),
          -1,
          String.format(
              "entry %d locates a record of %d bytes at %d, outside the records [%d, %d) of %s",
              entry, length, offset, recordsStart, recordsEnd, name));
    }
    return codec.decode(read(pack, name, offset, length), name, offset);
  }

  /**
   * Checks the whole pack: its trailer and checksum, then every record the index names (and, where
   * the index keeps prefixes, that each payload's hash has the entry's prefix), calling {@code
   * visitor} with each hash and payload, in index order.
   *
   * @return the number of objects checked
   * @throws CorruptionException at the first damage found
   * @throws IOException if reading fails
   */
  public long verify(BiConsumer<Hash, byte[]> visitor) throws IOException {
    requireNonNull(visitor, "visitor");
    CRC32C crc = new CRC32C();
    long end = recordsEnd;
    for (long at = 0; at < end; ) {
      int chunk = (int) Math.min(1 << 20, end - at);
      crc.update(read(pack, name, at, chunk));
      at += chunk;
    }
    ByteBuffer trailer = read(pack, name, end, PackFormat.PACK_TRAILER);
    if (trailer.getInt(0) != PackFormat.TRAILER_MAGIC
        || trailer.getInt(4) != index.size()
        || trailer.getInt(8) != index.packChecksum()) {
      throw new CorruptionException(
          name,
          end,
          String.format(
              "pack trailer (magic %08x, %d records, checksum %08x) does not match its index"
                  + " (%d records, checksum %08x)",
              trailer.getInt(0),
              trailer.getInt(4),
              trailer.getInt(8),
              index.size(),
              index.packChecksum()));
    }
    if ((int) crc.getValue() != index.packChecksum()) {
      throw new CorruptionException(name, 0, "pack checksum mismatch");
    }
    for (int i = 0; i < index.size(); i++) {
      byte[] payload = payload(i);
      Hash hash = algorithm.hash(payload);
      if (index.find(hash) != i) {
        throw new CorruptionException(
            name,
            index.offset(i),
            String.format("record holds object %s, which the index does not name there", hash));
      }
      visitor.accept(hash, payload);
    }
    return index.size();
  }

  private static ByteBuffer read(ByteSource source, String name, long offset, int length)
      throws IOException {
    ByteBuffer bytes;
    try {
      bytes = source.read(offset, length);
    } catch (EOFException e) {
      throw new CorruptionException(
          name, offset, "pack ends before the " + length + " bytes expected here", e);
    }
    if (bytes.remaining() != length) {
      throw new IllegalStateException(
          String.format(
              "byte source returned %d bytes at %d, %d were asked for",
              bytes.remaining(), offset, length));
    }
    return bytes;
  }
}
