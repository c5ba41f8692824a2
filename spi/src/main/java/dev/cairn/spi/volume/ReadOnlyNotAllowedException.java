package dev.cairn.spi.volume;

/** A write operation ({@code addVolume}, {@code archive}, ...) on a read-only lower. */
public final class ReadOnlyNotAllowedException extends VolumeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param lower a description of the lower, e.g. its root
   * @param operation the rejected operation
   */
  public ReadOnlyNotAllowedException(String lower, String operation) {
    super(String.format("%s rejected: lower %s is read-only", operation, lower));
  }
}
