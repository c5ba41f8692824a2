package dev.cairn.spi.volume;

/**
 * A volume file is intact (its checksum matches) but in a format version this build does not
 * read, for example one written by a newer release. Nothing was changed.
 */
public final class UnsupportedVolumeFormatException extends VolumeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param file the file
   * @param version the version it declares
   * @param supported the version this build reads
   */
  public UnsupportedVolumeFormatException(String file, int version, int supported) {
    super(String.format(
        "%s has format version %d; this build reads version %d", file, version, supported));
  }
}
