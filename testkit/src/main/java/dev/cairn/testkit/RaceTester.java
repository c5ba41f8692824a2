package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.KIB;
import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Races: threads writing, re-writing and reading objects, racing compare-and-set, listing refs
 * while they change, and Lincheck's linearizability checks of refs and of objects and refs
 * together. Each race is bounded in time ({@code cairn.budget}: about a second per race by default)
 * and runs a minimum number of rounds however slow the machine is.
 */
final class RaceTester extends Tester {
  /** How long each timed race runs: {@code ci} 300 ms, {@code full} 5 s. */
  private static final long RACE_NANOS = TimeUnit.MILLISECONDS.toNanos(scale(300, 5000));

  private static final int MIN_ROUNDS = 20;

  RaceTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "races");
  }

  @Override
  void addTests() throws Exception {
    if (can(Capability.WRITE_OBJECTS)) {
      objectRaces();
    }
    if (can(Capability.WRITE_REFS)) {
      refRaces();
    }
    if (can(Capability.WRITE_OBJECTS) && can(Capability.WRITE_REFS) && suite.runsLincheckStress()) {
      tests.add(
          test(
              "objects and refs together are linearizable (Lincheck stress test)",
              () -> StoreOperations.stress(() -> open(empty()), scale(3, 30), scale(10, 40))));
    }
  }

  /** Runs {@code body} on {@link #THREADS} threads, each until the race's time is up. */
  private static void race(ThreadBody body) throws Exception {
    long end = System.nanoTime() + RACE_NANOS;
    runConcurrently(
        THREADS,
        thread -> {
          for (int round = 0; round < MIN_ROUNDS || System.nanoTime() < end; round++) {
            body.run(thread * 1_000_000 + round);
          }
        });
  }

  private void objectRaces() {
    tests.add(
        test(
            THREADS + " threads writing and reading lose nothing",
            () ->
                withStore(
                    empty(),
                    store -> {
                      int perThread = suite.scale(200, 50, 2000); // a write is a round trip, remote
                      Map<Hash, byte[]> written = new ConcurrentHashMap<>();
                      runConcurrently(
                          THREADS,
                          thread -> {
                            for (int i = 0; i < perThread; i++) {
                              byte[] data = bytes(thread * 1_000_000L + i, 1 + (i * 37) % 2000);
                              Hash hash =
                                  i % 10 == 0 ? writeOneBatch(store, data) : store.put(data);
                              written.put(hash, data);
                              // Read back something this thread or another wrote.
                              Hash other = written.keySet().iterator().next();
                              assertArrayEquals(written.get(other), read(store, other));
                            }
                          });
                      assertEquals(THREADS * perThread, written.size());
                      written.forEach((hash, data) -> assertArrayEquals(data, read(store, hash)));
                    })));
    tests.add(
        test(
            "re-writes of an object racing reads never show a torn or missing object",
            () ->
                withStore(
                    empty(),
                    store -> {
                      byte[] data = bytes(300, 256 * KIB);
                      Hash hash = store.put(data);
                      AtomicInteger reads = new AtomicInteger();
                      race(
                          turn -> {
                            int thread = turn / 1_000_000;
                            if (thread % 2 == 0) {
                              if (turn % 3 == 0) {
                                store.writeBatch(Map.of(hash, data.clone()));
                              } else {
                                store.write(hash, data.clone());
                              }
                              return;
                            }
                            byte[] read =
                                store
                                    .read(hash)
                                    .orElseThrow(
                                        () ->
                                            new AssertionError(
                                                "a stored object read as absent while it was being re-written"));
                            reads.incrementAndGet();
                            if (!Arrays.equals(data, read)) {
                              fail(
                                  "a read racing re-writes of the same object returned "
                                      + read.length
                                      + " bytes that are not the object's "
                                      + data.length
                                      + " (first difference at "
                                      + Arrays.mismatch(data, read)
                                      + "): a torn object; write a new copy beside "
                                      + "the old one and replace it atomically, or skip objects already stored");
                            }
                          });
                      assertTrue(reads.get() > 0, "no read ran");
                    })));
  }

  private void refRaces() {
    String ref = "refs/heads/main";
    tests.add(
        test(
            THREADS + " threads racing CAS on one ref: one winner per round",
            () ->
                withStore(
                    empty(),
                    store -> {
                      int maxRounds = scale(100, 2000);
                      List<Hash> values = new ArrayList<>();
                      for (int i = 0; i <= THREADS * maxRounds; i++) {
                        values.add(hashAlgorithm().hash(bytes(1000 + i, 8)));
                      }
                      store.setRef(ref, values.get(0));
                      AtomicInteger[] winners = new AtomicInteger[maxRounds];
                      for (int r = 0; r < maxRounds; r++) {
                        winners[r] = new AtomicInteger();
                      }
                      // Up to maxRounds, and past MIN_ROUNDS only while the race's time lasts (a
                      // store
                      // over a network takes a round trip per CAS); decided once per round, for
                      // all.
                      long end = System.nanoTime() + RACE_NANOS;
                      AtomicInteger played = new AtomicInteger();
                      AtomicBoolean over = new AtomicBoolean();
                      CyclicBarrier start = new CyclicBarrier(THREADS);
                      CyclicBarrier finish =
                          new CyclicBarrier(
                              THREADS,
                              () -> {
                                int rounds = played.incrementAndGet();
                                over.set(
                                    rounds == maxRounds
                                        || rounds >= MIN_ROUNDS && System.nanoTime() - end >= 0);
                              });
                      Map<Integer, Hash> winnerValue = new ConcurrentHashMap<>();
                      runConcurrently(
                          THREADS,
                          thread -> {
                            for (int r = 0; !over.get(); r++) {
                              start.await(30, TimeUnit.SECONDS);
                              Hash expected = r == 0 ? values.get(0) : winnerValue.get(r - 1);
                              Hash mine = values.get(1 + r * THREADS + thread);
                              if (store.testAndSetRef(ref, expected, mine)) {
                                winners[r].incrementAndGet();
                                winnerValue.put(r, mine);
                              }
                              finish.await(30, TimeUnit.SECONDS);
                            }
                          });
                      int rounds = played.get();
                      for (int r = 0; r < rounds; r++) {
                        assertEquals(1, winners[r].get(), "winners in round " + r);
                      }
                      assertEquals(
                          Optional.ofNullable(winnerValue.get(rounds - 1)), store.getRef(ref));
                    })));
    tests.add(
        test(
            THREADS + " threads incrementing through CAS lose no update",
            () ->
                withStore(
                    empty(),
                    store -> {
                      int maxPerThread = scale(100, 1000);
                      int most = THREADS * maxPerThread;
                      List<Hash> counter = new ArrayList<>();
                      Map<Hash, Integer> valueOf = new HashMap<>();
                      for (int i = 0; i <= most; i++) {
                        Hash hash = hashAlgorithm().hash(("count " + i).getBytes());
                        counter.add(hash);
                        valueOf.put(hash, i);
                      }
                      String name = "refs/counter";
                      // Each thread increments up to maxPerThread times, past MIN_ROUNDS only while
                      // the
                      // race's time lasts.
                      long end = System.nanoTime() + RACE_NANOS;
                      AtomicInteger done = new AtomicInteger();
                      runConcurrently(
                          THREADS,
                          thread -> {
                            for (int i = 0;
                                i < maxPerThread && (i < MIN_ROUNDS || System.nanoTime() - end < 0);
                                i++) {
                              while (true) {
                                Optional<Hash> current = store.getRef(name);
                                int value = current.map(valueOf::get).orElse(0);
                                if (store.testAndSetRef(
                                    name, current.orElse(null), counter.get(value + 1))) {
                                  done.incrementAndGet();
                                  break;
                                }
                              }
                            }
                          });
                      int total = done.get();
                      assertEquals(
                          Optional.of(counter.get(total)),
                          store.getRef(name),
                          "the counter after " + total + " increments");
                    })));
    tests.add(
        test(
            "listRefs racing ref updates lists every ref that stays, sorted, and no "
                + "other name",
            () ->
                withStore(
                    empty(),
                    store -> {
                      Hash one = hashAlgorithm().hash(bytes(310, 10));
                      Hash two = hashAlgorithm().hash(bytes(311, 10));
                      List<String> stable = new ArrayList<>();
                      for (int i = 0; i < 8; i++) {
                        stable.add("refs/heads/stable-" + i);
                        stable.add("refs/stable/" + i + "/x");
                      }
                      stable.forEach(name -> store.setRef(name, one));
                      Set<String> names = new HashSet<>(stable);
                      for (int thread = 0; thread < THREADS; thread++) {
                        for (int i = 0; i < 3; i++) {
                          names.add(churn(thread, i));
                        }
                      }
                      race(
                          turn -> {
                            int thread = turn / 1_000_000;
                            String name = stable.get(turn % stable.size());
                            if (thread % 2 == 0) {
                              String passing = churn(thread, turn % 3);
                              store.setRef(passing, one);
                              store.setRef(name, turn % 2 == 0 ? one : two);
                              assertTrue(
                                  store.testAndSetRef(passing, one, null), "deleting " + passing);
                              return;
                            }
                            List<String> listed = store.listRefs();
                            for (int i = 1; i < listed.size(); i++) {
                              if (listed.get(i - 1).compareTo(listed.get(i)) >= 0) {
                                fail("listRefs racing updates is not strictly sorted: " + listed);
                              }
                            }
                            if (!listed.containsAll(stable) || !names.containsAll(listed)) {
                              Set<String> missing = new HashSet<>(stable);
                              missing.removeAll(listed);
                              Set<String> strange = new HashSet<>(listed);
                              strange.removeAll(names);
                              fail(
                                  "listRefs racing ref updates missed refs that were never deleted "
                                      + missing
                                      + " or listed names never set "
                                      + strange
                                      + "; take the lock that ref updates "
                                      + "take, or list from a snapshot");
                            }
                            assertTrue(
                                store.getRef(name).isPresent(),
                                name + " read as absent while set again");
                          });
                    })));
    if (suite.refsModelCheckable()) {
      tests.add(
          test(
              "ref operations are linearizable (Lincheck model check)",
              () -> RefOperations.check(() -> open(empty()), scale(1, 10), suite.getClass())));
    } else if (suite.runsLincheckStress()) {
      tests.add(
          test(
              "ref operations are linearizable (Lincheck stress test)",
              () -> RefOperations.stress(() -> open(empty()), scale(1, 10))));
    }
  }

  private static String churn(int thread, int i) {
    return "refs/heads/churn/" + thread + "/" + i + "/x";
  }

  private static Hash writeOneBatch(Backend store, byte[] data) {
    Hash hash = store.hashAlgorithm().hash(data);
    store.writeBatch(Map.of(hash, data));
    return hash;
  }
}
