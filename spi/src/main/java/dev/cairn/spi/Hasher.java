package dev.cairn.spi;

/**
 * Computes one hash incrementally. Not thread-safe; use one per computation. Obtained from {@link
 * HashAlgorithm#newHasher()}.
 */
public interface Hasher {
  /** Adds {@code length} bytes of {@code bytes} from {@code offset}; returns this hasher. */
  Hasher update(byte[] bytes, int offset, int length);

  /** Adds all of {@code bytes}; returns this hasher. */
  default Hasher update(byte[] bytes) {
    return update(bytes, 0, bytes.length);
  }

  /**
   * Adds the bytes of {@code bytes} from its position to its limit, leaving its position at the
   * limit; returns this hasher. The default copies them through a small array.
   */
  default Hasher update(java.nio.ByteBuffer bytes) {
    byte[] chunk = new byte[Math.min(bytes.remaining(), 64 * 1024)];
    while (bytes.hasRemaining()) {
      int n = Math.min(chunk.length, bytes.remaining());
      bytes.get(chunk, 0, n);
      update(chunk, 0, n);
    }
    return this;
  }

  /** Finishes the computation. The hasher must not be used afterwards. */
  Hash finish();
}
