package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.ReadOnlyStoreException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a store without {@link Capability#WRITE_REFS} does with ref updates: refuse them. */
final class RefWritesRejectedTester extends Tester {
  RefWritesRejectedTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "ref writes are rejected");
  }

  @Override
  void addTests() throws Exception {
    tests.add(
        test(
            "setRef and CAS are rejected and change nothing",
            () -> {
              Seed.Builder seed = Seed.builder(hashAlgorithm());
              Hash hash = seed.object(bytes(50, 10));
              seed.ref("refs/heads/main", hash);
              withStore(
                  seed.build(),
                  store -> {
                    Hash other = hashAlgorithm().hash(bytes(51, 10));
                    assertEquals(
                        "setRef",
                        assertThrows(
                                ReadOnlyStoreException.class,
                                () -> store.setRef("refs/heads/main", other))
                            .operation());
                    assertEquals(
                        "testAndSetRef",
                        assertThrows(
                                ReadOnlyStoreException.class,
                                () -> store.testAndSetRef("refs/heads/main", hash, other))
                            .operation());
                    assertThrows(
                        ReadOnlyStoreException.class,
                        () -> store.testAndSetRef("refs/heads/main", hash, null));
                    assertThrows(
                        ReadOnlyStoreException.class,
                        () -> store.testAndSetRef("refs/heads/new", null, other));
                    assertEquals(Optional.of(hash), store.getRef("refs/heads/main"));
                    assertEquals(List.of("refs/heads/main"), store.listRefs());
                  });
            }));
  }
}
