package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreClosedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.function.Executable;

/** Flush, close and what fails after it; stable capabilities. */
final class LifecycleTester extends Tester {
  LifecycleTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "lifecycle");
  }

  @Override
  void addTests() throws Exception {
    tests.add(
        test(
            "close is idempotent",
            () -> {
              Backend store = open(seeded());
              store.close();
              store.close();
            }));
    tests.add(
        test(
            "flush succeeds on an open store",
            () ->
                withStore(
                    seeded(),
                    store -> {
                      if (capabilities.contains(Capability.WRITE_OBJECTS)) {
                        store.put(bytes(60, 10));
                      }
                      store.flush();
                    })));
    tests.add(
        test(
            "every operation after close fails with StoreClosedException",
            () -> {
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
              operations.put(
                  "testAndSetRef", () -> store.testAndSetRef("refs/heads/main", null, hash));
              operations.put("listRefs", store::listRefs);
              operations.put("flush", store::flush);
              operations.forEach(
                  (name, operation) ->
                      assertThrows(StoreClosedException.class, operation, name + " after close"));
            }));
    tests.add(
        test(
            "capabilities and hashAlgorithm are stable",
            () ->
                withStore(
                    seeded(),
                    store -> {
                      assertEquals(capabilities, store.capabilities());
                      assertNotNull(store.hashAlgorithm());
                    })));
  }
}
