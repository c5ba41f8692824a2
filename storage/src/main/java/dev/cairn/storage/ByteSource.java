package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where a {@link PackReader} reads a pack's bytes: a file channel, a (mapped) buffer, or any "read
 * this range" call, such as one ranged GET of an object store. A reader asks for each record with
 * exactly one call, so an implementation that costs a round trip per call costs one per object
 * read. Implementations must be safe for concurrent calls.
 */
@FunctionalInterface
public interface ByteSource {
  /**
   * Exactly {@code length} bytes at {@code position}, as a buffer from its position 0 to its limit
   * {@code length}, which the caller may consume.
   *
   * @throws EOFException if the source ends before {@code position + length}
   * @throws IOException if reading fails
   */
  ByteBuffer read(long position, int length) throws IOException;

  /** The bytes of {@code channel}, read positionally (thread-safe, as the channel is). */
  static ByteSource of(FileChannel channel) {
    requireNonNull(channel, "channel");
    return (position, length) -> {
      ByteBuffer buffer = ByteBuffer.allocate(length);
      if (!DurableFiles.readFully(channel, buffer, position)) {
        throw new EOFException("file ends before " + length + " bytes at offset " + position);
      }
      return buffer.flip();
    };
  }

  /**
   * The bytes of {@code buffer} from its index 0 to its limit, shared without copying (a mapped
   * file's buffer serves records straight from the page cache). The buffer must not change while
   * the source is used.
   */
  static ByteSource of(ByteBuffer buffer) {
    ByteBuffer whole = requireNonNull(buffer, "buffer").duplicate().clear().limit(buffer.limit());
    return (position, length) -> {
      if (position < 0 || length < 0 || position > whole.limit() - (long) length) {
        throw new EOFException(
            String.format(
                "buffer of %d bytes ends before %d bytes at offset %d",
                whole.limit(), length, position));
      }
      return whole.slice((int) position, length);
    };
  }
}
