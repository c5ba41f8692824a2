package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.HOSTILE_REF_NAMES;
import static dev.cairn.testkit.TestData.KIB;
import static dev.cairn.testkit.TestData.SIZES;
import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.InvalidRefNameException;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreClosedException;
import dev.cairn.spi.StoreStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The conformance suite of the {@link Backend} contract. A backend's test extends this class
 * and implements {@link #open(Seed)}; JUnit then runs every test that applies to the store.
 *
 * <p>Tests are chosen by the store's {@link Backend#capabilities()}, as guava-testlib chooses
 * testers by declared features: a store without {@link Capability#WRITE_OBJECTS} gets "write
 * is rejected" tests instead of "write works" tests; one with {@link Capability#PERSISTENT}
 * gets reopen tests, which need {@link #reopen(Backend)}. Tests that do not apply are not
 * generated, so no test is reported as skipped.
 *
 * <pre>{@code
 * class MyBackendTest extends ConformanceSuite {
 *   @Override
 *   protected Backend open(Seed seed) {
 *     return seed.writeTo(MyBackend.create(seed.algorithm()));
 *   }
 * }
 * }</pre>
 *
 * <p>Every store opened by the suite is closed by it. Long-running parts (the concurrency
 * rounds and the Lincheck model check) scale with the system property {@code cairn.budget}:
 * {@code ci} (the default) or {@code full}.
 */
public abstract class ConformanceSuite {
  private static final int THREADS = 8;

  /**
   * Opens a new store that holds exactly {@code seed}'s objects and refs and shares nothing
   * with any other store this method returned. Its hashes are of {@code seed.algorithm()}.
   */
  protected abstract Backend open(Seed seed) throws Exception;

  /**
   * Reopens the store behind {@code closed}, which the suite has flushed and closed. Needed
   * only by stores with {@link Capability#PERSISTENT}; the default fails the test.
   */
  protected Backend reopen(Backend closed) throws Exception {
    throw new AssertionError(closed + " declares PERSISTENT but its test does not override "
        + "ConformanceSuite.reopen(Backend)");
  }

  /**
   * Whether Lincheck's model checker can run the store's ref operations. It cannot follow file
   * I/O (Lincheck 3.7 rejects {@code java.nio.channels}), so a store that does file I/O
   * returns false and its refs are stress-tested by Lincheck on real threads instead.
   */
  protected boolean refsModelCheckable() {
    return true;
  }

  /** The algorithm of the stores under test. SHA-256 unless overridden. */
  protected HashAlgorithm hashAlgorithm() {
    return HashAlgorithm.SHA256;
  }

  /** Every conformance test that applies to the store, grouped by topic. */
  @TestFactory
  public final Stream<DynamicNode> conformance() throws Exception {
    Set<Capability> capabilities;
    try (Backend probe = open(Seed.empty(hashAlgorithm()))) {
      capabilities = probe.capabilities();
      assertEquals(hashAlgorithm().name(), probe.hashAlgorithm().name(),
          "open(seed) must return a store of seed.algorithm()");
    }
    List<DynamicNode> groups = new ArrayList<>();
    groups.add(dynamicContainer("reading objects", objectReads()));
    groups.add(dynamicContainer("reading refs", refReads()));
    groups.add(capabilities.contains(Capability.WRITE_OBJECTS)
        ? dynamicContainer("writing objects", objectWrites())
        : dynamicContainer("object writes are rejected", objectWritesRejected()));
    groups.add(capabilities.contains(Capability.WRITE_REFS)
        ? dynamicContainer("writing refs", refWrites())
        : dynamicContainer("ref writes are rejected", refWritesRejected()));
    groups.add(dynamicContainer("lifecycle", lifecycle(capabilities)));
    if (capabilities.contains(Capability.PERSISTENT)) {
      groups.add(dynamicContainer("persistence", persistence(capabilities)));
    }
    return groups.stream();
  }

  // ---------------------------------------------------------------- reading objects

  private Stream<DynamicNode> objectReads() {
    List<DynamicNode> tests = new ArrayList<>();
    for (int size : SIZES) {
      tests.add(test("a stored object of " + size + " bytes reads back byte-identical", () -> {
        Seed.Builder seed = Seed.builder(hashAlgorithm());
        byte[] data = bytes(size, size);
        Hash hash = seed.object(data);
        withStore(seed.build(), store -> assertArrayEquals(data, read(store, hash)));
      }));
    }
    tests.add(test("an absent object reads as empty", () -> withStore(seeded(), store ->
        assertEquals(Optional.empty(), store.read(hashAlgorithm().hash(bytes(-1, 10)))))));
    tests.add(test("exists is true for stored objects and false for absent ones", () -> {
      Seed.Builder seed = Seed.builder(hashAlgorithm());
      Hash present = seed.object(bytes(1, 100));
      withStore(seed.build(), store -> {
        assertTrue(store.exists(present), "exists(stored)");
        assertFalse(store.exists(hashAlgorithm().hash(bytes(2, 100))), "exists(absent)");
      });
    }));
    tests.add(test("a returned array belongs to the caller", () -> {
      Seed.Builder seed = Seed.builder(hashAlgorithm());
      byte[] data = bytes(3, 64);
      Hash hash = seed.object(data);
      withStore(seed.build(), store -> {
        byte[] first = read(store, hash);
        first[0] ^= 1;
        assertArrayEquals(data, read(store, hash), "changing a returned array changed the store");
      });
    }));
    tests.add(test("a hash of another algorithm is rejected by read and exists", () ->
        withStore(seeded(), store -> {
          Hash foreign = foreignAlgorithm().hash(bytes(4, 10));
          assertThrows(HashAlgorithmMismatchException.class, () -> store.read(foreign));
          assertThrows(HashAlgorithmMismatchException.class, () -> store.exists(foreign));
        })));
    tests.add(test("null hashes are rejected", () -> withStore(seeded(), store -> {
      assertThrows(NullPointerException.class, () -> store.read(null));
      assertThrows(NullPointerException.class, () -> store.exists(null));
    })));
    tests.add(test("stats count reads, where the store keeps stats", () -> {
      Seed.Builder seed = Seed.builder(hashAlgorithm());
      Hash hash = seed.object(bytes(5, 100));
      withStore(seed.build(), store -> {
        Optional<StoreStats> before = store.stats();
        read(store, hash);
        store.read(hashAlgorithm().hash(bytes(6, 1)));
        Optional<StoreStats> after = store.stats();
        assertEquals(before.isPresent(), after.isPresent(), "stats() presence changed");
        if (after.isPresent()) {
          assertEquals(before.get().reads() + 2, after.get().reads(), "reads after two reads");
          assertTrue(after.get().bytesRead() >= before.get().bytesRead() + 100, "bytesRead");
        }
      });
    }));
    return tests.stream();
  }

  // ---------------------------------------------------------------- reading refs

  private Stream<DynamicNode> refReads() {
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(test("a stored ref reads back", () -> {
      Seed.Builder seed = Seed.builder(hashAlgorithm());
      Hash hash = seed.object(bytes(10, 10));
      seed.ref("refs/heads/main", hash);
      withStore(seed.build(), store ->
          assertEquals(Optional.of(hash), store.getRef("refs/heads/main")));
    }));
    tests.add(test("an absent ref reads as empty", () -> withStore(seeded(), store ->
        assertEquals(Optional.empty(), store.getRef("refs/heads/absent")))));
    tests.add(test("listRefs is sorted", () -> {
      Seed.Builder seed = Seed.builder(hashAlgorithm());
      Hash hash = seed.object(bytes(11, 10));
      List<String> names = List.of("refs/tags/v1", "HEAD", "refs/heads/b", "refs/heads/a-b",
          "refs/heads/a", "refs/heads/a/b", "zz", "refs/heads/\u00e9t\u00e9");
      names.forEach(name -> seed.ref(name, hash));
      List<String> sorted = new ArrayList<>(names);
      Collections.sort(sorted);
      withStore(seed.build(), store -> assertEquals(sorted, store.listRefs()));
    }));
    tests.add(test("getRef rejects " + HOSTILE_REF_NAMES.size() + " hostile names", () ->
        withStore(seeded(), store -> {
          for (String name : HOSTILE_REF_NAMES) {
            InvalidRefNameException e = assertThrows(InvalidRefNameException.class,
                () -> store.getRef(name), () -> "getRef accepted " + literal(name));
            assertEquals(name, e.name());
          }
          assertThrows(InvalidRefNameException.class, () -> store.getRef(null));
        })));
    return tests.stream();
  }

  // ---------------------------------------------------------------- writing objects

  private Stream<DynamicNode> objectWrites() {
    List<DynamicNode> tests = new ArrayList<>();
    for (int size : SIZES) {
      tests.add(test("a written object of " + size + " bytes reads back byte-identical", () ->
          withStore(empty(), store -> {
            byte[] data = bytes(100 + size, size);
            Hash hash = hashAlgorithm().hash(data);
            store.write(hash, data);
            assertTrue(store.exists(hash), "exists after write");
            assertArrayEquals(data, read(store, hash));
          })));
    }
    tests.add(test("put returns the hash of the bytes and stores them", () ->
        withStore(empty(), store -> {
          byte[] data = bytes(20, 300);
          Hash hash = store.put(data);
          assertEquals(hashAlgorithm().hash(data), hash);
          assertArrayEquals(data, read(store, hash));
        })));
    tests.add(test("rewriting an object is harmless", () -> withStore(empty(), store -> {
      byte[] data = bytes(21, 500);
      Hash hash = store.put(data);
      store.write(hash, data.clone());
      store.writeBatch(Map.of(hash, data.clone()));
      assertArrayEquals(data, read(store, hash));
    })));
    tests.add(test("writeBatch stores every object of the batch", () ->
        withStore(empty(), store -> {
          Map<Hash, byte[]> batch = batch(22, 100);
          store.writeBatch(batch);
          batch.forEach((hash, data) -> assertArrayEquals(data, read(store, hash)));
        })));
    tests.add(test("an empty writeBatch is harmless", () -> withStore(empty(), store -> {
      store.writeBatch(Map.of());
      store.flush();
    })));
    tests.add(test("a write with a hash of another algorithm is rejected", () ->
        withStore(empty(), store -> {
          byte[] data = bytes(23, 10);
          assertThrows(HashAlgorithmMismatchException.class,
              () -> store.write(foreignAlgorithm().hash(data), data));
          assertFalse(store.exists(hashAlgorithm().hash(data)), "a rejected write stored data");
        })));
    tests.add(test("a batch holding a hash of another algorithm stores nothing", () ->
        withStore(empty(), store -> {
          Map<Hash, byte[]> batch = new LinkedHashMap<>(batch(24, 5));
          byte[] odd = bytes(25, 10);
          batch.put(foreignAlgorithm().hash(odd), odd);
          assertThrows(HashAlgorithmMismatchException.class, () -> store.writeBatch(batch));
          for (Hash hash : batch.keySet()) {
            if (hash.algorithm().name().equals(hashAlgorithm().name())) {
              assertFalse(store.exists(hash), "part of a rejected batch was stored");
            }
          }
        })));
    tests.add(test("changing an array after writing it does not change the store", () ->
        withStore(empty(), store -> {
          byte[] data = bytes(26, 100);
          byte[] original = data.clone();
          Hash hash = store.put(data);
          data[0] ^= 1;
          assertArrayEquals(original, read(store, hash));
        })));
    tests.add(test("null objects are rejected", () -> withStore(empty(), store -> {
      Hash hash = hashAlgorithm().hash(new byte[0]);
      assertThrows(NullPointerException.class, () -> store.write(hash, null));
      assertThrows(NullPointerException.class, () -> store.write(null, new byte[0]));
      assertThrows(NullPointerException.class, () -> store.put(null));
      assertThrows(NullPointerException.class, () -> store.writeBatch(null));
    })));
    tests.add(test("stats count writes, where the store keeps stats", () ->
        withStore(empty(), store -> {
          Optional<StoreStats> before = store.stats();
          store.put(bytes(27, 10));
          store.writeBatch(batch(28, 3));
          store.stats().ifPresent(after ->
              assertEquals(before.orElseThrow().writes() + 4, after.writes(), "writes"));
        })));
    tests.add(test(THREADS + " threads writing and reading lose nothing", () ->
        withStore(empty(), store -> {
          int perThread = scale(200, 2000);
          Map<Hash, byte[]> written = new ConcurrentHashMap<>();
          runConcurrently(THREADS, thread -> {
            for (int i = 0; i < perThread; i++) {
              byte[] data = bytes(thread * 1_000_000L + i, 1 + (i * 37) % 2000);
              Hash hash = i % 10 == 0
                  ? writeOneBatch(store, data)
                  : store.put(data);
              written.put(hash, data);
              // Read back something this thread or another wrote.
              Hash other = written.keySet().iterator().next();
              assertArrayEquals(written.get(other), read(store, other));
            }
          });
          assertEquals(THREADS * perThread, written.size());
          written.forEach((hash, data) -> assertArrayEquals(data, read(store, hash)));
        })));
    return tests.stream();
  }

  private static Hash writeOneBatch(Backend store, byte[] data) {
    Hash hash = store.hashAlgorithm().hash(data);
    store.writeBatch(Map.of(hash, data));
    return hash;
  }

  private Stream<DynamicNode> objectWritesRejected() {
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(test("write is rejected and stores nothing", () -> withStore(seeded(), store -> {
      byte[] data = bytes(30, 10);
      Hash hash = hashAlgorithm().hash(data);
      ReadOnlyStoreException e =
          assertThrows(ReadOnlyStoreException.class, () -> store.write(hash, data));
      assertEquals("write", e.operation());
      assertFalse(store.exists(hash));
    })));
    tests.add(test("put is rejected and stores nothing", () -> withStore(seeded(), store -> {
      byte[] data = bytes(31, 10);
      assertThrows(ReadOnlyStoreException.class, () -> store.put(data));
      assertFalse(store.exists(hashAlgorithm().hash(data)));
    })));
    tests.add(test("writeBatch is rejected and stores nothing", () ->
        withStore(seeded(), store -> {
          Map<Hash, byte[]> batch = batch(32, 3);
          assertThrows(ReadOnlyStoreException.class, () -> store.writeBatch(batch));
          batch.keySet().forEach(hash -> assertFalse(store.exists(hash)));
        })));
    tests.add(test("stored objects stay readable after rejected writes", () -> {
      Seed.Builder seed = Seed.builder(hashAlgorithm());
      byte[] data = bytes(33, 100);
      Hash hash = seed.object(data);
      withStore(seed.build(), store -> {
        assertThrows(ReadOnlyStoreException.class, () -> store.write(hash, data));
        assertArrayEquals(data, read(store, hash));
      });
    }));
    return tests.stream();
  }

  // ---------------------------------------------------------------- writing refs

  private Stream<DynamicNode> refWrites() {
    List<DynamicNode> tests = new ArrayList<>();
    Hash h1 = hashAlgorithm().hash(bytes(40, 10));
    Hash h2 = hashAlgorithm().hash(bytes(41, 10));
    Hash h3 = hashAlgorithm().hash(bytes(42, 10));
    String ref = "refs/heads/main";
    tests.add(test("setRef creates and overwrites a ref", () -> withStore(empty(), store -> {
      store.setRef(ref, h1);
      assertEquals(Optional.of(h1), store.getRef(ref));
      store.setRef(ref, h2);
      assertEquals(Optional.of(h2), store.getRef(ref));
      assertEquals(List.of(ref), store.listRefs());
    })));
    tests.add(test("CAS from absent creates a ref only if it is absent", () ->
        withStore(empty(), store -> {
          assertTrue(store.testAndSetRef(ref, null, h1), "create on absent");
          assertEquals(Optional.of(h1), store.getRef(ref));
          assertFalse(store.testAndSetRef(ref, null, h2), "create on present");
          assertEquals(Optional.of(h1), store.getRef(ref));
        })));
    tests.add(test("CAS updates a ref only if it holds the expected hash", () ->
        withStore(empty(), store -> {
          store.setRef(ref, h1);
          assertTrue(store.testAndSetRef(ref, h1, h2), "update on match");
          assertEquals(Optional.of(h2), store.getRef(ref));
          assertFalse(store.testAndSetRef(ref, h1, h3), "update on mismatch");
          assertEquals(Optional.of(h2), store.getRef(ref));
          assertFalse(store.testAndSetRef("refs/heads/absent", h1, h3), "update on absent");
          assertEquals(Optional.empty(), store.getRef("refs/heads/absent"));
        })));
    tests.add(test("CAS to absent deletes a ref only if it holds the expected hash", () ->
        withStore(empty(), store -> {
          store.setRef(ref, h1);
          assertFalse(store.testAndSetRef(ref, h2, null), "delete on mismatch");
          assertEquals(Optional.of(h1), store.getRef(ref));
          assertTrue(store.testAndSetRef(ref, h1, null), "delete on match");
          assertEquals(Optional.empty(), store.getRef(ref));
          assertEquals(List.of(), store.listRefs());
          assertFalse(store.testAndSetRef(ref, h1, null), "delete on absent");
        })));
    tests.add(test("CAS from absent to absent tells whether the ref is absent", () ->
        withStore(empty(), store -> {
          assertTrue(store.testAndSetRef(ref, null, null), "absent");
          store.setRef(ref, h1);
          assertFalse(store.testAndSetRef(ref, null, null), "present");
          assertEquals(Optional.of(h1), store.getRef(ref));
        })));
    tests.add(test("listRefs is sorted after writes in any order", () ->
        withStore(empty(), store -> {
          List<String> names = new ArrayList<>(List.of("refs/tags/v2", "refs/tags/v10",
              "refs/heads/z", "refs/heads/a", "refs/heads/a/b", "refs/heads/a-b", "HEAD"));
          names.forEach(name -> store.setRef(name, h1));
          store.testAndSetRef("refs/heads/cas", null, h2);
          names.add("refs/heads/cas");
          Collections.sort(names);
          assertEquals(names, store.listRefs());
        })));
    tests.add(test("setRef and CAS reject " + HOSTILE_REF_NAMES.size()
        + " hostile names and create nothing", () -> withStore(empty(), store -> {
          store.setRef(ref, h1);
          for (String name : HOSTILE_REF_NAMES) {
            assertThrows(InvalidRefNameException.class, () -> store.setRef(name, h1),
                () -> "setRef accepted " + literal(name));
            assertThrows(InvalidRefNameException.class,
                () -> store.testAndSetRef(name, null, h1),
                () -> "testAndSetRef accepted " + literal(name));
            assertThrows(InvalidRefNameException.class,
                () -> store.testAndSetRef(name, h1, null),
                () -> "testAndSetRef (delete) accepted " + literal(name));
          }
          assertEquals(List.of(ref), store.listRefs());
          assertEquals(Optional.of(h1), store.getRef(ref));
        })));
    tests.add(test("refs to hashes of another algorithm are rejected", () ->
        withStore(empty(), store -> {
          Hash foreign = foreignAlgorithm().hash(bytes(43, 1));
          assertThrows(HashAlgorithmMismatchException.class, () -> store.setRef(ref, foreign));
          assertThrows(HashAlgorithmMismatchException.class,
              () -> store.testAndSetRef(ref, null, foreign));
          assertThrows(HashAlgorithmMismatchException.class,
              () -> store.testAndSetRef(ref, foreign, h1));
          assertEquals(List.of(), store.listRefs());
        })));
    tests.add(test(THREADS + " threads racing CAS on one ref: one winner per round", () ->
        withStore(empty(), store -> {
          int rounds = scale(100, 2000);
          List<Hash> values = new ArrayList<>();
          for (int i = 0; i <= THREADS * rounds; i++) {
            values.add(hashAlgorithm().hash(bytes(1000 + i, 8)));
          }
          store.setRef(ref, values.get(0));
          AtomicInteger[] winners = new AtomicInteger[rounds];
          for (int r = 0; r < rounds; r++) {
            winners[r] = new AtomicInteger();
          }
          CyclicBarrier barrier = new CyclicBarrier(THREADS);
          Map<Integer, Hash> winnerValue = new ConcurrentHashMap<>();
          runConcurrently(THREADS, thread -> {
            for (int r = 0; r < rounds; r++) {
              barrier.await(30, TimeUnit.SECONDS);
              Hash expected = r == 0 ? values.get(0) : winnerValue.get(r - 1);
              Hash mine = values.get(1 + r * THREADS + thread);
              if (store.testAndSetRef(ref, expected, mine)) {
                winners[r].incrementAndGet();
                winnerValue.put(r, mine);
              }
              barrier.await(30, TimeUnit.SECONDS);
            }
          });
          for (int r = 0; r < rounds; r++) {
            assertEquals(1, winners[r].get(), "winners in round " + r);
          }
          assertEquals(Optional.of(winnerValue.get(rounds - 1)), store.getRef(ref));
        })));
    tests.add(test(THREADS + " threads incrementing through CAS lose no update", () ->
        withStore(empty(), store -> {
          int perThread = scale(100, 1000);
          int total = THREADS * perThread;
          List<Hash> counter = new ArrayList<>();
          Map<Hash, Integer> valueOf = new HashMap<>();
          for (int i = 0; i <= total; i++) {
            Hash hash = hashAlgorithm().hash(("count " + i).getBytes());
            counter.add(hash);
            valueOf.put(hash, i);
          }
          String name = "refs/counter";
          runConcurrently(THREADS, thread -> {
            for (int i = 0; i < perThread; i++) {
              while (true) {
                Optional<Hash> current = store.getRef(name);
                int value = current.map(valueOf::get).orElse(0);
                if (store.testAndSetRef(name, current.orElse(null), counter.get(value + 1))) {
                  break;
                }
              }
            }
          });
          assertEquals(Optional.of(counter.get(total)), store.getRef(name),
              "the counter after " + total + " increments");
        })));
    if (refsModelCheckable()) {
      tests.add(test("ref operations are linearizable (Lincheck model check)", () ->
          RefOperations.check(() -> open(Seed.empty(hashAlgorithm())), scale(1, 10))));
    } else {
      tests.add(test("ref operations are linearizable (Lincheck stress test)", () ->
          RefOperations.stress(() -> open(Seed.empty(hashAlgorithm())), scale(1, 10))));
    }
    return tests.stream();
  }

  private Stream<DynamicNode> refWritesRejected() {
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(test("setRef and CAS are rejected and change nothing", () -> {
      Seed.Builder seed = Seed.builder(hashAlgorithm());
      Hash hash = seed.object(bytes(50, 10));
      seed.ref("refs/heads/main", hash);
      withStore(seed.build(), store -> {
        Hash other = hashAlgorithm().hash(bytes(51, 10));
        assertEquals("setRef", assertThrows(ReadOnlyStoreException.class,
            () -> store.setRef("refs/heads/main", other)).operation());
        assertEquals("testAndSetRef", assertThrows(ReadOnlyStoreException.class,
            () -> store.testAndSetRef("refs/heads/main", hash, other)).operation());
        assertThrows(ReadOnlyStoreException.class,
            () -> store.testAndSetRef("refs/heads/main", hash, null));
        assertThrows(ReadOnlyStoreException.class,
            () -> store.testAndSetRef("refs/heads/new", null, other));
        assertEquals(Optional.of(hash), store.getRef("refs/heads/main"));
        assertEquals(List.of("refs/heads/main"), store.listRefs());
      });
    }));
    return tests.stream();
  }

  // ---------------------------------------------------------------- lifecycle

  private Stream<DynamicNode> lifecycle(Set<Capability> capabilities) {
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(test("close is idempotent", () -> {
      Backend store = open(seeded());
      store.close();
      store.close();
    }));
    tests.add(test("flush succeeds on an open store", () -> withStore(seeded(), store -> {
      if (capabilities.contains(Capability.WRITE_OBJECTS)) {
        store.put(bytes(60, 10));
      }
      store.flush();
    })));
    tests.add(test("every operation after close fails with StoreClosedException", () -> {
      Backend store = open(seeded());
      store.close();
      Hash hash = hashAlgorithm().hash(bytes(61, 10));
      Map<String, Executable> operations = new LinkedHashMap<>();
      operations.put("read", () -> store.read(hash));
      operations.put("exists", () -> store.exists(hash));
      operations.put("write", () -> store.write(hash, bytes(61, 10)));
      operations.put("put", () -> store.put(bytes(61, 10)));
      operations.put("writeBatch", () -> store.writeBatch(Map.of(hash, bytes(61, 10))));
      operations.put("getRef", () -> store.getRef("refs/heads/main"));
      operations.put("setRef", () -> store.setRef("refs/heads/main", hash));
      operations.put("testAndSetRef", () -> store.testAndSetRef("refs/heads/main", null, hash));
      operations.put("listRefs", store::listRefs);
      operations.put("flush", store::flush);
      operations.forEach((name, operation) ->
          assertThrows(StoreClosedException.class, operation, name + " after close"));
    }));
    tests.add(test("capabilities and hashAlgorithm are stable", () -> withStore(seeded(), store -> {
      assertEquals(capabilities, store.capabilities());
      assertNotNull(store.hashAlgorithm());
    })));
    return tests.stream();
  }

  // ---------------------------------------------------------------- persistence

  private Stream<DynamicNode> persistence(Set<Capability> capabilities) {
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(test("flushed objects and refs survive reopening", () -> {
      Seed.Builder seed = Seed.builder(hashAlgorithm());
      Map<Hash, byte[]> objects = new LinkedHashMap<>();
      for (int size : List.of(0, 1, KIB, 100 * KIB)) {
        byte[] data = bytes(70 + size, size);
        objects.put(seed.object(data), data);
      }
      Hash head = objects.keySet().iterator().next();
      seed.ref("refs/heads/main", head);
      Backend store = open(seed.build());
      Map<Hash, byte[]> written = new LinkedHashMap<>();
      if (capabilities.contains(Capability.WRITE_OBJECTS)) {
        byte[] data = bytes(79, 5000);
        written.put(store.put(data), data);
        written.putAll(batch(80, 10));
        store.writeBatch(batch(80, 10));
      }
      if (capabilities.contains(Capability.WRITE_REFS)) {
        store.setRef("refs/tags/v1", head);
      }
      store.flush();
      store.close();
      try (Backend reopened = reopen(store)) {
        objects.forEach((hash, data) -> assertArrayEquals(data, read(reopened, hash)));
        written.forEach((hash, data) -> assertArrayEquals(data, read(reopened, hash)));
        assertEquals(Optional.of(head), reopened.getRef("refs/heads/main"));
        if (capabilities.contains(Capability.WRITE_REFS)) {
          assertEquals(Optional.of(head), reopened.getRef("refs/tags/v1"));
        }
      }
    }));
    return tests.stream();
  }

  // ---------------------------------------------------------------- helpers

  /** A body of a test that may throw. */
  @FunctionalInterface
  private interface StoreTest {
    void run(Backend store) throws Exception;
  }

  /** A body run by one of several threads. */
  @FunctionalInterface
  private interface ThreadBody {
    void run(int thread) throws Exception;
  }

  private static DynamicNode test(String name, Executable body) {
    return dynamicTest(name, body);
  }

  private void withStore(Seed seed, StoreTest body) throws Exception {
    try (Backend store = open(seed)) {
      body.run(store);
    }
  }

  private Seed empty() {
    return Seed.empty(hashAlgorithm());
  }

  /** A seed with a few objects and one ref, so read-only stores are not trivially empty. */
  private Seed seeded() {
    Seed.Builder seed = Seed.builder(hashAlgorithm());
    Hash first = seed.object(bytes(90, 10));
    seed.object(bytes(91, 1000));
    seed.ref("refs/heads/seeded", first);
    return seed.build();
  }

  private Map<Hash, byte[]> batch(long seed, int count) {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byte[] data = bytes(seed * 1000 + i, i * 97 % 3000);
      batch.put(hashAlgorithm().hash(data), data);
    }
    return batch;
  }

  private HashAlgorithm foreignAlgorithm() {
    return hashAlgorithm().name().equals(HashAlgorithm.SHA1.name())
        ? HashAlgorithm.SHA256
        : HashAlgorithm.SHA1;
  }

  private static byte[] read(Backend store, Hash hash) {
    return store.read(hash).orElseThrow(() -> new AssertionError(hash + " is missing"));
  }

  private static void runConcurrently(int threads, ThreadBody body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          body.run(thread);
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get(5, TimeUnit.MINUTES);
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
    return "full".equals(System.getProperty("cairn.budget")) ? full : ci;
  }

  private static String literal(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    name.chars().limit(80).forEach(c -> out.append(c < 0x20 || c == 0x7f || c > 0x7e
        ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return out.append(name.length() > 80 ? "...\"" : "\"").toString();
  }
}
