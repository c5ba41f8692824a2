package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;

/**
 * A hash function that names stored objects. Implementations are immutable, thread-safe and
 * identified by {@link #name()}: two algorithms with the same name are the same algorithm.
 *
 * <p>{@link #SHA1} (Git's object ids) and {@link #SHA256} are built in. Further algorithms are
 * found with {@link java.util.ServiceLoader} as providers of this interface; see {@link
 * HashAlgorithms}.
 */
public interface HashAlgorithm {
  /** SHA-1, 20 bytes: the object ids of Git repositories. */
  HashAlgorithm SHA1 = new MessageDigestAlgorithm("sha1", "SHA-1", 20);

  /** SHA-256, 32 bytes: the default for new stores. */
  HashAlgorithm SHA256 = new MessageDigestAlgorithm("sha256", "SHA-256", 32);

  /** The name used in specs and on disk, e.g. {@code "sha256"}: lowercase, stable forever. */
  String name();

  /** The number of bytes of a digest. */
  int digestLength();

  /** Starts an incremental computation. */
  Hasher newHasher();

  /** The hash of {@code bytes}. */
  default Hash hash(byte[] bytes) {
    requireNonNull(bytes, "bytes");
    return newHasher().update(bytes, 0, bytes.length).finish();
  }

  /** The hash of {@code length} bytes of {@code bytes} from {@code offset}. */
  default Hash hash(byte[] bytes, int offset, int length) {
    requireNonNull(bytes, "bytes");
    return newHasher().update(bytes, offset, length).finish();
  }

  /**
   * The hash of everything {@code in} yields until its end. Does not close the stream.
   *
   * @throws IOException if reading fails
   */
  default Hash hash(InputStream in) throws IOException {
    requireNonNull(in, "in");
    Hasher hasher = newHasher();
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) != -1; ) {
      hasher.update(buffer, 0, n);
    }
    return hasher.finish();
  }

  /**
   * The algorithm called {@code name} among the built-in ones and those the class loader of this
   * interface finds.
   *
   * @throws IllegalArgumentException naming the known algorithms if there is none by that name
   */
  static HashAlgorithm forName(String name) {
    return HashAlgorithms.standard().get(name);
  }
}
