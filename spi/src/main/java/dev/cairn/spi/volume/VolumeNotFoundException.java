package dev.cairn.spi.volume;

/**
 * No loaded volume has the given identifier, or none contains the given global offset.
 */
public final class VolumeNotFoundException extends VolumeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code what} says what was looked for, e.g. "offset 42". */
  public VolumeNotFoundException(String what) {
    super("volume not found: looking for " + what);
  }
}
