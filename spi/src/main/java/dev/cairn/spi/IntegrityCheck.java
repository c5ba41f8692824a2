package dev.cairn.spi;

import java.util.function.Consumer;

/**
 * A store feature (see {@link Backend#feature(Class)}): checking every checksum of every file the
 * store owns, for {@code cairn verify}. Where reading each object checks only the records that
 * reads reach, this also checks what no read touches: indexes, Bloom filters, manifests, control
 * and mapping files, ref journals, and records that no index names. Each object's record is checked
 * and its payload re-hashed.
 *
 * <p>Each damage found is reported as a {@link CorruptionException} naming the file and the offset,
 * and the check goes on: one damaged file does not hide another. Damage the store found and worked
 * around since it was opened (an index it rebuilt from the records, a record it skips) is reported
 * too, since the files may no longer show it.
 *
 * <p>Changes nothing. Safe to run while the store is in use; what is written meanwhile may or may
 * not be checked. The visitor runs on the calling thread. A store made of stores (a decorator,
 * {@code layered}) checks each store below it that offers this feature.
 */
public interface IntegrityCheck {
  /**
   * Checks the store's files, calling {@code damage} once for each damage found.
   *
   * @return what was checked
   * @throws StoreIOException if a file cannot be read (as opposed to holding damaged bytes)
   * @throws StoreClosedException if the store is closed
   */
  Summary checkIntegrity(Consumer<? super CorruptionException> damage);

  /**
   * What one check covered.
   *
   * @param files files checked
   * @param bytes bytes of those files checked
   * @param objects object records checked and re-hashed
   * @param damaged damages reported
   */
  record Summary(long files, long bytes, long objects, long damaged) {
    /** Nothing checked. */
    public static final Summary NONE = new Summary(0, 0, 0, 0);

    /** This result and {@code other} added up, for a store made of stores. */
    public Summary plus(Summary other) {
      return new Summary(
          files + other.files,
          bytes + other.bytes,
          objects + other.objects,
          damaged + other.damaged);
    }
  }
}
