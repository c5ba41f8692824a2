package dev.cairn.spi;

/**
 * A store feature (see {@link Backend#feature(Class)}) of a store opened read-only beside a writer
 * (in another process): picking up what the writer has made visible since.
 */
public interface Reloadable {
  /**
   * Makes objects and refs the writer committed since the store was opened (or last reloaded)
   * visible to this store. Thread-safe; readers are not blocked.
   *
   * @return whether anything new was found
   * @throws CorruptionException if a file the writer published is damaged
   * @throws StoreIOException if reading fails
   */
  boolean reload();
}
