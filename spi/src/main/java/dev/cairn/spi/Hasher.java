package dev.cairn.spi;

/**
 * Computes one hash incrementally. Not thread-safe; use one per computation.
 * Obtained from {@link HashAlgorithm#newHasher()}.
 */
public interface Hasher {
  /** Adds {@code length} bytes of {@code bytes} from {@code offset}; returns this hasher. */
  Hasher update(byte[] bytes, int offset, int length);

  /** Adds all of {@code bytes}; returns this hasher. */
  default Hasher update(byte[] bytes) {
    return update(bytes, 0, bytes.length);
  }

  /** Finishes the computation. The hasher must not be used afterwards. */
  Hash finish();
}
