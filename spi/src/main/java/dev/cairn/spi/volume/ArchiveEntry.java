package dev.cairn.spi.volume;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Hash;

/**
 * One object offered to {@link Lower#archive}: its hash and its bytes. The lower does not keep the
 * array after {@code archive} has consumed the entry, so a caller may stream millions of entries
 * without holding them.
 *
 * @param hash the object's hash under the lower's algorithm
 * @param data the object's bytes; the caller promises {@code hash} is their hash
 */
public record ArchiveEntry(Hash hash, byte[] data) {
  /** Checks that neither component is null. */
  public ArchiveEntry {
    requireNonNull(hash, "hash");
    requireNonNull(data, "data");
  }
}
