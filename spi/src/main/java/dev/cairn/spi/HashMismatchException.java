package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

/** Bytes do not hash to the hash they are stored or offered under. They were not served. */
public class HashMismatchException extends CairnException {
  private static final long serialVersionUID = 1L;

  private final Hash expected;
  private final Hash actual;

  /**
   * Creates the exception.
   *
   * @param expected the hash the bytes were stored or offered under
   * @param actual the hash of the bytes themselves
   */
  public HashMismatchException(Hash expected, Hash actual) {
    super(String.format("hash mismatch: object %s hashes to %s", expected, actual));
    this.expected = requireNonNull(expected, "expected");
    this.actual = requireNonNull(actual, "actual");
  }

  /** The hash the bytes claimed. */
  public Hash expected() {
    return expected;
  }

  /** The hash of the bytes. */
  public Hash actual() {
    return actual;
  }
}
