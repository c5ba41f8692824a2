package dev.cairn.spi.volume;

/** The lower's root, where volumes are created, does not exist or is not a directory. */
public final class InvalidParentDirectoryException extends VolumeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for the bad root {@code root}. */
  public InvalidParentDirectoryException(String root) {
    super(String.format("invalid parent directory: %s is not a directory", root));
  }
}
