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

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.function.Executable;

/** What a store without {@link Capability#WRITE_REFS} does with ref updates: refuse them. */
final class RefWritesRejectedTester extends Tester {
  RefWritesRejectedTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "ref writes are rejected");
  }

  @Override
  void addTests() throws Exception {
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
  }
}
