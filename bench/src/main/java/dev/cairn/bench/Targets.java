package dev.cairn.bench;

import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Backend;
import dev.cairn.spi.HashAlgorithm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every store the harness knows, peers first, in the order of the report's rows. A Cairn stack
 * is one {@link #cairn} line here.
 */
public final class Targets {
  private static final Map<String, Target> ALL = new LinkedHashMap<>();

  static {
    add(new Target("rocksdb", true, true, true, RocksDbStore.CONFIGURATION, RocksDbStore::open));
    add(new Target("lmdb", true, true, true, LmdbStore.CONFIGURATION, LmdbStore::open));
    add(new Target("xodus", true, true, true, XodusStore.CONFIGURATION, XodusStore::open));
    cairn("memory", false, false, "`memory:` (heap only, nothing durable)",
        setup -> MemoryBackend.create(HashAlgorithm.SHA256));
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
   * @param configuration the stack in words (its spec), for the report
   * @param opener opens the stack for a setup (directory and durability)
   */
  private static void cairn(String name, boolean persistent, boolean syncsSinglePuts,
      String configuration, Function<StoreSetup, Backend> opener) {
    add(new Target("cairn-" + name, false, persistent, syncsSinglePuts, configuration,
        setup -> new CairnStore(setup, opener)));
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
