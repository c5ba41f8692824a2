package dev.cairn.disk;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.Hasher;
import dev.cairn.spi.ObjectReader;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Streams the payload of one record ({@link Record}) straight from its segment, a slice at a time
 * into the caller's buffer, by positional reads (not from the mapping of a sealed segment: pages of
 * a mapping count in the process's resident memory, and a large object streamed once would fill
 * it). The length and hash of the record are checked when it is opened; its checksum (and, with
 * {@code verify}, the hash of the payload) before the last bytes are handed over, so a damaged
 * record never reads to its end. Holds a reference to the segment until closed, so a compaction
 * cannot delete the file underneath it. Not thread-safe.
 */
final class RecordReader implements ObjectReader {
  private final Segment segment;
  private final Hash hash;
  private final long offset;
  private final long payloadStart;
  private final int length;
  private final CRC32C crc = new CRC32C();
  private final @Nullable Hasher hasher;
  private int expectedChecksum;
  private long delivered;
  private boolean checked;
  private boolean open = true;

  private RecordReader(
      Segment segment,
      Hash hash,
      long offset,
      int length,
      HashAlgorithm algorithm,
      boolean verify) {
    this.segment = segment;
    this.hash = hash;
    this.offset = offset;
    this.payloadStart = offset + Record.PREFIX + algorithm.digestLength();
    this.length = length;
    this.hasher = verify ? algorithm.newHasher() : null;
  }

  /**
   * Opens the record of {@code hash} at {@code location} of {@code segment}, of which the caller
   * holds a reference that the reader takes over (and releases on close) if this returns.
   *
   * @throws CorruptionException if the record's length or hash is not the indexed one, or it
   *     extends past the end of the file
   */
  static RecordReader open(
      Segment segment, Hash hash, long location, HashAlgorithm algorithm, boolean verify)
      throws IOException {
    RecordReader reader =
        new RecordReader(
            segment,
            hash,
            Segment.offsetOf(location),
            Segment.lengthOf(location),
            algorithm,
            verify);
    reader.checkHeader(algorithm.digestLength());
    return reader;
  }

  private void checkHeader(int h) throws IOException {
    if (length < 0 || length > Record.MAX_PAYLOAD || payloadStart + length > segment.size()) {
      throw new CorruptionException(
          segment.name,
          offset,
          String.format("record of %s (%d bytes) extends past the end of the file", hash, length));
    }
    ByteBuffer header = ByteBuffer.allocate(Record.PREFIX + h);
    readAt(header, offset);
    int word = header.getInt(0);
    if (Record.payloadLength(word) != length) {
      throw new CorruptionException(
          segment.name,
          offset,
          String.format(
              "record length %d differs from the indexed length %d",
              Record.payloadLength(word), length));
    }
    byte[] named = new byte[h];
    header.get(Record.PREFIX, named);
    if (!Hash.of(hash.algorithm(), named).equals(hash)) {
      throw new CorruptionException(
          segment.name,
          offset,
          "record holds " + Hash.of(hash.algorithm(), named) + ", not " + hash);
    }
    crc.update(header.duplicate().position(0).limit(4));
    crc.update(header.duplicate().position(Record.PREFIX).limit(Record.PREFIX + h));
    expectedChecksum = header.getInt(4);
  }

  /** Fills {@code target} from {@code position} of the file, or fails past its end. */
  private void readAt(ByteBuffer target, long position) throws IOException {
    if (!DurableFiles.readFully(segment.channel(), target, position)) {
      throw new CorruptionException(
          segment.name,
          offset,
          String.format("record of %s (%d bytes) extends past the end of the file", hash, length));
    }
    target.flip();
  }

  @Override
  public long size() {
    return length;
  }

  @Override
  public int read(ByteBuffer target) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    long left = length - delivered;
    if (left == 0) {
      if (!checked) {
        checkWhole(); // an empty object
      }
      return -1;
    }
    int n = (int) Math.min(target.remaining(), left);
    if (n == 0) {
      return 0;
    }
    int start = target.position();
    ByteBuffer slice = target.slice().limit(n);
    readAt(slice, payloadStart + delivered);
    crc.update(slice.duplicate());
    if (hasher != null) {
      hasher.update(slice.duplicate());
    }
    delivered += n;
    if (delivered == length) {
      checkWhole(); // before the last bytes reach the caller
    }
    target.position(start + n);
    return n;
  }

  private void checkWhole() {
    checked = true;
    if ((int) crc.getValue() != expectedChecksum) {
      throw new CorruptionException(segment.name, offset, "record checksum mismatch");
    }
    if (hasher != null && !hasher.finish().equals(hash)) {
      throw new CorruptionException(segment.name, offset, "payload does not hash to " + hash);
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    if (open) {
      open = false;
      segment.release();
    }
  }
}
