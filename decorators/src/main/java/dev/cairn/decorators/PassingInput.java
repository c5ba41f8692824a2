package dev.cairn.decorators;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.Hasher;
import dev.cairn.spi.ObjectStreams;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The input of a streamed write as a decorator sees it pass to its child: counted and, if asked,
 * hashed and kept (when it is small) as it is read. A listener is told the hash, and the bytes if
 * they were kept, once the input has ended — when it signals its end or has yielded the length
 * declared — that is, before the child has stored the object. Not thread-safe; {@code mark}/{@code
 * reset} are not supported.
 */
final class PassingInput extends FilterInputStream {
  /** Told the hash (null where not hashing) and the bytes (null unless kept) at the end. */
  interface Ended extends BiConsumer<@Nullable Hash, byte @Nullable []> {}

  private static final Ended NOBODY = (hash, bytes) -> {};

  private final @Nullable Hasher hasher;
  private final long declared;
  private final int keep;
  private final Ended ended;
  private @Nullable ByteArrayOutputStream kept;
  private long count;
  private boolean atEnd;
  private @Nullable Hash hash;

  private PassingInput(
      InputStream in, @Nullable HashAlgorithm algorithm, long declared, int keep, Ended ended) {
    super(requireNonNull(in, "in"));
    this.hasher = algorithm == null ? null : algorithm.newHasher();
    this.declared = declared;
    this.keep = keep;
    this.kept = keep > 0 ? new ByteArrayOutputStream() : null;
    this.ended = ended;
  }

  /**
   * Counts what passes; {@code declared} is the write's length or {@link
   * ObjectStreams#UNKNOWN_LENGTH}.
   */
  static PassingInput counted(InputStream in, long declared) {
    return new PassingInput(in, null, declared, 0, NOBODY);
  }

  /** Counts and hashes what passes. */
  static PassingInput hashed(InputStream in, HashAlgorithm algorithm, long declared) {
    return new PassingInput(in, requireNonNull(algorithm, "algorithm"), declared, 0, NOBODY);
  }

  /**
   * Counts and hashes what passes, keeps it if it is at most {@code keep} bytes, and tells {@code
   * ended} at the end.
   */
  static PassingInput watched(
      InputStream in, HashAlgorithm algorithm, long declared, int keep, Ended ended) {
    return new PassingInput(
        in, requireNonNull(algorithm, "algorithm"), declared, keep, requireNonNull(ended, "ended"));
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (atEnd) {
      return in.read(b, off, len); // past the end: only the child's check that nothing follows
    }
    int n = in.read(b, off, len);
    if (n > 0) {
      if (hasher != null) {
        hasher.update(b, off, n);
      }
      if (kept != null) {
        if (count + n <= keep) {
          kept.write(b, off, n);
        } else {
          kept = null;
        }
      }
      count += n;
    }
    if (n < 0 || count == declared) {
      atEnd = true;
      hash = hasher == null ? null : hasher.finish();
      ended.accept(hash, kept == null ? null : kept.toByteArray());
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] sink = new byte[(int) Math.min(Math.max(n, 0), 8192)];
    return Math.max(read(sink, 0, sink.length), 0);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int limit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("the input of a streamed write cannot be reset");
  }

  /** The bytes read so far. */
  long count() {
    return count;
  }

  /**
   * The hash of what was read, finishing it now if the input has not ended (the hash of what the
   * child took); null where not hashing.
   */
  @Nullable Hash hash() {
    if (!atEnd && hasher != null) {
      atEnd = true;
      hash = hasher.finish();
    }
    return hash;
  }
}
