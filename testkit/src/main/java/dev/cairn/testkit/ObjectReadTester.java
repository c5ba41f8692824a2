package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.SIZES;
import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.StoreStats;
import java.util.Optional;
import java.util.Set;

/**
 * What every store does with objects: read them back whole, say which exist, hand out arrays the
 * caller owns.
 */
final class ObjectReadTester extends Tester {
  ObjectReadTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "reading objects");
  }

  @Override
  void addTests() throws Exception {
    for (int size : SIZES) {
      tests.add(
          test(
              "a stored object of " + size + " bytes reads back byte-identical",
              () -> {
                Seed.Builder seed = Seed.builder(hashAlgorithm());
                byte[] data = bytes(size, size);
                Hash hash = seed.object(data);
                withStore(seed.build(), store -> assertArrayEquals(data, read(store, hash)));
              }));
    }
    tests.add(
        test(
            "an absent object reads as empty",
            () ->
                withStore(
                    seeded(),
                    store ->
                        assertEquals(
                            Optional.empty(), store.read(hashAlgorithm().hash(bytes(-1, 10)))))));
    tests.add(
        test(
            "exists is true for stored objects and false for absent ones",
            () -> {
              Seed.Builder seed = Seed.builder(hashAlgorithm());
              Hash present = seed.object(bytes(1, 100));
              withStore(
                  seed.build(),
                  store -> {
                    assertTrue(store.exists(present), "exists(stored)");
                    assertFalse(
                        store.exists(hashAlgorithm().hash(bytes(2, 100))), "exists(absent)");
                  });
            }));
    tests.add(
        test(
            "a returned array belongs to the caller",
            () -> {
              Seed.Builder seed = Seed.builder(hashAlgorithm());
              byte[] data = bytes(3, 64);
              Hash hash = seed.object(data);
              withStore(
                  seed.build(),
                  store -> {
                    byte[] first = read(store, hash);
                    first[0] ^= 1;
                    assertArrayEquals(
                        data, read(store, hash), "changing a returned array changed the store");
                  });
            }));
    tests.add(
        test(
            "a hash of another algorithm is rejected by read and exists",
            () ->
                withStore(
                    seeded(),
                    store -> {
                      Hash foreign = foreignAlgorithm().hash(bytes(4, 10));
                      assertThrows(HashAlgorithmMismatchException.class, () -> store.read(foreign));
                      assertThrows(
                          HashAlgorithmMismatchException.class, () -> store.exists(foreign));
                    })));
    tests.add(
        test(
            "null hashes are rejected",
            () ->
                withStore(
                    seeded(),
                    store -> {
                      assertThrows(NullPointerException.class, () -> store.read(illegalNull()));
                      assertThrows(NullPointerException.class, () -> store.exists(illegalNull()));
                    })));
    tests.add(
        test(
            "stats count reads, where the store keeps stats",
            () -> {
              Seed.Builder seed = Seed.builder(hashAlgorithm());
              Hash hash = seed.object(bytes(5, 100));
              withStore(
                  seed.build(),
                  store -> {
                    Optional<StoreStats> before = store.stats();
                    read(store, hash);
                    store.read(hashAlgorithm().hash(bytes(6, 1)));
                    Optional<StoreStats> after = store.stats();
                    assertEquals(before.isPresent(), after.isPresent(), "stats() presence changed");
                    if (after.isPresent()) {
                      assertEquals(
                          before.get().reads() + 2, after.get().reads(), "reads after two reads");
                      assertTrue(
                          after.get().bytesRead() >= before.get().bytesRead() + 100, "bytesRead");
                    }
                  });
            }));
  }
}
