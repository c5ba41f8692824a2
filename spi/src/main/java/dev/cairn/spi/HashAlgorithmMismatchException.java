package dev.cairn.spi;

/**
 * A hash of one algorithm was given to a store of another, or a store was opened with a {@code
 * hash=} that differs from the one it was created with. Nothing was changed.
 */
public class HashAlgorithmMismatchException extends CairnException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming both algorithms. */
  public HashAlgorithmMismatchException(String message) {
    super(message);
  }

  /**
   * Creates the exception for a hash offered to a store.
   *
   * @param store a description of the store
   * @param expected the store's algorithm
   * @param hash the offending hash
   */
  public HashAlgorithmMismatchException(String store, HashAlgorithm expected, Hash hash) {
    super(
        String.format(
            "store %s holds %s hashes, got %s hash %s",
            store, expected.name(), hash.algorithm().name(), hash));
  }
}
