package dev.cairn.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where and how to open a store.
 *
 * @param directory the store's own directory (created if missing); nothing else lives in it
 * @param durability durable or not
 * @param expectedPayloadBytes the payload the store will hold at most, for stores that size a map
 *     up front (LMDB)
 */
public record StoreSetup(Path directory, Durability durability, long expectedPayloadBytes) {
  /** Checks the arguments. */
  public StoreSetup {
    requireNonNull(directory, "directory");
    requireNonNull(durability, "durability");
    if (expectedPayloadBytes < 0) {
      throw new IllegalArgumentException("expectedPayloadBytes < 0: " + expectedPayloadBytes);
    }
  }

  /** The same setup with another durability. */
  public StoreSetup with(Durability other) {
    return new StoreSetup(directory, other, expectedPayloadBytes);
  }
}
