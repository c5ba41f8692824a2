package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The identity of a stored object: the digest of its bytes under one {@link HashAlgorithm}.
 *
 * <p>Immutable and thread-safe. Two hashes are equal when their algorithms are the same and their
 * bytes are the same. Ordering is by algorithm name, then by the bytes as unsigned values, which is
 * also the order of their hexadecimal forms. {@link #toString()} is the lowercase hexadecimal form,
 * as Git prints object ids.
 */
public final class Hash implements Comparable<Hash> {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final HashAlgorithm algorithm;
  private final byte[] bytes;

  private Hash(HashAlgorithm algorithm, byte[] bytes) {
    this.algorithm = algorithm;
    this.bytes = bytes;
  }

  /**
   * Returns the hash with the given digest bytes.
   *
   * @throws IllegalArgumentException if {@code bytes} is not {@code algorithm.digestLength()} long
   */
  public static Hash of(HashAlgorithm algorithm, byte[] bytes) {
    requireNonNull(algorithm, "algorithm");
    requireNonNull(bytes, "bytes");
    return of(algorithm, bytes, 0, bytes.length);
  }

  /**
   * Returns the hash whose digest is {@code length} bytes of {@code source} from {@code offset}.
   *
   * @throws IllegalArgumentException if {@code length} is not the algorithm's digest length
   */
  public static Hash of(HashAlgorithm algorithm, byte[] source, int offset, int length) {
    requireNonNull(algorithm, "algorithm");
    requireNonNull(source, "source");
    if (length != algorithm.digestLength()) {
      throw new IllegalArgumentException(
          String.format(
              "a %s hash has %d bytes, got %d",
              algorithm.name(), algorithm.digestLength(), length));
    }
    return new Hash(algorithm, Arrays.copyOfRange(source, offset, offset + length));
  }

  /**
   * Reads {@code algorithm.digestLength()} bytes from the buffer's position, advancing it.
   *
   * @throws java.nio.BufferUnderflowException if fewer bytes remain
   */
  public static Hash read(HashAlgorithm algorithm, ByteBuffer source) {
    requireNonNull(algorithm, "algorithm");
    byte[] bytes = new byte[algorithm.digestLength()];
    source.get(bytes);
    return new Hash(algorithm, bytes);
  }

  /**
   * Parses the hexadecimal form of a hash (upper or lower case).
   *
   * @throws IllegalArgumentException naming the input if it has the wrong length for the algorithm
   *     or a character that is not a hexadecimal digit
   */
  public static Hash parse(HashAlgorithm algorithm, String hex) {
    requireNonNull(algorithm, "algorithm");
    requireNonNull(hex, "hex");
    int expected = algorithm.digestLength() * 2;
    if (hex.length() != expected) {
      throw new IllegalArgumentException(
          String.format(
              "a %s hash has %d hex digits, got %d in %s",
              algorithm.name(), expected, hex.length(), Quote.of(hex)));
    }
    for (int i = 0; i < hex.length(); i++) {
      if (!isAsciiHex(hex.charAt(i))) {
        throw new IllegalArgumentException(
            String.format(
                "not a hex digit: %s at %d in %s",
                Quote.of(String.valueOf(hex.charAt(i))), i, Quote.of(hex)));
      }
    }
    byte[] bytes = new byte[algorithm.digestLength()];
    for (int i = 0; i < bytes.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      bytes[i] = (byte) ((hi << 4) | lo);
    }
    return new Hash(algorithm, bytes);
  }

  private static boolean isAsciiHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** The algorithm this hash was computed with. */
  public HashAlgorithm algorithm() {
    return algorithm;
  }

  /** The number of digest bytes. */
  public int length() {
    return bytes.length;
  }

  /** The digest byte at {@code index}. */
  public byte byteAt(int index) {
    return bytes[index];
  }

  /** A fresh copy of the digest bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Writes the digest bytes into {@code target} at {@code offset}. */
  public void copyTo(byte[] target, int offset) {
    System.arraycopy(bytes, 0, target, offset, bytes.length);
  }

  /** Writes the digest bytes into {@code target} at its position, advancing it. */
  public void writeTo(ByteBuffer target) {
    target.put(bytes);
  }

  /** The lowercase hexadecimal form. */
  public String toHex() {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash
        && ((Hash) o).algorithm.name().equals(algorithm.name())
        && Arrays.equals(((Hash) o).bytes, bytes);
  }

  /** The first four digest bytes: digests are uniform, so they are as good as any mix. */
  @Override
  public int hashCode() {
    int h = 0;
    for (int i = 0; i < Math.min(4, bytes.length); i++) {
      h = (h << 8) | (bytes[i] & 0xff);
    }
    return h;
  }

  @Override
  public int compareTo(Hash other) {
    int byAlgorithm = algorithm.name().compareTo(other.algorithm.name());
    return byAlgorithm != 0 ? byAlgorithm : Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** The lowercase hexadecimal form, as {@link #toHex()}. */
  @Override
  public String toString() {
    return toHex();
  }
}
