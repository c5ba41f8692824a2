package dev.cairn.spi.volume;

import static java.util.Objects.requireNonNull;

/**
 * The result of {@link Lower#readRange}: how many bytes were read and from which volume.
 *
 * @param length the number of bytes read, between the minimum and maximum asked
 * @param volumeId the identifier of the volume read
 */
public record RangeRead(int length, String volumeId) {
  /** Checks the components. */
  public RangeRead {
    requireNonNull(volumeId, "volumeId");
    if (length < 0) {
      throw new IllegalArgumentException("length (" + length + ") must not be negative");
    }
  }
}
