package dev.cairn.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads the output of {@code git cat-file --batch}: records {@code "<oid> <type> <size>\n"}, then
 * the content, then {@code "\n"}. Each object comes back in Git's own form, {@code "<type>
 * <size>\0" + content}, in one array. Unsynchronized; used by one thread.
 */
final class CatFileStream {
  private final InputStream in;
  private final long maxObjectBytes;
  private final byte[] buffer = new byte[1 << 20];
  private int position;
  private int limit;

  /** The last record's object id, in hex. */
  @Nullable String oid;

  /**
   * Reads {@code in}; an object larger than {@code maxObjectBytes} is refused before it is read.
   */
  CatFileStream(InputStream in, long maxObjectBytes) {
    this.in = in;
    this.maxObjectBytes = maxObjectBytes;
  }

  /** The next object in Git's form, or {@code null} at the end of the stream. */
  byte @Nullable [] next() throws IOException {
    int newline = findNewline();
    if (newline < 0) {
      if (position == limit) {
        return null;
      }
      throw new EOFException("git cat-file output ends inside a header");
    }
    int first = indexOf(' ', position, newline);
    int second = first < 0 ? -1 : indexOf(' ', first + 1, newline);
    if (second < 0) {
      throw CliFailure.failure(
          "git cat-file printed an unexpected header: "
              + new String(buffer, position, newline - position, StandardCharsets.UTF_8));
    }
    oid = new String(buffer, position, first - position, StandardCharsets.US_ASCII);
    long size = 0;
    for (int i = second + 1; i < newline; i++) {
      int digit = buffer[i] - '0';
      if (digit < 0 || digit > 9 || size > Integer.MAX_VALUE) {
        throw CliFailure.failure(
            "git cat-file printed an unexpected header: "
                + new String(buffer, position, newline - position, StandardCharsets.UTF_8));
      }
      size = size * 10 + digit;
    }
    int typeLength = second - first - 1;
    String sizeText = Long.toString(size);
    long total = typeLength + 1L + sizeText.length() + 1 + size;
    if (total > Integer.MAX_VALUE - 16 || total > maxObjectBytes) {
      throw CliFailure.failure(
          String.format(
              java.util.Locale.ROOT,
              "object %s is %,d bytes: more than the %,d bytes this JVM's heap (-Xmx) can hold"
                  + " for one object",
              oid,
              size,
              Math.min(Integer.MAX_VALUE - 16, maxObjectBytes)));
    }
    byte[] object = new byte[(int) total];
    System.arraycopy(buffer, first + 1, object, 0, typeLength);
    object[typeLength] = ' ';
    for (int i = 0; i < sizeText.length(); i++) {
      object[typeLength + 1 + i] = (byte) sizeText.charAt(i);
    }
    int contentOffset = typeLength + 1 + sizeText.length() + 1;
    object[contentOffset - 1] = 0;
    position = newline + 1;
    readFully(object, contentOffset, (int) size);
    if (position == limit && !fill()) {
      throw new EOFException("git cat-file output ends inside object " + oid);
    }
    if (buffer[position++] != '\n') {
      throw CliFailure.failure("git cat-file output is out of step after object " + oid);
    }
    return object;
  }

  private int findNewline() throws IOException {
    int from = position;
    while (true) {
      int found = indexOf('\n', from, limit);
      if (found >= 0) {
        return found;
      }
      from = limit - position;
      if (!fill()) {
        return -1;
      }
      from += position;
    }
  }

  /** Moves the unread bytes to the front and reads more; false at the end of the stream. */
  private boolean fill() throws IOException {
    if (position > 0) {
      System.arraycopy(buffer, position, buffer, 0, limit - position);
      limit -= position;
      position = 0;
    }
    if (limit == buffer.length) {
      throw CliFailure.failure(
          "git cat-file printed a header longer than " + buffer.length + " bytes");
    }
    int n = in.read(buffer, limit, buffer.length - limit);
    if (n < 0) {
      return false;
    }
    limit += n;
    return true;
  }

  private void readFully(byte[] target, int offset, int length) throws IOException {
    int buffered = Math.min(length, limit - position);
    System.arraycopy(buffer, position, target, offset, buffered);
    position += buffered;
    int done = buffered;
    while (done < length) {
      int n = in.read(target, offset + done, length - done);
      if (n < 0) {
        throw new EOFException("git cat-file output ends inside object " + oid);
      }
      done += n;
    }
  }

  private int indexOf(char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
