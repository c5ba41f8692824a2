package dev.cairn.disk;

import dev.cairn.spi.StoreConfigurationException;

/**
 * A store directory is already open for writing, by another process or by another opener in
 * this one. Nothing was changed. Open it with {@code mode=read-only} to read beside the writer.
 */
public final class StoreLockedException extends StoreConfigurationException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the directory and who holds it. */
  public StoreLockedException(String message) {
    super(message);
  }
}
