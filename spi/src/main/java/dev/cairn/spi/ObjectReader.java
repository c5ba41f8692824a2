package dev.cairn.spi;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;

/**
 * The bytes of one stored object, read in order without being held whole in memory: see {@link
 * ObjectStreams#open(Hash)}. Not thread-safe: one reader per caller.
 *
 * <p>The reader checks what the store checks on {@link Backend#read} as it goes; a check that needs
 * the whole object (a record checksum, a re-hash) is made when the last byte has been read, so
 * {@link #read(java.nio.ByteBuffer)} throws {@link CorruptionException} or {@link
 * HashMismatchException} <em>instead of</em> signalling the end. A caller that read to the end
 * without an exception has read exactly the object's bytes; one that stops early has read a prefix
 * that was not checked as a whole.
 *
 * <p>Close it: until then the store may keep files open (and, for {@code disk:}, space that a
 * compaction freed).
 */
public interface ObjectReader extends ReadableByteChannel {
  /** The number of bytes of the object, known before the first read. */
  long size();

  /**
   * This reader as an {@link InputStream}; closing the stream closes the reader. Damage is reported
   * as described above, as the unchecked exception the reader throws.
   */
  default InputStream asInputStream() {
    return Channels.newInputStream(this);
  }

  /**
   * A reader of the bytes of {@code bytes} from its position to its limit, which it does not copy
   * (nor change): for stores that hold objects in memory, and for tests.
   */
  static ObjectReader of(ByteBuffer bytes) {
    return new BufferReader(bytes);
  }
}
