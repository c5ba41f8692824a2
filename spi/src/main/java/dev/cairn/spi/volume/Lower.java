package dev.cairn.spi.volume;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StoreClosedException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The lower layer of a layered store: an archive of objects that garbage collection moved out of
 * the upper layer, kept in a sequence of {@link Volume}s under one root directory (irmin-pack's
 * {@code Lower.S}, Java-shaped).
 *
 * <p><b>Offsets.</b> Every archived byte has a <em>global offset</em>. Offsets only grow: each
 * volume holds a range {@code [start, end)} beyond the ranges of the volumes before it, possibly
 * with gaps. Only the last volume is appended to; at most one volume, the last, is empty.
 *
 * <p><b>Opening.</b> An implementation is opened with the number of volumes expected ({@code
 * volumeNum}, 0 for a new lower) and a read-only flag; if an expected volume is not on disk,
 * opening throws {@link VolumeException} ({@code VOLUME_MISSING}) naming the first missing one. A
 * read-only lower rejects every write operation with {@link dev.cairn.spi.ReadOnlyStoreException}.
 *
 * <p><b>Writing.</b> {@link #archive} is the only write of data. It makes no observable change: it
 * appends past the committed end of the last volume and writes a temporary control file for its
 * generation. {@link #swap} makes it visible atomically; {@link #cleanup} finishes or discards what
 * a crash left behind.
 *
 * <p><b>Durability.</b> When {@code archive} returns, everything it wrote is on stable storage;
 * when {@code swap}, {@code addVolume} or {@code createFrom} return, their effect is durable.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use; reads run concurrently with each other and with
 * {@code archive}. A reader in another process sees changes after {@link #reload}.
 *
 * <p><b>Errors.</b> Each error case is a {@link VolumeException} with its {@link
 * VolumeException.Reason}; failed I/O is a {@link dev.cairn.spi.StoreIOException} with its cause;
 * damaged files are {@link CorruptionException}s naming the file and offset; after {@link #close()}
 * every operation but {@code close} throws {@link StoreClosedException}.
 */
public interface Lower extends AutoCloseable {
  /**
   * Reloads the volumes from disk, expecting {@code volumeNum} of them: afterwards the lower sees
   * what was committed, by this process or another, up to now.
   *
   * @throws VolumeException (VOLUME_MISSING) naming the first expected volume that is not on disk
   * @throws IllegalArgumentException if {@code volumeNum} is negative
   */
  void reload(int volumeNum);

  /** Releases every resource. Idempotent. */
  @Override
  void close();

  /** The number of volumes loaded. */
  int volumeNum();

  /** The volumes loaded, oldest first. */
  List<Volume> volumes();

  /**
   * The global offset just past everything the loaded volumes hold (0 if they hold nothing): the
   * smallest {@code fromOffset} {@link #archive} accepts.
   */
  default long endOffset() {
    long end = 0;
    for (Volume volume : volumes()) {
      if (!volume.isEmpty()) {
        end = Math.max(end, volume.endOffset());
      }
    }
    return end;
  }

  /** Whether write operations are rejected. */
  boolean isReadOnly();

  /**
   * Allows or forbids write operations from now on; used by a GC worker to allow {@link #archive}
   * on a lower it otherwise only reads.
   */
  void setReadOnly(boolean readOnly);

  /**
   * Adds a new empty volume after the last one; it becomes the appendable volume.
   *
   * @return the new volume
   * @throws dev.cairn.spi.ReadOnlyStoreException if the lower is read-only
   * @throws VolumeException (MULTIPLE_EMPTY_VOLUMES) if the last volume is empty
   * @throws VolumeException (FILE_EXISTS) if the new volume's directory already exists on disk
   * @throws VolumeException (INVALID_PARENT_DIRECTORY) if the root is not a directory
   */
  Volume addVolume();

  /** The volume whose range contains the global {@code offset}, if any. */
  Optional<Volume> findVolume(long offset);

  /**
   * Reads exactly {@code length} bytes at the global {@code offset} into {@code target} from index
   * 0, from the volume that contains the offset.
   *
   * @return the identifier of the volume read
   * @throws VolumeException (VOLUME_NOT_FOUND) if no volume contains {@code offset}
   * @throws VolumeException (INVALID_READ) if the volume does not hold {@code length} bytes there
   */
  default String read(long offset, byte[] target, int length) {
    return readRange(offset, length, length, target).volumeId();
  }

  /**
   * As {@link #read(long, byte[], int)}, from the volume identified by {@code volumeId}.
   *
   * @throws VolumeException (VOLUME_NOT_FOUND) if no loaded volume has that identifier
   */
  default String read(long offset, byte[] target, int length, String volumeId) {
    return readRange(offset, length, length, target, volumeId).volumeId();
  }

  /**
   * Reads at least {@code minLength} and at most {@code maxLength} bytes (fewer than {@code
   * maxLength} only where the archived range ends) at the global {@code offset} into {@code target}
   * from index 0, from the volume that contains the offset.
   *
   * @throws VolumeException (VOLUME_NOT_FOUND) if no volume contains {@code offset}
   * @throws VolumeException (INVALID_READ) if fewer than {@code minLength} bytes are held there
   * @throws IllegalArgumentException if {@code 0 <= minLength <= maxLength <= target.length} does
   *     not hold
   */
  RangeRead readRange(long offset, int minLength, int maxLength, byte[] target);

  /**
   * As {@link #readRange(long, int, int, byte[])}, from the volume identified by {@code volumeId}.
   *
   * @throws VolumeException (VOLUME_NOT_FOUND) if no loaded volume has that identifier
   */
  RangeRead readRange(long offset, int minLength, int maxLength, byte[] target, String volumeId);

  /**
   * Appends {@code objects}, in order, to the last volume, the first at global offset {@code
   * fromOffset} and each next one right after the previous one, and writes the volume's temporary
   * control file for {@code generation}. Nothing becomes visible: readers, this lower included, see
   * the archive only after {@link #swap}. Everything written is durable when this returns. Entries
   * are consumed one at a time and not retained.
   *
   * @param upperRoot the root of the upper store being collected, recorded as the archive's
   *     provenance
   * @param generation the GC generation; names the temporary control file
   * @param fromOffset the global offset of the first object: at least the end offset of every
   *     volume
   * @param objects the objects to archive
   * @return what was written, with the identifier of the volume to {@code swap}
   * @throws dev.cairn.spi.ReadOnlyStoreException if the lower is read-only
   * @throws VolumeException (LOWER_HAS_NO_VOLUME) if the lower has no volume
   * @throws VolumeException (OFFSET_OUT_OF_ORDER) if {@code fromOffset} is below an end offset
   *     already held
   * @throws dev.cairn.spi.HashAlgorithmMismatchException if an entry's hash is not of the lower's
   *     algorithm
   */
  Archived archive(Path upperRoot, int generation, long fromOffset, Iterator<ArchiveEntry> objects);

  /** As {@link #archive(Path, int, long, Iterator)}, consuming a stream (which is not closed). */
  default Archived archive(
      Path upperRoot, int generation, long fromOffset, Stream<ArchiveEntry> objects) {
    return archive(upperRoot, generation, fromOffset, objects.iterator());
  }

  /**
   * Initializes the first volume of this lower, which must have none, from the file {@code src}:
   * its first {@code deadHeaderSize} bytes are ignored, the next {@code size} bytes become global
   * offsets {@code [0, size)}. {@code src} is moved into the volume (copied and synced when it is
   * on another file system, then deleted); afterwards the lower has one volume. {@code src} must
   * hold data in the implementation's archive record format.
   *
   * @throws dev.cairn.spi.ReadOnlyStoreException if the lower is read-only
   * @throws VolumeException (FILE_EXISTS) if the lower already has a volume, or its first directory
   *     exists
   * @throws VolumeException (INVALID_PARENT_DIRECTORY) if the root is not a directory
   * @throws CorruptionException if {@code src} does not hold well-formed records of that size
   */
  void createFrom(Path src, int deadHeaderSize, long size);

  /**
   * Makes the archive of {@code generation} into the volume {@code volumeId} visible by renaming
   * its temporary control file over the volume's control file (durably), then reloads with {@code
   * volumeNum} volumes. For an empty volume that nothing was archived into, there is nothing to
   * rename and this only reloads.
   *
   * @throws VolumeException (VOLUME_NOT_FOUND) if no loaded volume has the identifier {@code
   *     volumeId}
   * @throws dev.cairn.spi.StoreIOException if the temporary control file cannot be renamed (for
   *     example it does not exist)
   * @throws CorruptionException if the temporary control file is damaged; it is not renamed
   */
  void swap(String volumeId, int generation, int volumeNum);

  /**
   * Finishes or discards what a GC crash left in the appendable volume: a valid temporary control
   * file of {@code generation} is swapped in; every other temporary control file, and index files
   * no control file refers to, are deleted. Does nothing for a lower without volumes. Reloads
   * afterwards.
   *
   * @throws dev.cairn.spi.ReadOnlyStoreException if the lower is read-only
   */
  void cleanup(int generation);
}
