package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

/** Thrown by a mutating operation on a store that does not accept it. Nothing was changed. */
public class ReadOnlyStoreException extends CairnException {
  private static final long serialVersionUID = 1L;

  private final String operation;

  /**
   * Creates the exception.
   *
   * @param store a description of the store, e.g. {@code "read-only:memory:"}
   * @param operation the rejected operation, e.g. {@code "write"}
   */
  public ReadOnlyStoreException(String store, String operation) {
    super(String.format("%s rejected: store %s is read-only", operation, store));
    this.operation = requireNonNull(operation, "operation");
  }

  /** The operation that was rejected, e.g. {@code "setRef"}. */
  public String operation() {
    return operation;
  }
}
