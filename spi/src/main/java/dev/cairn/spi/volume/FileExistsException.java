package dev.cairn.spi.volume;

import static java.util.Objects.requireNonNull;

/** A volume was to be created where a file or directory already exists. Nothing changed. */
public final class FileExistsException extends VolumeException {
  private static final long serialVersionUID = 1L;

  private final String path;

  /** Creates the exception for the existing {@code path}. */
  public FileExistsException(String path) {
    super(String.format("cannot create volume: %s already exists", path));
    this.path = requireNonNull(path, "path");
  }

  /** The path that already exists. */
  public String path() {
    return path;
  }
}
