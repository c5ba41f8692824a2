package dev.cairn.spi.volume;

/** {@code addVolume} was called while the last volume is still empty: at most one may be. */
public final class MultipleEmptyVolumesException extends VolumeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception naming the volume that is already empty. */
  public MultipleEmptyVolumesException(String emptyVolume) {
    super(String.format(
        "cannot add a volume: %s is empty and only one empty volume is allowed", emptyVolume));
  }
}
