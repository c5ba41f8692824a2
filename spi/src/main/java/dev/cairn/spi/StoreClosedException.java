package dev.cairn.spi;

/** Thrown by every operation but {@link Backend#close()} once a store has been closed. */
public class StoreClosedException extends CairnException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception for a store.
   *
   * @param store a description of the closed store, e.g. {@code "memory:cache"}
   * @param operation the operation that was attempted
   */
  public StoreClosedException(String store, String operation) {
    super(String.format("%s failed: store %s is closed", operation, store));
  }
}
