package dev.cairn.spi.volume;

import java.io.IOException;

/** An I/O operation of a lower failed (the seed's {@code Sys_error}). Keeps its cause. */
public final class VolumeIOException extends VolumeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the lower was doing, e.g. {@code "renaming /l/volume.0/volume.3.control"}
   * @param cause the failure
   */
  public VolumeIOException(String message, IOException cause) {
    super(message + ": " + cause, cause);
  }

  @Override
  public synchronized IOException getCause() {
    return (IOException) super.getCause();
  }
}
