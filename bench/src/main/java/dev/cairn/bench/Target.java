package dev.cairn.bench;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;

/**
 * One store under test: a peer engine or a Cairn stack, with the way it is opened and the
 * configuration the report prints next to its figures.
 *
 * @param name short identifier used on the command line and in the tables
 * @param peer whether this is a peer (RocksDB, LMDB, Xodus) rather than a Cairn stack
 * @param persistent whether the store keeps its objects across a reopen (not {@code memory:})
 * @param syncsSinglePuts whether a single put in {@link Durability#DURABLE} mode is on stable
 *     storage when it returns (Cairn's {@code fsync=batch} syncs only batches and flushes)
 * @param configuration how the store is configured, in words, for the report
 * @param opener opens (or creates) the store described by a setup
 * @param preparation what to do to the filled store before it is read, or {@code null}
 */
public record Target(
    String name,
    boolean peer,
    boolean persistent,
    boolean syncsSinglePuts,
    String configuration,
    Function<StoreSetup, Store> opener,
    Preparation preparation) {

  /** Checks the arguments. */
  public Target {
    requireNonNull(name, "name");
    requireNonNull(configuration, "configuration");
    requireNonNull(opener, "opener");
    if (!name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("target name must be [a-z0-9-]: \"" + name + "\"");
    }
  }

  /** A target whose filled store is read as it is. */
  public Target(
      String name,
      boolean peer,
      boolean persistent,
      boolean syncsSinglePuts,
      String configuration,
      Function<StoreSetup, Store> opener) {
    this(name, peer, persistent, syncsSinglePuts, configuration, opener, null);
  }

  /** Opens the store; the directory is created if missing. */
  public Store open(StoreSetup setup) {
    return opener.apply(setup);
  }
}
