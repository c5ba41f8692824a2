package dev.cairn.spi.volume;

/** {@code archive} was called on a lower without any volume to append to. */
public final class LowerHasNoVolumeException extends VolumeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for the lower described by {@code lower}. */
  public LowerHasNoVolumeException(String lower) {
    super(String.format("lower %s has no volume: add one before archiving", lower));
  }
}
