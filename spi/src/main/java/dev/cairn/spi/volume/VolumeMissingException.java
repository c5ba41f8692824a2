package dev.cairn.spi.volume;

import static java.util.Objects.requireNonNull;

/**
 * A lower was opened or reloaded expecting more volumes than are on disk, or an expected
 * volume directory is not a directory. Names the first missing volume.
 */
public final class VolumeMissingException extends VolumeException {
  private static final long serialVersionUID = 1L;

  private final String path;

  /** Creates the exception for the first missing volume, {@code path}. */
  public VolumeMissingException(String path) {
    super(String.format("volume missing: %s is not a volume directory", path));
    this.path = requireNonNull(path, "path");
  }

  /** The path of the first missing volume. */
  public String path() {
    return path;
  }
}
