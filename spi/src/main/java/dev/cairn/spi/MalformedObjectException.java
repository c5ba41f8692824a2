package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

/**
 * A {@link LinkExtractor} could not read an object in the format it expects: the object's links are
 * unknown, so a garbage collection that meets it stops before removing anything. Names the object
 * and the offset in its bytes where the problem was found.
 */
public class MalformedObjectException extends CorruptionException {
  private static final long serialVersionUID = 1L;

  private final transient Hash hash;

  /**
   * Creates the exception.
   *
   * @param extractor the name of the extractor that failed, e.g. {@code "git"}
   * @param hash the object
   * @param offset the offset in the object's bytes where the problem was found, or -1
   * @param problem what is wrong, e.g. {@code "tree entry without NUL"}
   */
  public MalformedObjectException(String extractor, Hash hash, long offset, String problem) {
    super(
        "object "
            + requireNonNull(hash, "hash")
            + " (read as "
            + requireNonNull(extractor, "extractor")
            + ")",
        offset,
        problem);
    this.hash = hash;
  }

  /** The object that could not be read. */
  public Hash hash() {
    return hash;
  }
}
