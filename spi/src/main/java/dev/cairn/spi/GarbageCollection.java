package dev.cairn.spi;

/**
 * A store feature (see {@link Backend#feature(Class)}): garbage collection of a layered store,
 * {@code layered(upper=…, lower=…)}, whose upper offers {@link Compaction} and {@link
 * ObjectEnumeration}.
 *
 * <p><b>What is live.</b> The roots are every ref of the store (upper and lower) and the
 * {@linkplain GcOptions#pinned() pinned} hashes; an object is live if a root reaches it through the
 * links the {@linkplain GcOptions#links() link extractor} finds. Objects written through the store
 * while a collection runs are live, and so is whatever they and refs moved meanwhile reach (a write
 * barrier traces them); the refs are read again just before the sweep.
 *
 * <p><b>What happens to the rest.</b> In {@link Mode#ARCHIVE archive} mode (the lower is a volume
 * archive) the upper's unreachable objects are appended to the lower and made durable there
 * (archive, then swap) before the upper is compacted to drop them, so every object stays readable
 * through the store. In {@link Mode#ROLLING rolling} mode (any other lower) they are dropped. The
 * archive is found through {@link Backend#feature(Class)} of the lower, which decorators never hide
 * ({@link ForwardingBackend}): over a lower archive a collection archives, or fails (a read-only
 * view of the archive) — it never drops because a decorator was in the way.
 *
 * <p><b>Crash safety.</b> A crash at any point loses no live object and no archived one; the store
 * finishes or discards the lower's half-done archive when it is next opened. A crash between the
 * swap and the end of compaction leaves objects in both layers, which is harmless.
 *
 * <p>Writers and readers are not stopped. Collections of one store are serialized.
 */
public interface GarbageCollection {
  /**
   * Collects the store.
   *
   * @return what was done
   * @throws MalformedObjectException if an object cannot be read by the link extractor; nothing was
   *     removed
   * @throws StoreConfigurationException if {@link Mode#ARCHIVE} was asked of a store whose lower is
   *     not an archive, or the lower archive is read-only
   * @throws ReadOnlyStoreException if the store (or a decorator above it) is read-only
   * @throws StoreIOException if reading or writing fails, in either layer (a full disk under the
   *     archive included); nothing live or archived is lost
   */
  GcReport gc(GcOptions options);

  /** Where the unreachable objects of the upper go. */
  enum Mode {
    /**
     * {@link #ARCHIVE} if the lower is a writable volume archive or a writable store that keeps its
     * objects ({@link Capability#PERSISTENT}), {@link #ROLLING} otherwise (a lower in memory, or
     * read-only).
     */
    AUTO,
    /**
     * Into the lower: appended to a volume archive, or written to any other writable lower as
     * durable batches keyed by hash; requires a writable lower.
     */
    ARCHIVE,
    /** Nowhere: they are dropped. */
    ROLLING
  }

  /** The steps of a collection, in order; see {@link GcOptions#listener()}. */
  enum Phase {
    /** Tracing from the roots, then again from the refs as they are now. */
    MARK,
    /** Listing the upper's objects that were not marked. */
    SCAN,
    /** Appending them to the lower (archive mode), durable but not yet visible. */
    ARCHIVE,
    /** Making the archive visible in the lower, durably. */
    SWAP,
    /** Rewriting the upper without the unreachable objects. */
    COMPACT
  }
}
