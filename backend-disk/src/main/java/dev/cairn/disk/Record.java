package dev.cairn.disk;

import dev.cairn.spi.Hash;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The self-checking record in which a segment stores one object. Little is needed to decide whether
 * bytes are a whole record: a torn or overwritten record fails its checksum.
 *
 * <pre>
 *   offset 0       u32  length of the payload (bits 0-29) | BATCH_CONTINUED (bit 30)
 *                       | BATCH_OPEN (bit 31)
 *   offset 4       u32  CRC32C of bytes [0, 4) and [8, end)
 *   offset 8       hash (digest length of the store's algorithm)
 *   offset 8+H     payload
 * </pre>
 *
 * All integers are big-endian. BATCH_OPEN marks every record of a batch but its last: the batch
 * commits when its last record is whole, so recovery drops a batch whose last record never made it.
 * BATCH_CONTINUED marks every record of a batch but its first, so recovery also knows a record
 * whose batch began in bytes that were lost or damaged (unsynced writes may reach the disk in any
 * order), and drops it: a batch is served whole or not at all.
 */
final class Record {
  static final int PREFIX = 8;
  static final int BATCH_OPEN = 0x8000_0000;
  static final int BATCH_CONTINUED = 0x4000_0000;
  private static final int FLAGS = BATCH_OPEN | BATCH_CONTINUED;

  /** The largest payload: keeps a segment addressable by 32-bit offsets. */
  static final int MAX_PAYLOAD = 512 << 20;

  private Record() {}

  static int size(int digestLength, int payloadLength) {
    return PREFIX + digestLength + payloadLength;
  }

  /**
   * Appends the record for {@code hash}/{@code data} to {@code out}: {@code batchOpen} if more
   * records of its batch follow it, {@code batchContinued} if records of its batch precede it.
   */
  static void encode(
      ByteBuffer out, Hash hash, byte[] data, boolean batchOpen, boolean batchContinued) {
    int start = out.position();
    int word = data.length | (batchOpen ? BATCH_OPEN : 0) | (batchContinued ? BATCH_CONTINUED : 0);
    out.putInt(word);
    out.putInt(0);
    hash.writeTo(out);
    out.put(data);
    int end = out.position();
    CRC32C crc = new CRC32C();
    ByteBuffer view = out.duplicate();
    view.limit(start + 4).position(start);
    crc.update(view);
    view.limit(end).position(start + PREFIX);
    crc.update(view);
    out.putInt(start + 4, (int) crc.getValue());
  }

  /**
   * The CRC32C a record would carry, computed over {@code record} from its position to its limit
   * (the whole record). Does not move {@code record}.
   */
  static int checksum(ByteBuffer record) {
    CRC32C crc = new CRC32C();
    ByteBuffer view = record.duplicate();
    int start = view.position();
    int end = view.limit();
    view.limit(start + 4);
    crc.update(view);
    view.limit(end).position(start + PREFIX);
    crc.update(view);
    return (int) crc.getValue();
  }

  static int payloadLength(int word) {
    return word & ~FLAGS;
  }

  static boolean isBatchOpen(int word) {
    return (word & BATCH_OPEN) != 0;
  }

  static boolean isBatchContinued(int word) {
    return (word & BATCH_CONTINUED) != 0;
  }
}
