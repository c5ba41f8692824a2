package dev.cairn.spi;

/**
 * The root of every exception Cairn throws on purpose. Unchecked: a store's failures are either
 * programming errors (a closed store, a bad name) or conditions the caller can only report
 * (corruption, I/O), so no caller is forced to catch what it cannot handle.
 */
public class CairnException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with the given message. */
  public CairnException(String message) {
    super(message);
  }

  /** Creates an exception with the given message and cause. */
  public CairnException(String message, Throwable cause) {
    super(message, cause);
  }
}
