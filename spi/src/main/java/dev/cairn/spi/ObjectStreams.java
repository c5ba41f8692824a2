package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A store feature (see {@link Backend#feature(Class)}): objects written from an {@link InputStream}
 * and read as an {@link ObjectReader}, in memory independent of their size.
 *
 * <p>{@link #write} hashes the bytes while it stores them and is atomic and durable as {@link
 * Backend#put} is: when it returns the object is stored (durably, where {@code put} would be); if
 * it throws — the input failed or ended early, the object is too large, an I/O error — nothing of
 * the object is visible, now or after a crash, and nothing stored before is lost. {@link #open}
 * reads an object without holding it whole in memory, its size known before the first byte.
 *
 * <p>A store that cannot stream does not offer this feature; {@link #of(Backend)} then gives the
 * fallback, which goes through {@link Backend#put} and {@link Backend#read} and so needs heap for
 * the whole object: once its size to read it, up to twice its size to write it when its length is
 * not declared, plus whatever the store itself copies.
 *
 * <p>Thread-safe: any number of writes and readers may run at once.
 */
public interface ObjectStreams {
  /** The {@code length} of {@link #write} for an input whose length is not known. */
  long UNKNOWN_LENGTH = -1;

  /**
   * The largest object, in bytes, this store holds. Larger writes are refused with {@link
   * ObjectTooLargeException}.
   */
  long maxObjectSize();

  /**
   * Stores everything {@code in} yields until its end and returns its hash, computed while writing.
   * Does not close {@code in}. See the class comment for atomicity and durability.
   *
   * @param in the object's bytes
   * @param length how many bytes {@code in} yields, or {@link #UNKNOWN_LENGTH}
   * @return the object's hash under the store's algorithm
   * @throws ObjectTooLargeException before reading anything if {@code length} exceeds {@link
   *     #maxObjectSize()}, else as soon as {@code in} has yielded more than that
   * @throws IOException if reading {@code in} fails, or it yields fewer or more bytes than {@code
   *     length}
   * @throws IllegalArgumentException if {@code length} is negative but not {@link #UNKNOWN_LENGTH}
   * @throws ReadOnlyStoreException if the store does not accept objects
   * @throws StoreIOException if the store's own I/O fails
   * @throws StoreClosedException if the store is closed
   */
  Hash write(InputStream in, long length) throws IOException;

  /**
   * Opens the object named {@code hash} for reading, or returns empty if the store does not hold
   * it. The caller closes the reader.
   *
   * @throws HashAlgorithmMismatchException if {@code hash} is of another algorithm
   * @throws CorruptionException if what locates the object is damaged (damage of its bytes is
   *     reported by the reader, see {@link ObjectReader})
   * @throws StoreIOException if the store's own I/O fails
   * @throws StoreClosedException if the store is closed
   */
  Optional<ObjectReader> open(Hash hash);

  /**
   * The streams of {@code store}: its own feature if it offers one, else the fallback through
   * {@link Backend#put} and {@link Backend#read} described in the class comment. The fallback holds
   * objects of at most {@link Integer#MAX_VALUE}{@code - 8} bytes (the largest array), and refuses
   * a declared length larger than the heap may ever grow ({@code -Xmx}) before reading.
   */
  static ObjectStreams of(Backend store) {
    requireNonNull(store, "store");
    return store.feature(ObjectStreams.class).orElseGet(() -> inHeap(store));
  }

  /**
   * The fallback of {@link #of(Backend)} itself, whatever {@code store} offers: for a store that
   * holds its objects in the heap anyway and would only stream its reads.
   */
  static ObjectStreams inHeap(Backend store) {
    return new HeapObjectStreams(requireNonNull(store, "store"));
  }

  /**
   * Checks the {@code length} argument of {@link #write} against {@code limit}, for
   * implementations: before anything is read.
   *
   * @throws ObjectTooLargeException naming {@code store} if {@code length} exceeds {@code limit}
   * @throws IllegalArgumentException if {@code length} is negative but not {@link #UNKNOWN_LENGTH}
   */
  static void checkLength(String store, long length, long limit) {
    if (length < 0 && length != UNKNOWN_LENGTH) {
      throw new IllegalArgumentException(
          "length (" + length + ") must be a size or ObjectStreams.UNKNOWN_LENGTH (-1)");
    }
    if (length > limit) {
      throw new ObjectTooLargeException(store, length, limit);
    }
  }

  /**
   * Checks, for implementations, that an input declared to yield {@code declared} bytes, of which
   * {@code read} were read, ends exactly there (reads at most one more byte).
   *
   * @throws java.io.EOFException if it ended early
   * @throws IOException if it holds more, or reading fails
   */
  static void checkEnd(InputStream in, long declared, long read) throws IOException {
    if (read < declared) {
      throw new java.io.EOFException(
          String.format("the input ended after %d of the %d bytes declared", read, declared));
    }
    if (in.read() != -1) {
      throw new IOException(
          String.format("the input holds more than the %d bytes declared", declared));
    }
  }

  /** {@code bytes} in words, e.g. {@code "512 MiB"} or {@code "1.5 KiB"}, for messages. */
  static String sizeInWords(long bytes) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    if (unit == 0) {
      return bytes + " bytes";
    }
    return value == Math.rint(value)
        ? String.format("%d %s", (long) value, units[unit])
        : String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
