package dev.cairn.bench;

import dev.cairn.stack.Cairn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every store the harness knows, peers first, in the order of the report's rows. A Cairn stack is
 * one {@link #cairn} line here: its stack spec for durable runs and for runs without fsync, with
 * {@code {dir}} standing for the store's directory, opened by {@link Cairn#open(String)}.
 */
public final class Targets {
  private static final Map<String, Target> ALL = new LinkedHashMap<>();

  static {
    add(new Target("rocksdb", true, true, true, RocksDbStore.CONFIGURATION, RocksDbStore::open));
    add(new Target("lmdb", true, true, true, LmdbStore.CONFIGURATION, LmdbStore::open));
    add(new Target("xodus", true, true, true, XodusStore.CONFIGURATION, XodusStore::open));
    cairn(
        "disk-always",
        true,
        true,
        "disk:{dir}?fsync=always",
        "disk:{dir}?fsync=never",
        null,
        "group commit");
    cairn(
        "disk-batch",
        true,
        false,
        "disk:{dir}?fsync=batch",
        "disk:{dir}?fsync=never",
        null,
        "a batch is synced before it returns, a single put only on flush");
    cairn(
        "cache-disk",
        true,
        true,
        "cache(max-bytes=" + RocksDbStore.BLOCK_CACHE_BYTES + "):disk:{dir}?fsync=always",
        "cache(max-bytes=" + RocksDbStore.BLOCK_CACHE_BYTES + "):disk:{dir}?fsync=never",
        null,
        "the cache has RocksDB's block-cache budget");
    cairn(
        "layered",
        true,
        true,
        "layered(upper=disk:{dir}/upper?fsync=always, lower=lower:{dir}/lower)",
        "layered(upper=disk:{dir}/upper?fsync=never, lower=lower:{dir}/lower)",
        new LayeredArchive(),
        "writes go to the upper; before the reads, every other object is"
            + " archived into the lower (archive + swap) and compacted out of the upper, as GC"
            + " does, so reads and absent lookups cross both layers; its disk figure is taken"
            + " after that");
    cairn(
        "memory",
        false,
        false,
        "memory:",
        "memory:",
        null,
        "heap only, nothing is durable: its ingest figures are in-heap writes");
  }

  private Targets() {}

  private static void add(Target target) {
    if (ALL.putIfAbsent(target.name(), target) != null) {
      throw new IllegalStateException("duplicate target " + target.name());
    }
  }

  /**
   * Registers a Cairn stack.
   *
   * @param name the target's short name (prefixed with {@code cairn-})
   * @param persistent whether the stack keeps objects across reopen
   * @param syncsSinglePuts whether a durable-mode single put is synced when it returns
   * @param durableSpec the stack spec for {@link Durability#DURABLE}, {@code {dir}} for the store's
   *     directory
   * @param noSyncSpec the stack spec for {@link Durability#NO_SYNC}
   * @param preparation what to do to the filled store before the reads, or {@code null}
   * @param note what the report should say besides the specs, or {@code ""}
   */
  private static void cairn(
      String name,
      boolean persistent,
      boolean syncsSinglePuts,
      String durableSpec,
      String noSyncSpec,
      Preparation preparation,
      String note) {
    String configuration =
        "`"
            + durableSpec.replace("{dir}", "DIR")
            + "`"
            + (noSyncSpec.equals(durableSpec)
                ? ""
                : " (no-sync: `" + noSyncSpec.replace("{dir}", "DIR") + "`)")
            + (note.isEmpty() ? "" : "; " + note);
    add(
        new Target(
            "cairn-" + name,
            false,
            persistent,
            syncsSinglePuts,
            configuration,
            setup ->
                new CairnStore(
                    setup,
                    s ->
                        Cairn.open(
                            spec(
                                s.durability() == Durability.DURABLE ? durableSpec : noSyncSpec,
                                s.directory()))),
            preparation));
  }

  /** {@code template} with {@code {dir}} replaced by {@code dir}, percent-encoded. */
  static String spec(String template, Path dir) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "/._~-".indexOf(c) >= 0) {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return template.replace("{dir}", encoded);
  }

  /** All targets, peers first. */
  public static List<Target> all() {
    return List.copyOf(ALL.values());
  }

  /** The target called {@code name}. */
  public static Target named(String name) {
    Target target = ALL.get(name);
    if (target == null) {
      throw new IllegalArgumentException(
          "unknown target \"" + name + "\"; known: " + String.join(", ", ALL.keySet()));
    }
    return target;
  }
}
