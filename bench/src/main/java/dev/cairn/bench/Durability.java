package dev.cairn.bench;

/** How a store is opened for writing. */
public enum Durability {
  /** Every acknowledged put or batch is on stable storage (fsync before it returns). */
  DURABLE,
  /** Writes are left to the OS page cache; nothing calls fsync while the phase runs. */
  NO_SYNC
}
