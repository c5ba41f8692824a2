package dev.cairn.lower;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.RecordCodec;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The self-checking record of one archived object in a volume's data file, in one of two forms,
 * told apart by the top bit of its first word. An object's global offset is the offset of its
 * record. A damaged record is reported, never served.
 *
 * <ul>
 *   <li><b>Packed</b> (written since Cairn's storage module): {@code u32 (0x80000000 | n) | frame},
 *       where the {@code n}-byte frame is the {@link RecordCodec} frame of the payload (codec, raw
 *       or zstd; CRC32C). The hash is not stored: the index holds it, and every read re-hashes the
 *       payload. A raw record adds 9 bytes to its payload.
 *   <li><b>Classic</b> (volumes written before): {@code u32 payload length | hash | payload | u32
 *       CRC32C of the three}; still read, never written.
 * </ul>
 */
final class ArchiveRecord {
  /** The bytes a classic record adds to its payload, besides the hash. */
  static final int FRAMING = 8;

  /** The shortest record of either form: a packed record of an empty payload. */
  static final int MIN_SIZE = 4 + RecordCodec.RAW_OVERHEAD;

  private static final int PACKED = 0x80000000;

  private ArchiveRecord() {}

  /** A checked record: the object's hash and payload. */
  record Decoded(Hash hash, byte[] payload) {}

  /** The packed record of {@code data}, encoded by {@code codec}. */
  static byte[] encode(byte[] data, RecordCodec codec) {
    byte[] frame = codec.encode(data);
    byte[] record = new byte[4 + frame.length];
    ByteBuffer.wrap(record).putInt(PACKED | frame.length);
    System.arraycopy(frame, 0, record, 4, frame.length);
    return record;
  }

  /** Appends the classic record of {@code data} named {@code hash}; {@code crc} is scratch. */
  static void writeClassic(DataOutputStream out, Hash hash, byte[] data, CRC32C crc)
      throws IOException {
    byte[] digest = hash.toBytes();
    crc.reset();
    crc.update(ByteBuffer.allocate(4).putInt(0, data.length));
    crc.update(digest);
    crc.update(data);
    out.writeInt(data.length);
    out.write(digest);
    out.write(data);
    out.writeInt((int) crc.getValue());
  }

  /** Whether the record whose first word is {@code word} is packed (else classic). */
  static boolean isPacked(int word) {
    return (word & PACKED) != 0;
  }

  /**
   * The whole size of the record whose first word is {@code word}, or -1 if the word is no
   * record's.
   */
  static long sizeFromFirstWord(int word, int digestLength) {
    if ((word & PACKED) != 0) {
      long frame = word & ~PACKED;
      return frame < RecordCodec.RAW_OVERHEAD ? -1 : 4 + frame;
    }
    return (long) FRAMING + digestLength + word;
  }

  /**
   * The size of the record at {@code pos} of {@code run} if it is whole and passes its checksum,
   * else -1.
   */
  static int wholeRecordAt(ByteBuffer run, int pos, int digestLength) {
    int limit = run.capacity();
    if (limit - pos < MIN_SIZE) {
      return -1;
    }
    long size = sizeFromFirstWord(run.getInt(pos), digestLength);
    if (size < MIN_SIZE || size > limit - pos) {
      return -1;
    }
    CRC32C crc = new CRC32C();
    int start = (run.getInt(pos) & PACKED) != 0 ? pos + 4 : pos;
    crc.update(run.duplicate().position(start).limit(pos + (int) size - 4));
    return (int) crc.getValue() == run.getInt(pos + (int) size - 4) ? (int) size : -1;
  }

  /**
   * Checks the whole record in {@code record} (position 0 to limit) and returns its hash and
   * payload; a packed record's hash is its payload's, re-hashed.
   *
   * <p>Every codec but the dictionary one is decoded: volumes store no dictionary.
   *
   * @param file the data file, for the error
   * @param position the record's position in {@code file}, for the error
   * @throws CorruptionException if the length, checksum, codec or compressed data is wrong
   */
  static Decoded decode(ByteBuffer record, HashAlgorithm algorithm, String file, long position) {
    int digestLength = algorithm.digestLength();
    int total = record.limit();
    if (total < MIN_SIZE) {
      throw new CorruptionException(file, position, "record shorter than its framing");
    }
    int word = record.getInt(0);
    long size = sizeFromFirstWord(word, digestLength);
    if (size != total) {
      throw new CorruptionException(
          file,
          position,
          String.format(
              "record length field %d does not match the record size %d", word & ~PACKED, total));
    }
    if ((word & PACKED) != 0) {
      byte[] payload = RecordCodec.raw().decode(record.duplicate().position(4), file, position);
      return new Decoded(algorithm.hash(payload), payload);
    }
    if (total < FRAMING + digestLength) {
      throw new CorruptionException(file, position, "record shorter than its framing");
    }
    CRC32C crc = new CRC32C();
    crc.update(record.duplicate().position(0).limit(total - 4));
    if ((int) crc.getValue() != record.getInt(total - 4)) {
      throw new CorruptionException(file, position, "record checksum mismatch");
    }
    byte[] data = new byte[word];
    record.get(4 + digestLength, data);
    return new Decoded(Hash.read(algorithm, record.duplicate().position(4)), data);
  }

  /**
   * As {@link #decode}, for the object named {@code expected} (and of its algorithm): its payload.
   *
   * @throws CorruptionException if the record is damaged or holds another object
   */
  static byte[] payload(ByteBuffer record, Hash expected, String file, long position) {
    Decoded decoded = decode(record, expected.algorithm(), file, position);
    if (!decoded.hash().equals(expected)) {
      throw new CorruptionException(
          file, position, "record holds another hash than the index names");
    }
    return decoded.payload();
  }
}
