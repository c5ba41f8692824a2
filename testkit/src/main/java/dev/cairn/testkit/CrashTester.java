package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.testkit.FaultyFileSystem.Loss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a {@link Capability#PERSISTENT} store kept in files (its test overrides {@link
 * ConformanceSuite#openIn}) promises when the machine fails under it, checked on a {@link
 * FaultyFileSystem}: what {@code flush} made durable survives a power loss; a batch is
 * all-or-nothing, and a ref update leaves the old or the new value, when the process dies or the
 * power goes at each of their I/O operations in turn; a second store opened on the same directory
 * is refused or stays consistent with the first.
 *
 * <p>A process killed at the k-th I/O operation is simulated in the JVM by failing that operation
 * and every later one (nothing more reaches the files), then abandoning the store; a power loss by
 * {@link FaultyFileSystem#powerLoss} on top. Each crash opens a new store.
 */
final class CrashTester extends Tester {
  /** How many of an operation's I/O operations are crashed at, at most ({@code ci}). */
  private static final int CRASH_POINTS = scale(24, 400);

  private static final String MAIN = "refs/heads/main";
  private static final String TAG = "refs/tags/t";

  private long seeds;

  CrashTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "crashes and power losses");
  }

  @Override
  void addTests() {
    for (Loss loss : List.of(Loss.DROP, Loss.TRUNCATE, Loss.REORDER)) {
      tests.add(
          test(
              "what flush made durable survives a power loss (" + loss + ")",
              () -> flushedSurvives(loss)));
    }
    if (can(Capability.WRITE_OBJECTS)) {
      tests.add(
          test(
              "a batch is all-or-nothing after a crash at each of its I/O operations",
              () -> batchCrash(false)));
      tests.add(
          test(
              "a batch is all-or-nothing after a power loss at each of its I/O " + "operations",
              () -> batchCrash(true)));
    }
    if (can(Capability.WRITE_REFS)) {
      tests.add(
          test(
              "a ref update leaves the old or the new value after a crash or a power "
                  + "loss at each of its I/O operations",
              this::refCrash));
      tests.add(
          test(
              "a second store on the same directory is refused, or compare-and-set "
                  + "stays atomic across the two",
              this::secondOpener));
    }
  }

  /** A faulty file system and a new directory on it, for one crash. */
  private final class Crash implements AutoCloseable {
    final FaultyFileSystem fs = FaultyFileSystem.create(++seeds);
    final Path directory = fs.path(suite.directories().create("crash"));

    Backend open() throws Exception {
      return suite.openIn(directory, hashAlgorithm());
    }

    /** Kills the store: I/O fails from the {@code k}-th operation on, counting from now. */
    void failFrom(long k) {
      fs.failOperationsFrom(fs.operations() + k);
    }

    /** Abandons {@code store} as a dead process does, then ends the faults. */
    String abandon(Backend store, boolean powerLoss) {
      String lost = powerLoss ? fs.powerLoss(Loss.RANDOM) : "";
      try {
        store.close(); // its I/O fails: nothing more reaches the files
      } catch (RuntimeException e) {
        // A store whose files fail may fail to close; a dead process does not close at all.
      }
      fs.heal();
      return lost;
    }

    @Override
    public void close() throws Exception {
      fs.close();
    }
  }

  /** {@code count} objects of 100 bytes and more, none of them empty (empty ones coincide). */
  private Map<Hash, byte[]> objects(long seed, int count) {
    Map<Hash, byte[]> objects = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byte[] data = bytes(seed * 1000 + i, 100 + i * 397);
      objects.put(hashAlgorithm().hash(data), data);
    }
    return objects;
  }

  private Hash value(int i) {
    return hashAlgorithm().hash(bytes(600 + i, 10));
  }

  private void flushedSurvives(Loss loss) throws Exception {
    Map<Hash, byte[]> objects = objects(610, 12);
    Map<String, Hash> refs = new TreeMap<>();
    try (Crash crash = new Crash()) {
      Backend store = crash.open();
      String lost;
      try {
        if (can(Capability.WRITE_OBJECTS)) {
          List<Hash> hashes = new ArrayList<>(objects.keySet());
          store.writeBatch(
              Map.of(
                  hashes.get(0),
                  objects.get(hashes.get(0)),
                  hashes.get(1),
                  objects.get(hashes.get(1))));
          objects.forEach(store::write);
        }
        if (can(Capability.WRITE_REFS)) {
          refs.put(MAIN, value(1));
          refs.put("refs/heads/a", value(2));
          refs.put("refs/heads/a/b", value(3));
          refs.put("refs/tags/v1", value(4));
          store.setRef(MAIN, value(0));
          refs.forEach(store::setRef);
          store.testAndSetRef(MAIN, value(1), value(5));
          refs.put(MAIN, value(5));
        }
        store.flush();
      } finally {
        lost = crash.fs.powerLoss(loss);
        crash.abandon(store, false);
      }
      try (Backend reopened = crash.open()) {
        if (can(Capability.WRITE_OBJECTS)) {
          objects.forEach(
              (hash, data) ->
                  assertArrayEquals(
                      data,
                      reopened
                          .read(hash)
                          .orElseThrow(
                              () ->
                                  new AssertionError(
                                      "a flushed object was lost to a power loss: sync each file written and the "
                                          + "directory that names it before flush returns ("
                                          + lost
                                          + ")")),
                      "a flushed object read back wrong after a power loss (" + lost + ")"));
        }
        for (Map.Entry<String, Hash> ref : refs.entrySet()) {
          assertEquals(
              Optional.of(ref.getValue()),
              reopened.getRef(ref.getKey()),
              "flushed ref "
                  + ref.getKey()
                  + " after a power loss: write a new file, sync it, "
                  + "rename it over the old one and sync the directory ("
                  + lost
                  + ")");
        }
        assertEquals(new ArrayList<>(refs.keySet()), reopened.listRefs(), "listRefs");
      }
    }
  }

  /** How many I/O operations {@code operation} does on a store already holding {@code base}. */
  private long countOperations(StoreTest prepare, StoreTest operation) throws Exception {
    try (Crash crash = new Crash();
        Backend store = crash.open()) {
      prepare.run(store);
      long before = crash.fs.operations();
      operation.run(store);
      long count = crash.fs.operations() - before;
      if (count == 0) {
        fail(
            "the operation did no I/O in the directory openIn was given: the store must reach "
                + "its files through that path (directory.resolve(...)), never through "
                + "Path.toFile() or paths of its own");
      }
      return count;
    }
  }

  /** The crash points for an operation of {@code count} I/O operations: spread over it. */
  private static List<Long> crashPoints(long count) {
    List<Long> points = new ArrayList<>();
    int steps = (int) Math.min(count, CRASH_POINTS);
    for (int s = 0; s < steps; s++) {
      points.add(1 + s * count / steps);
    }
    return points;
  }

  /** What a crash test checks in the store reopened after a crash. */
  @FunctionalInterface
  private interface AfterCrash {
    void check(Backend reopened, boolean acknowledged, String where) throws Exception;
  }

  /**
   * Crashes {@code operation} (on a store {@code prepare}d) at each of its crash points, with or
   * without a power loss, and checks each reopened store with {@code after}; whether the operation
   * returned before the crash ("acknowledged") is passed along.
   */
  private void crashEach(
      String what, boolean powerLoss, StoreTest prepare, StoreTest operation, AfterCrash after)
      throws Exception {
    for (long k : crashPoints(countOperations(prepare, operation))) {
      try (Crash crash = new Crash()) {
        Backend store = crash.open();
        prepare.run(store);
        crash.failFrom(k);
        boolean acknowledged = false;
        try {
          operation.run(store);
          acknowledged = true;
        } catch (RuntimeException e) {
          // The crash reached the store; what the files hold is checked below.
        }
        String lost = crash.abandon(store, powerLoss);
        try (Backend reopened = crash.open()) {
          after.check(
              reopened,
              acknowledged,
              "I/O operation "
                  + k
                  + " of "
                  + what
                  + (powerLoss ? ", power lost (" + lost + ")" : ""));
        }
      }
    }
  }

  private void batchCrash(boolean powerLoss) throws Exception {
    Map<Hash, byte[]> base = objects(620, 3);
    Map<Hash, byte[]> batch = objects(621, 6);
    StoreTest prepare =
        store -> {
          base.forEach(store::write);
          store.flush();
        };
    StoreTest operation =
        store -> {
          store.writeBatch(batch);
          store.flush();
        };
    crashEach(
        "the batch",
        powerLoss,
        prepare,
        operation,
        (reopened, acknowledged, where) -> {
          base.forEach(
              (hash, data) ->
                  assertArrayEquals(
                      data,
                      reopened.read(hash).orElse(null),
                      "an object flushed before the batch, after a crash at " + where));
          List<Hash> present = new ArrayList<>();
          for (Map.Entry<Hash, byte[]> entry : batch.entrySet()) {
            Optional<byte[]> read = reopened.read(entry.getKey());
            if (read.isPresent()) {
              if (!Arrays.equals(entry.getValue(), read.get())) {
                fail("an object of the batch read back wrong after a crash at " + where);
              }
              present.add(entry.getKey());
            }
          }
          if (acknowledged && present.size() < batch.size()) {
            fail(
                "writeBatch and flush returned although "
                    + where
                    + " failed, and "
                    + (batch.size() - present.size())
                    + " of its "
                    + batch.size()
                    + " objects are "
                    + "lost: report the failure to the caller");
          }
          if (!present.isEmpty() && present.size() < batch.size()) {
            fail(
                "a batch of "
                    + batch.size()
                    + " objects was cut by a crash at "
                    + where
                    + " and "
                    + present.size()
                    + " of them are stored: a batch must be "
                    + "all-or-nothing (write it whole, then commit it with one atomic step)");
          }
        });
  }

  private void refCrash() throws Exception {
    StoreTest prepare =
        store -> {
          store.setRef(MAIN, value(10));
          store.flush();
        };
    StoreTest operation =
        store -> {
          assertTrue(store.testAndSetRef(MAIN, value(10), value(11)), "compare-and-set");
          store.setRef(TAG, value(12));
          store.flush();
        };
    for (boolean powerLoss : new boolean[] {false, true}) {
      crashEach(
          "a ref update",
          powerLoss,
          prepare,
          operation,
          (reopened, acknowledged, where) -> {
            Optional<Hash> main = reopened.getRef(MAIN);
            Optional<Hash> tag = reopened.getRef(TAG);
            if (!main.equals(Optional.of(value(10))) && !main.equals(Optional.of(value(11)))) {
              fail(
                  "after a crash at "
                      + where
                      + " the ref holds "
                      + main
                      + ", neither its old "
                      + "value nor its new one: replace a ref's file atomically (write a new "
                      + "file, sync it, rename it over the old one, sync the directory)");
            }
            if (tag.isPresent() && !tag.equals(Optional.of(value(12)))) {
              fail("after a crash at " + where + " a new ref holds " + tag);
            }
            if (acknowledged) {
              assertEquals(Optional.of(value(11)), main, "an acknowledged update at " + where);
              assertEquals(Optional.of(value(12)), tag, "an acknowledged new ref at " + where);
            }
          });
    }
  }

  private void secondOpener() throws Exception {
    Path directory = suite.directories().create("two");
    try (Backend first = suite.openIn(directory, hashAlgorithm())) {
      Backend second;
      try {
        second = suite.openIn(directory, hashAlgorithm());
      } catch (CairnException e) {
        return; // refused, as a store taking a lock on its directory does
      } catch (RuntimeException e) {
        throw new AssertionError(
            "a second store on a directory in use was refused with "
                + e
                + ": throw a CairnException (StoreIOException) that names the lock",
            e);
      }
      try (second) {
        Backend[] stores = {first, second};
        int perThread = scale(60, 600);
        List<Hash> counter = new ArrayList<>();
        Map<Hash, Integer> valueOf = new java.util.HashMap<>();
        for (int i = 0; i <= THREADS * perThread; i++) {
          Hash hash = hashAlgorithm().hash(("count " + i).getBytes());
          counter.add(hash);
          valueOf.put(hash, i);
        }
        runConcurrently(
            THREADS,
            thread -> {
              Backend store = stores[thread % 2];
              for (int i = 0; i < perThread; i++) {
                for (int attempt = 0; ; attempt++) {
                  if (attempt == 100_000) {
                    fail(
                        "a compare-and-set on the second store on one directory never succeeded: "
                            + "either refuse the second store or read refs from the files");
                  }
                  Optional<Hash> current = store.getRef("refs/counter");
                  int value = current.map(valueOf::get).orElse(0);
                  if (store.testAndSetRef(
                      "refs/counter", current.orElse(null), counter.get(value + 1))) {
                    break;
                  }
                }
              }
            });
        int total = THREADS * perThread;
        for (Backend store : stores) {
          assertEquals(
              Optional.of(counter.get(total)),
              store.getRef("refs/counter"),
              "the counter after "
                  + total
                  + " increments through two stores on one "
                  + "directory: take a lock that holds across processes (FileChannel.lock), "
                  + "or refuse the second store");
        }
      }
    }
  }
}
