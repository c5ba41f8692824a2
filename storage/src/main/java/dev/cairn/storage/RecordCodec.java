package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import dev.cairn.spi.CorruptionException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The frame of one stored object: {@code codec (u8) | [payload length (varint), if compressed] |
 * body | CRC32C (u32, big-endian) of everything before it}. The codec is {@link #RAW} (the body is
 * the payload), {@link #ZSTD} (one zstd frame) or {@link #ZSTD_DICTIONARY} (one zstd frame
 * compressed with the dictionary of the pack that holds the record). A raw record adds {@value
 * #RAW_OVERHEAD} bytes to its payload; the record does not hold the hash that names it (the index
 * does) nor its own length (the index's location does).
 *
 * <p>Decoding checks the CRC before anything else, then that the decompressed length is exactly the
 * length the record states, so a flipped bit anywhere in a record, compressed or not, is reported
 * as a {@link CorruptionException} and never served, and no record makes a reader allocate or
 * decompress more than it states.
 *
 * <p>Immutable and thread-safe. A codec with a dictionary holds native zstd state, released when
 * the codec is collected.
 */
public final class RecordCodec {
  /** Codec id of a raw record. */
  public static final int RAW = 0;

  /** Codec id of a zstd-compressed record. */
  public static final int ZSTD = 1;

  /** Codec id of a record compressed with zstd and its pack's dictionary. */
  public static final int ZSTD_DICTIONARY = 2;

  /** The bytes a raw record adds to its payload: codec and CRC. */
  public static final int RAW_OVERHEAD = 5;

  /** The largest payload a record holds. */
  public static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

  /** The zstd level of {@link #create(Compression, byte[])}. */
  public static final int DEFAULT_LEVEL = 6;

  /** zstd makes at most this many bytes of each compressed one (an RLE block of 128 KiB). */
  private static final long MAX_EXPANSION = 32_768;

  /** Payloads shorter than this are stored raw: compression cannot pay for its frame. */
  private static final int MIN_COMPRESSED = 24;

  /**
   * One zstd context per thread, for every codec: zstd-jni's static calls allocate a context per
   * call, which costs more than decompressing a small record.
   */
  private static final ThreadLocal<Contexts> CONTEXTS = ThreadLocal.withInitial(Contexts::new);

  private static final RecordCodec RAW_ONLY = new RecordCodec(Compression.NONE, null, 0);

  private final Compression compression;
  private final int level;
  private final byte @Nullable [] dictionary;

  /** Made at the first compression: a codec that only reads never builds it. */
  private volatile @Nullable ZstdDictCompress compressDictionary;

  private final @Nullable ZstdDictDecompress decompressDictionary;

  private RecordCodec(Compression compression, byte @Nullable [] dictionary, int level) {
    this.compression = compression;
    this.level = level;
    this.dictionary = dictionary;
    this.decompressDictionary = dictionary == null ? null : decompressDictionary(dictionary);
  }

  private static ZstdDictDecompress decompressDictionary(byte[] dictionary) {
    ZstdLibrary.load();
    return new ZstdDictDecompress(dictionary);
  }

  /** A codec that writes raw records and reads records of every codec but the dictionary one. */
  public static RecordCodec raw() {
    return RAW_ONLY;
  }

  /**
   * A codec that writes with {@code compression} at zstd's {@link #DEFAULT_LEVEL}, using {@code
   * dictionary} (which may be null) for {@link #ZSTD_DICTIONARY} records.
   */
  public static RecordCodec create(Compression compression, byte @Nullable [] dictionary) {
    return create(compression, dictionary, DEFAULT_LEVEL);
  }

  /**
   * As {@link #create(Compression, byte[])}, at zstd level {@code level}.
   *
   * @throws IllegalArgumentException if {@code level} is outside zstd's 1 to 22, or a dictionary is
   *     given for {@link Compression#NONE}
   * @throws dev.cairn.spi.StoreIOException if a dictionary is given and zstd's native library
   *     cannot be loaded now
   */
  public static RecordCodec create(
      Compression compression, byte @Nullable [] dictionary, int level) {
    requireNonNull(compression, "compression");
    if (level < 1 || level > 22) {
      throw new IllegalArgumentException("zstd level must be 1 to 22, got " + level);
    }
    if (dictionary != null && compression == Compression.NONE) {
      throw new IllegalArgumentException("a dictionary with compression 'none' is never used");
    }
    if (compression == Compression.NONE) {
      return RAW_ONLY;
    }
    return new RecordCodec(compression, dictionary == null ? null : dictionary.clone(), level);
  }

  /** Whether this codec has a dictionary. */
  public boolean hasDictionary() {
    return dictionary != null;
  }

  /**
   * The record of {@code payload}: compressed (with the dictionary, if this codec has one) when
   * that makes it smaller, else raw.
   *
   * @throws IllegalArgumentException if the payload is longer than {@link #MAX_PAYLOAD}
   */
  public byte[] encode(byte[] payload) {
    requireNonNull(payload, "payload");
    if (payload.length > MAX_PAYLOAD) {
      throw new IllegalArgumentException(
          "a payload of " + payload.length + " bytes is longer than a record holds");
    }
    if (compression != Compression.NONE
        && payload.length >= MIN_COMPRESSED
        && ZstdLibrary.available()) {
      byte[] compressed = compress(payload);
      if (compressed != null) {
        return compressed;
      }
    }
    byte[] record = new byte[payload.length + RAW_OVERHEAD];
    record[0] = RAW;
    System.arraycopy(payload, 0, record, 1, payload.length);
    seal(record);
    return record;
  }

  /** Whether this codec stores every record raw ({@link Compression#NONE}). */
  boolean rawOnly() {
    return compression == Compression.NONE;
  }

  /**
   * Writes onto {@code out} the raw record of {@code payload}, the bytes {@link #encode} of a raw
   * codec returns, without building it in an array of its own (a pack of small objects would copy
   * every byte once more). Returns the record's length.
   */
  static int writeRaw(byte[] payload, OutputStream out) throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(RAW);
    crc.update(payload, 0, payload.length);
    int sum = (int) crc.getValue();
    out.write(RAW);
    out.write(payload);
    out.write(
        new byte[] {(byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum});
    return payload.length + RAW_OVERHEAD;
  }

  /** The compressed record of {@code payload}, or null if it is not smaller than raw. */
  private byte @Nullable [] compress(byte[] payload) {
    int lengthBytes = varintLength(payload.length);
    int head = 1 + lengthBytes;
    int bound = (int) Math.min(Zstd.compressBound(payload.length), MAX_PAYLOAD);
    byte[] out = new byte[head + bound + 4];
    long n;
    try {
      ZstdCompressCtx context = CONTEXTS.get().compressor;
      context.reset();
      context.setLevel(level);
      context.setContentSize(true);
      if (dictionary != null) {
        context.loadDict(compressDictionary());
      }
      n = context.compressByteArray(out, head, bound, payload, 0, payload.length);
    } catch (RuntimeException e) {
      return null; // zstd could not compress it (e.g. out of memory): stored raw.
    }
    int size = head + (int) n + 4;
    if (size >= payload.length + RAW_OVERHEAD) {
      return null;
    }
    out[0] = (byte) (dictionary != null ? ZSTD_DICTIONARY : ZSTD);
    writeVarint(out, 1, payload.length);
    byte[] record = java.util.Arrays.copyOf(out, size);
    seal(record);
    return record;
  }

  private ZstdDictCompress compressDictionary() {
    ZstdDictCompress made = compressDictionary;
    if (made == null) {
      synchronized (this) {
        made = compressDictionary;
        if (made == null) {
          made = new ZstdDictCompress(dictionary, level);
          compressDictionary = made;
        }
      }
    }
    return made;
  }

  /** Writes the CRC of all but the last four bytes into them. */
  private static void seal(byte[] record) {
    CRC32C crc = new CRC32C();
    crc.update(record, 0, record.length - 4);
    ByteBuffer.wrap(record).putInt(record.length - 4, (int) crc.getValue());
  }

  /**
   * The payload of the one whole record in {@code record} (its position to its limit; the position
   * is not moved).
   *
   * @param file what holds the record, for the error
   * @param offset where the record starts in {@code file}, for the error
   * @throws CorruptionException if the checksum, codec, stated length or compressed data is wrong,
   *     or the record needs a dictionary this codec has not
   * @throws dev.cairn.spi.StoreIOException if the record is compressed and zstd's native library
   *     cannot be loaded now (it unpacks into {@code java.io.tmpdir}, which may be full)
   */
  public byte[] decode(ByteBuffer record, String file, long offset) {
    requireNonNull(record, "record");
    requireNonNull(file, "file");
    ByteBuffer in = record.slice();
    int total = in.limit();
    if (total < RAW_OVERHEAD) {
      throw new CorruptionException(
          file, offset, "record of " + total + " bytes is shorter than its framing");
    }
    CRC32C crc = new CRC32C();
    crc.update(in.duplicate().limit(total - 4));
    int stored = in.getInt(total - 4);
    if ((int) crc.getValue() != stored) {
      throw new CorruptionException(
          file,
          offset,
          String.format(
              "record checksum mismatch (stored %08x, computed %08x)",
              stored, (int) crc.getValue()));
    }
    int codec = Byte.toUnsignedInt(in.get(0));
    if (codec == RAW) {
      byte[] payload = new byte[total - RAW_OVERHEAD];
      in.get(1, payload);
      return payload;
    }
    if (codec != ZSTD && codec != ZSTD_DICTIONARY) {
      throw new CorruptionException(file, offset, "unknown record codec " + codec);
    }
    if (codec == ZSTD_DICTIONARY && dictionary == null) {
      throw new CorruptionException(
          file, offset, "record is compressed with a dictionary, and its pack has none");
    }
    long[] position = {1};
    long length = readVarint(in, position, total - 4, file, offset);
    if (length > MAX_PAYLOAD) {
      throw new CorruptionException(
          file,
          offset,
          "record states a payload of " + length + " bytes, more than a record holds");
    }
    int bodyStart = (int) position[0];
    int bodyLength = total - 4 - bodyStart;
    if (length > (long) bodyLength * MAX_EXPANSION) {
      throw new CorruptionException(
          file,
          offset,
          String.format(
              "record states %d payload bytes, more than zstd makes of %d", length, bodyLength));
    }
    byte[] body = new byte[bodyLength];
    in.get(bodyStart, body);
    ZstdLibrary.load();
    long declared = Zstd.getFrameContentSize(body, 0, bodyLength);
    if (declared != length) {
      throw new CorruptionException(
          file,
          offset,
          String.format("record states %d payload bytes, its zstd frame %d", length, declared));
    }
    byte[] payload = new byte[(int) length];
    long n;
    try {
      ZstdDecompressCtx context =
          CONTEXTS.get().decompressor(codec == ZSTD_DICTIONARY ? decompressDictionary : null);
      n = context.decompressByteArray(payload, 0, payload.length, body, 0, bodyLength);
    } catch (RuntimeException e) {
      throw new CorruptionException(file, offset, "compressed record does not decompress", e);
    }
    if (Zstd.isError(n)) {
      throw new CorruptionException(
          file, offset, "compressed record does not decompress: " + Zstd.getErrorName(n));
    }
    if (n != length) {
      throw new CorruptionException(
          file, offset, String.format("record decompresses to %d bytes, it states %d", n, length));
    }
    return payload;
  }

  /** A thread's zstd contexts: one to compress, one per dictionary state to decompress. */
  private static final class Contexts {
    final ZstdCompressCtx compressor = new ZstdCompressCtx();
    final ZstdDecompressCtx plain = new ZstdDecompressCtx();
    final ZstdDecompressCtx withDictionary = new ZstdDecompressCtx();
    @Nullable ZstdDictDecompress loaded;

    ZstdDecompressCtx decompressor(@Nullable ZstdDictDecompress dictionary) {
      if (dictionary == null) {
        return plain;
      }
      if (loaded != dictionary) {
        withDictionary.loadDict(dictionary);
        loaded = dictionary;
      }
      return withDictionary;
    }
  }

  /**
   * The payload length a record states, from its first bytes, without checking or decompressing it:
   * a raw record's length less its framing, a compressed record's stated length. For listings that
   * report sizes without reading every object; reading the record checks it.
   *
   * @param head the record's first bytes, from its position to its limit: at least 11, or the whole
   *     record if it is shorter (the position is not moved)
   * @param recordLength the whole record's length, as its index states it
   * @param file what holds the record, for the error
   * @param offset where the record starts in {@code file}, for the error
   * @throws CorruptionException if the bytes cannot state a length
   */
  public static long statedLength(ByteBuffer head, int recordLength, String file, long offset) {
    requireNonNull(head, "head");
    requireNonNull(file, "file");
    if (recordLength < RAW_OVERHEAD || !head.hasRemaining()) {
      throw new CorruptionException(
          file, offset, "record of " + recordLength + " bytes is shorter than its framing");
    }
    ByteBuffer in = head.slice();
    int codec = Byte.toUnsignedInt(in.get(0));
    if (codec == RAW) {
      return recordLength - RAW_OVERHEAD;
    }
    if (codec != ZSTD && codec != ZSTD_DICTIONARY) {
      throw new CorruptionException(file, offset, "unknown record codec " + codec);
    }
    return readVarint(in, new long[] {1}, Math.min(in.limit(), recordLength - 4), file, offset);
  }

  /** The codec id of the record in {@code record} (its first byte), unchecked. */
  public static int codecOf(ByteBuffer record) {
    return Byte.toUnsignedInt(record.get(record.position()));
  }

  static int varintLength(long value) {
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  static int writeVarint(byte[] out, int at, long value) {
    int i = at;
    while ((value & ~0x7fL) != 0) {
      out[i++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out[i++] = (byte) value;
    return i;
  }

  /** Reads an unsigned varint at {@code position[0]} before {@code end}, advancing it. */
  static long readVarint(ByteBuffer in, long[] position, int end, String file, long offset) {
    long value = 0;
    int shift = 0;
    int at = (int) position[0];
    while (true) {
      if (at >= end || shift > 35) {
        throw new CorruptionException(file, offset + at, "record length field is malformed");
      }
      int b = Byte.toUnsignedInt(in.get(at++));
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    position[0] = at;
    return value;
  }
}
