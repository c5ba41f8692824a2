package dev.cairn.spi;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** An I/O operation of a store failed. The cause is the original {@link IOException}. */
public class StoreIOException extends CairnException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the store was doing, e.g. {@code "appending to /var/cairn/seg-1"}
   * @param cause the failure
   */
  public StoreIOException(String message, IOException cause) {
    super(message + ": " + cause, cause);
  }

  @Override
  public synchronized @Nullable IOException getCause() {
    return (IOException) super.getCause();
  }
}
