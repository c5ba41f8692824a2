package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.bytes;
import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.Hash;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Reloadable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** The testers of the optional features a store offers through {@link Backend#feature}. */
final class FeatureTesters {
  private FeatureTesters() {}

  /** The tester of {@code feature}, one of the five the suite knows. */
  static Tester forFeature(Class<?> feature, ConformanceSuite suite, Set<Capability> capabilities) {
    if (feature == ObjectEnumeration.class) {
      return new EnumerationTester(suite, capabilities);
    } else if (feature == Compaction.class) {
      return new CompactionTester(suite, capabilities);
    } else if (feature == IntegrityCheck.class) {
      return new IntegrityCheckTester(suite, capabilities);
    } else if (feature == Reloadable.class) {
      return new ReloadableTester(suite, capabilities);
    } else if (feature == GarbageCollection.class) {
      return new GcTester(suite, capabilities);
    }
    throw new IllegalArgumentException("no tester for the feature " + feature.getName());
  }

  private static <T> T feature(Backend store, Class<T> type) {
    return store
        .feature(type)
        .orElseThrow(
            () ->
                new AssertionError(
                    store
                        + " offered "
                        + type.getSimpleName()
                        + " to the suite's first store but not to this one"));
  }

  /** A seed of {@code count} objects, one ref naming the first. */
  private static Seed objects(Tester tester, long seed, int count) {
    Seed.Builder builder = Seed.builder(tester.hashAlgorithm());
    Hash first = null;
    for (int i = 0; i < count; i++) {
      Hash hash = builder.object(bytes(seed * 1000 + i, 1 + i * 211 % 4000));
      first = first == null ? hash : first;
    }
    builder.ref("refs/heads/main", requireNonNull(first, "the first of count > 0 objects"));
    return builder.build();
  }

  /** {@link ObjectEnumeration}: every stored object visited, with its size. */
  static final class EnumerationTester extends Tester {
    EnumerationTester(ConformanceSuite suite, Set<Capability> capabilities) {
      super(suite, capabilities, "feature ObjectEnumeration");
    }

    @Override
    void addTests() {
      tests.add(
          test(
              "forEachObject visits every stored object with its size, and only those",
              () -> {
                Seed seed = objects(this, 700, 40);
                withStore(
                    seed,
                    store -> {
                      Map<Hash, Long> visited = new HashMap<>();
                      feature(store, ObjectEnumeration.class)
                          .forEachObject(
                              object -> {
                                visited.put(object.hash(), object.size());
                                assertTrue(
                                    store.exists(object.hash()),
                                    "a visited object does not exist: " + object);
                              });
                      seed.objects()
                          .forEach(
                              (hash, data) ->
                                  assertEquals(
                                      Long.valueOf(data.length),
                                      visited.get(hash),
                                      "the size visited for " + hash + " (null: not visited)"));
                    });
              }));
      tests.add(
          test(
              "the visitor may read from the store while forEachObject runs",
              () -> {
                Seed seed = objects(this, 701, 10);
                withStore(
                    seed,
                    store ->
                        feature(store, ObjectEnumeration.class)
                            .forEachObject(
                                object -> {
                                  byte[] expected = seed.objects().get(object.hash());
                                  if (expected != null) {
                                    assertArrayEquals(expected, read(store, object.hash()));
                                  }
                                }));
              }));
    }
  }

  /** {@link Compaction}: keeps exactly what it is told to, and what is written meanwhile. */
  static final class CompactionTester extends Tester {
    CompactionTester(ConformanceSuite suite, Set<Capability> capabilities) {
      super(suite, capabilities, "feature Compaction");
    }

    @Override
    void addTests() {
      tests.add(
          test(
              "compact keeps exactly the objects keep accepts, and every ref",
              () -> {
                Seed seed = objects(this, 710, 30);
                withStore(
                    seed,
                    store -> {
                      List<Hash> hashes = new ArrayList<>(seed.objects().keySet());
                      Set<Hash> kept = Set.copyOf(hashes.subList(0, 15));
                      Compaction.Result result =
                          feature(store, Compaction.class).compact(kept::contains);
                      for (Hash hash : hashes) {
                        if (kept.contains(hash)) {
                          assertArrayEquals(
                              seed.objects().get(hash), read(store, hash), "a kept object");
                        } else {
                          assertFalse(store.exists(hash), "an object keep refused is still stored");
                        }
                      }
                      assertTrue(result.kept() >= kept.size(), "Result.kept " + result);
                      assertEquals(
                          seed.refs().keySet().stream().toList(), store.listRefs(), "refs");
                      assertEquals(Optional.of(hashes.get(0)), store.getRef("refs/heads/main"));
                    });
              }));
      if (can(Capability.WRITE_OBJECTS)) {
        tests.add(
            test(
                "an object written while compact runs is kept whatever keep says",
                () ->
                    withStore(
                        objects(this, 711, 10),
                        store -> {
                          byte[] data = bytes(712, 500);
                          AtomicReference<Hash> written = new AtomicReference<>();
                          feature(store, Compaction.class)
                              .compact(
                                  hash -> {
                                    if (written.get() == null) {
                                      written.set(store.put(data));
                                    }
                                    return !hash.equals(requireNonNull(written.get(), "written"));
                                  });
                          assertArrayEquals(
                              data,
                              read(store, requireNonNull(written.get(), "written")),
                              "an object written after compact began was dropped");
                        })));
      }
    }
  }

  /** {@link IntegrityCheck}: silent on a sound store, reports damage it is shown. */
  static final class IntegrityCheckTester extends Tester {
    IntegrityCheckTester(ConformanceSuite suite, Set<Capability> capabilities) {
      super(suite, capabilities, "feature IntegrityCheck");
    }

    @Override
    void addTests() {
      tests.add(
          test(
              "checkIntegrity finds no damage in a store as written and checks its " + "objects",
              () -> {
                Seed seed = objects(this, 720, 20);
                withStore(
                    seed,
                    store -> {
                      List<CorruptionException> damage = new ArrayList<>();
                      IntegrityCheck.Summary summary =
                          feature(store, IntegrityCheck.class).checkIntegrity(damage::add);
                      assertEquals(List.of(), damage, "damage reported in a sound store");
                      assertEquals(0, summary.damaged(), "Summary.damaged " + summary);
                    });
              }));
      if (can(Capability.PERSISTENT)) {
        tests.add(
            test(
                "checkIntegrity reports an object whose stored bytes were damaged",
                () -> {
                  Map<Hash, byte[]> objects = damageable(721);
                  Hash victim = objects.keySet().iterator().next();
                  try (Backend store = damaged(objects, victim)) {
                    List<CorruptionException> damage = new ArrayList<>();
                    IntegrityCheck.Summary summary =
                        feature(store, IntegrityCheck.class).checkIntegrity(damage::add);
                    assertFalse(
                        damage.isEmpty(), "no damage reported for a damaged object: " + summary);
                    assertEquals(damage.size(), summary.damaged(), "Summary.damaged " + summary);
                  }
                }));
      }
    }
  }

  /** {@link Reloadable}: a reload that finds nothing changes nothing. */
  static final class ReloadableTester extends Tester {
    ReloadableTester(ConformanceSuite suite, Set<Capability> capabilities) {
      super(suite, capabilities, "feature Reloadable");
    }

    @Override
    void addTests() {
      tests.add(
          test(
              "reload with nothing new returns false and keeps every object and ref",
              () -> {
                Seed seed = objects(this, 730, 5);
                withStore(
                    seed,
                    store -> {
                      assertFalse(feature(store, Reloadable.class).reload(), "reload found news");
                      seed.objects()
                          .forEach((hash, data) -> assertArrayEquals(data, read(store, hash)));
                      assertEquals(seed.refs().keySet().stream().toList(), store.listRefs());
                    });
              }));
    }
  }

  /** {@link GarbageCollection}: nothing reachable, pinned or written meanwhile is lost. */
  static final class GcTester extends Tester {
    GcTester(ConformanceSuite suite, Set<Capability> capabilities) {
      super(suite, capabilities, "feature GarbageCollection");
    }

    @Override
    void addTests() {
      if (!can(Capability.WRITE_OBJECTS)) {
        tests.add(
            test(
                "gc of a read-only store is refused and removes nothing",
                () -> {
                  Seed seed = objects(this, 740, 5);
                  withStore(
                      seed,
                      store -> {
                        assertThrows(
                            ReadOnlyStoreException.class,
                            () -> feature(store, GarbageCollection.class).gc(GcOptions.defaults()));
                        seed.objects()
                            .forEach((hash, data) -> assertArrayEquals(data, read(store, hash)));
                      });
                }));
        return;
      }
      tests.add(
          test(
              "gc keeps what refs reach, what is pinned and what is written meanwhile",
              () -> {
                Seed seed = objects(this, 741, 12);
                withStore(
                    seed,
                    store -> {
                      List<Hash> hashes = new ArrayList<>(seed.objects().keySet());
                      byte[] data = bytes(742, 300);
                      AtomicReference<Hash> written = new AtomicReference<>();
                      GcOptions options =
                          GcOptions.defaults()
                              .withPinned(List.of(hashes.get(1)))
                              .withListener(
                                  phase -> {
                                    if (phase == GarbageCollection.Phase.MARK
                                        && written.get() == null) {
                                      written.set(store.put(data));
                                    }
                                  });
                      feature(store, GarbageCollection.class).gc(options);
                      assertArrayEquals(
                          seed.objects().get(hashes.get(0)),
                          read(store, hashes.get(0)),
                          "the object refs/heads/main names");
                      assertArrayEquals(
                          seed.objects().get(hashes.get(1)),
                          read(store, hashes.get(1)),
                          "a pinned object");
                      if (written.get() == null) {
                        fail("gc never began its MARK phase");
                      }
                      assertArrayEquals(
                          data,
                          read(store, requireNonNull(written.get(), "written")),
                          "an object written while gc ran");
                      assertEquals(List.of("refs/heads/main"), store.listRefs(), "refs");
                    });
              }));
    }
  }
}
