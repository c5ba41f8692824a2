package dev.cairn.disk;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * How far the store's two growing files were synced, as last recorded: the active segment's data
 * file and the ref journal. Every byte below a sync point was on stable storage before the sync
 * point was written, so after a crash a byte there that is missing, zeroed or fails its checksum is
 * damage, never a torn tail. Immutable.
 *
 * <p>Kept in the ref journal's header ({@link RefJournal}, format 3) at offset {@link #OFFSET},
 * rewritten in place just before an fsync of the journal that the store makes anyway (a ref change,
 * a flush, a close), so recording it costs no fsync of its own:
 *
 * <pre>
 *   u64 segment id        the active segment it speaks of (0: none)
 *   u64 segment length    bytes of that segment's data file synced
 *   u64 journal length    bytes of refs.log synced
 *   u32 CRC32C of the 24 bytes before it
 * </pre>
 *
 * A write of it torn by a crash fails its checksum: then no sync point is known and recovery falls
 * back to cutting a torn tail off at the first bad record, as stores recorded before format 3 are
 * recovered. A sync point that a crash kept older than the last one written claims less, which is
 * never wrong.
 */
record SyncPoint(long segment, long segmentLength, long journalLength) {
  /** Where the sync point lies in the ref journal. */
  static final int OFFSET = 20;

  static final int SIZE = 28;

  /** Nothing known to be synced. */
  static final SyncPoint NONE = new SyncPoint(0, 0, 0);

  /** The bytes of segment {@code id} this sync point says were synced: 0 if it names another. */
  long syncedLengthOf(long id) {
    return id == segment ? segmentLength : 0;
  }

  /**
   * This sync point, with the segment part advanced to {@code id} at {@code length} unless it
   * already speaks of a later segment or more of the same one: segment ids only grow, and a
   * segment's synced length only grows, so a late report of an earlier sync never lowers it.
   */
  SyncPoint withSegment(long id, long length) {
    if (id < segment || (id == segment && length <= segmentLength)) {
      return this;
    }
    return new SyncPoint(id, length, journalLength);
  }

  SyncPoint withJournal(long length) {
    return length == journalLength ? this : new SyncPoint(segment, segmentLength, length);
  }

  byte[] encode() {
    ByteBuffer out =
        ByteBuffer.allocate(SIZE).putLong(segment).putLong(segmentLength).putLong(journalLength);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, SIZE - 4);
    return out.putInt((int) crc.getValue()).array();
  }

  /**
   * The sync point in {@code bytes} at {@code offset}, or null if its checksum fails or its lengths
   * cannot be (negative, or a journal shorter than its own header): a torn write of it.
   */
  static @Nullable SyncPoint decode(byte[] bytes, int offset, int journalHeader) {
    if (bytes.length < offset + SIZE) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, SIZE - 4);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, SIZE);
    long segment = in.getLong();
    long segmentLength = in.getLong();
    long journalLength = in.getLong();
    if ((int) crc.getValue() != in.getInt()
        || segment < 0
        || segmentLength < 0
        || journalLength < journalHeader) {
      return null;
    }
    return new SyncPoint(segment, segmentLength, journalLength);
  }

  @Override
  public String toString() {
    return String.format(
        "segment %d synced to %d bytes, ref journal to %d bytes",
        segment, segmentLength, journalLength);
  }
}
