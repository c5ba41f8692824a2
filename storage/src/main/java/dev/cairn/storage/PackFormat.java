package dev.cairn.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** The layout constants of pack and index files; see the package documentation. */
final class PackFormat {
  /** "CRNP": the first bytes of a pack. */
  static final int PACK_MAGIC = 0x43524e50;

  /** "CRNI": the first bytes of a pack index. */
  static final int INDEX_MAGIC = 0x43524e49;

  /** "CRNE": the first bytes of a pack's trailer. */
  static final int TRAILER_MAGIC = 0x43524e45;

  /** The format version of packs and indexes written. */
  static final int VERSION = 1;

  /** magic, version, digest length, reserved u16, dictionary length, header CRC. */
  static final int PACK_HEADER = 16;

  /** magic, record count, CRC32C of the pack before the trailer. */
  static final int PACK_TRAILER = 12;

  /**
   * magic, version, digest length, prefix length, offset width, count, pack length, pack checksum,
   * dictionary length, header CRC.
   */
  static final int INDEX_HEADER = 32;

  static final int FAN_OUT = 256 * 4;

  /** The fewest hash bytes an index keeps per object. */
  static final int MIN_PREFIX = 8;

  private PackFormat() {}

  static int crc(ByteBuffer bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.duplicate());
    return (int) crc.getValue();
  }

  /** Bytes of the pack before its first record. */
  static long recordsStart(int dictionaryLength) {
    return PACK_HEADER + (dictionaryLength == 0 ? 0 : dictionaryLength + 4L);
  }
}
