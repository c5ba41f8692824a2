package dev.cairn.spi.volume;

/**
 * A read by offset asked for bytes a volume does not hold: an offset in a gap between archived
 * ranges, fewer bytes available than the minimum asked, or a read from an empty volume.
 */
public final class InvalidReadException extends VolumeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the volume, offset and lengths. */
  public InvalidReadException(String message) {
    super(message);
  }
}
