package dev.cairn.spi;

/**
 * An object is larger than the store that was asked to hold it can hold. Thrown before the object's
 * bytes are read where its size is known, else as soon as they exceed the limit. Nothing of the
 * object was stored, and nothing stored before was lost.
 */
public class ObjectTooLargeException extends CairnException {
  private static final long serialVersionUID = 1L;

  private final long limit;

  /**
   * Creates the exception.
   *
   * @param store a description of the store, e.g. {@code "disk:/var/cairn"}
   * @param size the object's size, or -1 if it is known only to exceed {@code limit}
   * @param limit the most bytes an object of that store may have
   */
  public ObjectTooLargeException(String store, long size, long limit) {
    super(
        String.format(
            "%s holds objects of at most %d bytes (%s); this one has %s",
            store,
            limit,
            ObjectStreams.sizeInWords(limit),
            size < 0 ? "more" : size + " bytes (" + ObjectStreams.sizeInWords(size) + ")"));
    this.limit = limit;
  }

  /**
   * Creates the exception with a message of the caller's.
   *
   * @param message what was refused and why, naming the store and the limit
   * @param limit the most bytes an object may have there
   */
  public ObjectTooLargeException(String message, long limit) {
    super(message);
    this.limit = limit;
  }

  /** The most bytes an object of the store may have. */
  public long limit() {
    return limit;
  }
}
