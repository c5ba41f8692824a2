package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

/**
 * One object as a store holds it, reported by {@link ObjectEnumeration}: its hash, the size of its
 * bytes, and where the store keeps it (store-specific, for diagnostics, e.g. {@code
 * "seg-0000000000000003.data@4096"}). Immutable.
 *
 * @param hash the object's name
 * @param size the number of bytes of the object
 * @param location where the store keeps it, for messages and tools
 */
public record StoredObject(Hash hash, long size, String location) {
  /** Checks the components. */
  public StoredObject {
    requireNonNull(hash, "hash");
    requireNonNull(location, "location");
    if (size < 0) {
      throw new IllegalArgumentException("size (" + size + ") must not be negative");
    }
  }
}
