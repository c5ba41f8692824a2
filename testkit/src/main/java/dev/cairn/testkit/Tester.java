package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.AssertionFailedError;

/**
 * One topic of the conformance suite (a guava-testlib "tester"): the tests of one part of the
 * contract or of one feature, built for a store whose capabilities and features call for them. Each
 * test opens its stores through the suite and closes them. Not thread-safe; one per run.
 */
abstract class Tester {
  /**
   * Null where the type says it may not be: for the tests that a store refuses null arguments with
   * the {@link NullPointerException} its contract promises.
   */
  @SuppressWarnings("NullAway")
  static <T> T illegalNull() {
    return null;
  }

  static final int THREADS = 8;

  final ConformanceSuite suite;
  final Set<Capability> capabilities;
  private final String topic;

  /** The tests added so far, in order. */
  final List<DynamicNode> tests = new ArrayList<>();

  Tester(ConformanceSuite suite, Set<Capability> capabilities, String topic) {
    this.suite = suite;
    this.capabilities = capabilities;
    this.topic = topic;
  }

  /** Adds this tester's tests to {@link #tests}. */
  abstract void addTests() throws Exception;

  /** The tests of this topic, as one container named after it. */
  final DynamicNode container() throws Exception {
    addTests();
    return dynamicContainer(
        topic, tests.stream().filter(test -> suite.runs(topic, test.getDisplayName())).toList());
  }

  /**
   * A test. A failure names the test, its topic and the suite's class in its message, so that the
   * console and the reports say which sentence failed and what it expected (JUnit alone shows
   * {@code conformance()[2][3]} and a lambda's line).
   */
  final DynamicNode test(String name, Executable body) {
    String where = suite.getClass().getSimpleName() + " > " + topic + " > " + name;
    return dynamicTest(
        name,
        () -> {
          try {
            body.execute();
          } catch (AssertionFailedError e) {
            AssertionFailedError named =
                e.isExpectedDefined() || e.isActualDefined()
                    ? new AssertionFailedError(
                        where + ": " + e.getMessage(),
                        e.isExpectedDefined() ? e.getExpected().getValue() : null,
                        e.isActualDefined() ? e.getActual().getValue() : null,
                        e)
                    : new AssertionFailedError(where + ": " + e.getMessage(), e);
            named.setStackTrace(e.getStackTrace());
            throw named;
          } catch (AssertionError e) {
            AssertionError named = new AssertionError(where + ": " + e.getMessage(), e);
            named.setStackTrace(e.getStackTrace());
            throw named;
          } catch (Exception e) {
            throw new AssertionFailedError(where + ": threw " + e, e);
          }
        });
  }

  /** A body of a test that may throw. */
  @FunctionalInterface
  interface StoreTest {
    void run(Backend store) throws Exception;
  }

  /** A body run by one of several threads. */
  @FunctionalInterface
  interface ThreadBody {
    void run(int thread) throws Exception;
  }

  final HashAlgorithm hashAlgorithm() {
    return suite.hashAlgorithm();
  }

  final Backend open(Seed seed) throws Exception {
    return suite.open(seed);
  }

  final boolean can(Capability capability) {
    return capabilities.contains(capability);
  }

  final void withStore(Seed seed, StoreTest body) throws Exception {
    try (Backend store = suite.open(seed)) {
      body.run(store);
    }
  }

  final Seed empty() {
    return Seed.empty(hashAlgorithm());
  }

  /** A seed with a few objects and one ref, so read-only stores are not trivially empty. */
  final Seed seeded() {
    Seed.Builder seed = Seed.builder(hashAlgorithm());
    Hash first = seed.object(TestData.bytes(90, 10));
    seed.object(TestData.bytes(91, 1000));
    seed.ref("refs/heads/seeded", first);
    return seed.build();
  }

  final Map<Hash, byte[]> batch(long seed, int count) {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byte[] data = TestData.bytes(seed * 1000 + i, i * 97 % 3000);
      batch.put(hashAlgorithm().hash(data), data);
    }
    return batch;
  }

  final HashAlgorithm foreignAlgorithm() {
    return hashAlgorithm().name().equals(HashAlgorithm.SHA1.name())
        ? HashAlgorithm.SHA256
        : HashAlgorithm.SHA1;
  }

  /**
   * Stores {@code objects}, flushes and closes the store, damages the bytes of {@code victim} where
   * the store keeps them, and returns the store reopened: through {@link ConformanceSuite#openIn}
   * and {@link ConformanceSuite#flipByteInFiles} for a writable store kept in files, through {@link
   * ConformanceSuite#damage} and {@link ConformanceSuite#reopen} otherwise.
   */
  final Backend damaged(Map<Hash, byte[]> objects, Hash victim) throws Exception {
    byte[] data = requireNonNull(objects.get(victim), "victim, one of the objects");
    if (suite.keptInFiles() && !suite.damages() && can(Capability.WRITE_OBJECTS)) {
      java.nio.file.Path directory = suite.directories().create("damage");
      try (Backend store = suite.openIn(directory, hashAlgorithm())) {
        objects.values().forEach(store::put);
        store.flush();
      }
      if (ConformanceSuite.flipByteInFiles(directory, data) == 0) {
        fail(
            "the suite found the bytes of "
                + victim
                + " in no file under "
                + directory
                + ": the store keeps them transformed; override ConformanceSuite.damage(Backend, "
                + "Hash, byte[]) to damage them");
      }
      return suite.openIn(directory, hashAlgorithm());
    }
    Seed.Builder seed = Seed.builder(hashAlgorithm());
    objects.values().forEach(seed::object);
    Backend store = suite.open(seed.build());
    store.flush();
    store.close();
    suite.damage(store, victim, data.clone());
    return suite.reopen(store);
  }

  /** Objects for {@link #damaged}: distinct random bytes of a few sizes, by hash. */
  final Map<Hash, byte[]> damageable(long seed) {
    Map<Hash, byte[]> objects = new LinkedHashMap<>();
    for (int size : new int[] {300, 20 * 1024, 3000}) {
      byte[] data = TestData.bytes(seed + size, size);
      objects.put(hashAlgorithm().hash(data), data);
    }
    return objects;
  }

  static byte[] read(Backend store, Hash hash) {
    return store.read(hash).orElseThrow(() -> new AssertionError(hash + " is missing"));
  }

  static void runConcurrently(int threads, ThreadBody body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  body.run(thread);
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        try {
          future.get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof AssertionError) {
            throw (AssertionError) e.getCause();
          }
          throw e;
        }
      }
    } finally {
      pool.shutdownNow();
      if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
        fail("threads of a concurrency test did not stop");
      }
    }
  }

  /** {@code ci} in CI runs, {@code full} with {@code -Dcairn.budget=full}. */
  static int scale(int ci, int full) {
    return ConformanceSuite.scale(ci, full);
  }

  static String literal(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    name.chars()
        .limit(80)
        .forEach(
            c ->
                out.append(
                    c < 0x20 || c == 0x7f || c > 0x7e
                        ? String.format("\\u%04x", c)
                        : String.valueOf((char) c)));
    return out.append(name.length() > 80 ? "...\"" : "\"").toString();
  }
}
