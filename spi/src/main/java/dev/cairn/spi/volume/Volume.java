package dev.cairn.spi.volume;

import java.nio.file.Path;

/**
 * One volume of a {@link Lower}: a directory holding a contiguous-or-gapped range of global
 * offsets, {@code [startOffset, endOffset)}, as last committed by its control file. A {@code
 * Volume} is an immutable snapshot taken when the lower was opened or reloaded; it does not change
 * when the lower archives or swaps (reload to see that). Thread-safe.
 *
 * <p>An <em>empty</em> volume has been added but holds nothing yet; it has no offsets and contains
 * none. Only the last volume of a lower is appended to; at most one volume, the last, is empty.
 */
public interface Volume {
  /**
   * The identifier that {@link Lower#read(long, byte[], int, String)}, {@link Lower#swap} and
   * {@link Lower#archive} use: the volume directory's absolute path, as a string.
   */
  String id();

  /** The volume's directory, absolute. */
  Path path();

  /** Whether the volume holds nothing yet. */
  boolean isEmpty();

  /**
   * The first global offset the volume holds.
   *
   * @throws IllegalStateException if the volume is empty
   */
  long startOffset();

  /**
   * The global offset just past the last byte the volume holds.
   *
   * @throws IllegalStateException if the volume is empty
   */
  long endOffset();

  /** Whether {@code startOffset() <= offset < endOffset()}; false for an empty volume. */
  boolean contains(long offset);

  /** The number of objects findable by hash in the volume; 0 for an empty volume. */
  long objectCount();

  /**
   * The generation of the archive that last committed this volume (the generation of its index): 0
   * for a volume made by {@code createFrom} and not archived into since, -1 for an empty volume.
   */
  long generation();
}
