package dev.cairn.spi.volume;

/**
 * {@code archive} was asked to place data before the end of what the lower already holds:
 * global offsets only grow, across volumes too. Nothing was written.
 */
public final class OffsetOutOfOrderException extends VolumeException {
  private static final long serialVersionUID = 1L;

  private final long endOffset;
  private final long offset;

  /**
   * Creates the exception.
   *
   * @param volume the volume appended to
   * @param endOffset the end offset the lower already holds
   * @param offset the offered first offset, smaller than {@code endOffset}
   */
  public OffsetOutOfOrderException(String volume, long endOffset, long offset) {
    super(String.format(
        "cannot archive at offset %d into %s: the lower already ends at offset %d",
        offset, volume, endOffset));
    this.endOffset = endOffset;
    this.offset = offset;
  }

  /** The end offset already held. */
  public long endOffset() {
    return endOffset;
  }

  /** The rejected first offset. */
  public long offset() {
    return offset;
  }
}
