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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What a store with {@link Capability#WRITE_OBJECTS} does with writes. */
final class ObjectWriteTester extends Tester {
  ObjectWriteTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "writing objects");
  }

  @Override
  void addTests() throws Exception {
    for (int size : SIZES) {
      tests.add(
          test(
              "a written object of " + size + " bytes reads back byte-identical",
              () ->
                  withStore(
                      empty(),
                      store -> {
                        byte[] data = bytes(100 + size, size);
                        Hash hash = hashAlgorithm().hash(data);
                        store.write(hash, data);
                        assertTrue(store.exists(hash), "exists after write");
                        assertArrayEquals(data, read(store, hash));
                      })));
    }
    tests.add(
        test(
            "put returns the hash of the bytes and stores them",
            () ->
                withStore(
                    empty(),
                    store -> {
                      byte[] data = bytes(20, 300);
                      Hash hash = store.put(data);
                      assertEquals(hashAlgorithm().hash(data), hash);
                      assertArrayEquals(data, read(store, hash));
                    })));
    tests.add(
        test(
            "rewriting an object is harmless",
            () ->
                withStore(
                    empty(),
                    store -> {
                      byte[] data = bytes(21, 500);
                      Hash hash = store.put(data);
                      store.write(hash, data.clone());
                      store.writeBatch(Map.of(hash, data.clone()));
                      assertArrayEquals(data, read(store, hash));
                    })));
    tests.add(
        test(
            "writeBatch stores every object of the batch",
            () ->
                withStore(
                    empty(),
                    store -> {
                      Map<Hash, byte[]> batch = batch(22, 100);
                      store.writeBatch(batch);
                      batch.forEach((hash, data) -> assertArrayEquals(data, read(store, hash)));
                    })));
    tests.add(
        test(
            "an empty writeBatch is harmless",
            () ->
                withStore(
                    empty(),
                    store -> {
                      store.writeBatch(Map.of());
                      store.flush();
                    })));
    tests.add(
        test(
            "a write with a hash of another algorithm is rejected",
            () ->
                withStore(
                    empty(),
                    store -> {
                      byte[] data = bytes(23, 10);
                      assertThrows(
                          HashAlgorithmMismatchException.class,
                          () -> store.write(foreignAlgorithm().hash(data), data));
                      assertFalse(
                          store.exists(hashAlgorithm().hash(data)), "a rejected write stored data");
                    })));
    tests.add(
        test(
            "a batch holding a hash of another algorithm stores nothing",
            () ->
                withStore(
                    empty(),
                    store -> {
                      Map<Hash, byte[]> batch = new LinkedHashMap<>(batch(24, 5));
                      byte[] odd = bytes(25, 10);
                      batch.put(foreignAlgorithm().hash(odd), odd);
                      assertThrows(
                          HashAlgorithmMismatchException.class, () -> store.writeBatch(batch));
                      for (Hash hash : batch.keySet()) {
                        if (hash.algorithm().name().equals(hashAlgorithm().name())) {
                          assertFalse(store.exists(hash), "part of a rejected batch was stored");
                        }
                      }
                    })));
    tests.add(
        test(
            "changing an array after writing it does not change the store",
            () ->
                withStore(
                    empty(),
                    store -> {
                      byte[] data = bytes(26, 100);
                      byte[] original = data.clone();
                      Hash hash = store.put(data);
                      data[0] ^= 1;
                      assertArrayEquals(original, read(store, hash));
                    })));
    tests.add(
        test(
            "null objects are rejected",
            () ->
                withStore(
                    empty(),
                    store -> {
                      Hash hash = hashAlgorithm().hash(new byte[0]);
                      assertThrows(
                          NullPointerException.class, () -> store.write(hash, illegalNull()));
                      assertThrows(
                          NullPointerException.class,
                          () -> store.write(illegalNull(), new byte[0]));
                      assertThrows(NullPointerException.class, () -> store.put(illegalNull()));
                      assertThrows(
                          NullPointerException.class, () -> store.writeBatch(illegalNull()));
                    })));
    tests.add(
        test(
            "stats count writes, where the store keeps stats",
            () ->
                withStore(
                    empty(),
                    store -> {
                      Optional<StoreStats> before = store.stats();
                      store.put(bytes(27, 10));
                      store.writeBatch(batch(28, 3));
                      store
                          .stats()
                          .ifPresent(
                              after ->
                                  assertEquals(
                                      before.orElseThrow().writes() + 4, after.writes(), "writes"));
                    })));
  }
}
