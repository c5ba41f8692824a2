package dev.cairn.spi.volume;

import static java.util.Objects.requireNonNull;

/**
 * What {@link Lower#archive} wrote, still invisible until {@link Lower#swap}.
 *
 * @param volumeId the identifier of the volume appended to, to pass to {@code swap}
 * @param generation the GC generation the archive was written for
 * @param startOffset the global offset the first archived object received
 * @param endOffset the global offset just past the last archived object ({@code startOffset} if
 *     nothing was archived)
 * @param objectCount how many objects were archived
 */
public record Archived(
    String volumeId, int generation, long startOffset, long endOffset, long objectCount) {
  /** Checks the components. */
  public Archived {
    requireNonNull(volumeId, "volumeId");
    if (endOffset < startOffset || objectCount < 0) {
      throw new IllegalArgumentException(
          String.format(
              "bad archive: offsets [%d, %d), %d objects", startOffset, endOffset, objectCount));
    }
  }
}
