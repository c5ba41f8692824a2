package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.ReadOnlyStoreException;
import java.util.Map;
import java.util.Set;

/**
 * What a store without {@link Capability#WRITE_OBJECTS} does with writes: refuse them, keep what it
 * holds.
 */
final class ObjectWritesRejectedTester extends Tester {
  ObjectWritesRejectedTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "object writes are rejected");
  }

  @Override
  void addTests() throws Exception {
    tests.add(
        test(
            "write is rejected and stores nothing",
            () ->
                withStore(
                    seeded(),
                    store -> {
                      byte[] data = bytes(30, 10);
                      Hash hash = hashAlgorithm().hash(data);
                      ReadOnlyStoreException e =
                          assertThrows(ReadOnlyStoreException.class, () -> store.write(hash, data));
                      assertEquals("write", e.operation());
                      assertFalse(store.exists(hash));
                    })));
    tests.add(
        test(
            "put is rejected and stores nothing",
            () ->
                withStore(
                    seeded(),
                    store -> {
                      byte[] data = bytes(31, 10);
                      assertThrows(ReadOnlyStoreException.class, () -> store.put(data));
                      assertFalse(store.exists(hashAlgorithm().hash(data)));
                    })));
    tests.add(
        test(
            "writeBatch is rejected and stores nothing",
            () ->
                withStore(
                    seeded(),
                    store -> {
                      Map<Hash, byte[]> batch = batch(32, 3);
                      assertThrows(ReadOnlyStoreException.class, () -> store.writeBatch(batch));
                      batch.keySet().forEach(hash -> assertFalse(store.exists(hash)));
                    })));
    tests.add(
        test(
            "stored objects stay readable after rejected writes",
            () -> {
              Seed.Builder seed = Seed.builder(hashAlgorithm());
              byte[] data = bytes(33, 100);
              Hash hash = seed.object(data);
              withStore(
                  seed.build(),
                  store -> {
                    assertThrows(ReadOnlyStoreException.class, () -> store.write(hash, data));
                    assertArrayEquals(data, read(store, hash));
                  });
            }));
  }
}
