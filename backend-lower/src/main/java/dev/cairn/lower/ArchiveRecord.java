package dev.cairn.lower;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The self-checking record of one archived object in a volume's data file: payload length
 * (u32), hash, payload, then a CRC32C of the three. An object's global offset is the offset of
 * its record. A damaged record is reported, never served.
 */
final class ArchiveRecord {
  /** The bytes a record adds to its payload, besides the hash. */
  static final int FRAMING = 8;

  private ArchiveRecord() {}

  static long size(int digestLength, long payloadLength) {
    return FRAMING + digestLength + payloadLength;
  }

  /** Appends the record of {@code data} named {@code hash}; {@code crc} is scratch. */
  static void write(DataOutputStream out, Hash hash, byte[] data, CRC32C crc) throws IOException {
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

  /**
   * Checks the whole record in {@code record} (position 0 to limit) and returns its payload.
   *
   * @param expected the hash the record must carry, or null to accept any
   * @param file the data file, for the error
   * @param position the record's position in {@code file}, for the error
   * @throws CorruptionException if the length, hash or checksum is wrong
   */
  static byte[] payload(ByteBuffer record, int digestLength, byte[] expected, String file,
      long position) {
    int total = record.limit();
    if (total < FRAMING + digestLength) {
      throw new CorruptionException(file, position, "record shorter than its framing");
    }
    int length = record.getInt(0);
    if (length < 0 || (long) length + FRAMING + digestLength != total) {
      throw new CorruptionException(file, position, String.format(
          "record length field %d does not match the record size %d", length, total));
    }
    CRC32C crc = new CRC32C();
    crc.update(record.duplicate().position(0).limit(total - 4));
    int stored = record.getInt(total - 4);
    if ((int) crc.getValue() != stored) {
      throw new CorruptionException(file, position, "record checksum mismatch");
    }
    if (expected != null) {
      for (int i = 0; i < digestLength; i++) {
        if (record.get(4 + i) != expected[i]) {
          throw new CorruptionException(file, position,
              "record holds another hash than the index names");
        }
      }
    }
    byte[] data = new byte[length];
    record.get(4 + digestLength, data);
    return data;
  }
}
