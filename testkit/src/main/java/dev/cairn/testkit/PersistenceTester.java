package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.KIB;
import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What a {@link Capability#PERSISTENT} store keeps across a reopen. */
final class PersistenceTester extends Tester {
  PersistenceTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "persistence");
  }

  @Override
  void addTests() throws Exception {
    tests.add(
        test(
            "flushed objects and refs survive reopening",
            () -> {
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
              try (Backend reopened = suite.reopen(store)) {
                objects.forEach((hash, data) -> assertArrayEquals(data, read(reopened, hash)));
                written.forEach((hash, data) -> assertArrayEquals(data, read(reopened, hash)));
                assertEquals(Optional.of(head), reopened.getRef("refs/heads/main"));
                if (capabilities.contains(Capability.WRITE_REFS)) {
                  assertEquals(Optional.of(head), reopened.getRef("refs/tags/v1"));
                }
              }
            }));
    tests.add(
        test(
            "damaged bytes are never served: a read returns the object, nothing, or "
                + "throws CorruptionException",
            () -> {
              Map<Hash, byte[]> objects = damageable(410);
              List<Hash> hashes = new ArrayList<>(objects.keySet());
              Hash victim = hashes.get(1);
              try (Backend store = damaged(objects, victim)) {
                Optional<byte[]> read;
                try {
                  read = store.read(victim);
                } catch (CorruptionException e) {
                  read = Optional.empty();
                }
                read.ifPresent(
                    bytes ->
                        assertArrayEquals(
                            objects.get(victim),
                            bytes,
                            "a read of a damaged object served bytes that are not the object's: check them "
                                + "(a checksum, or re-hash them) and throw CorruptionException"));
                assertArrayEquals(
                    objects.get(hashes.get(0)),
                    read(store, hashes.get(0)),
                    "an object stored before the damaged one");
              }
            }));
  }
}
