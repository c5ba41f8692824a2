package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.HOSTILE_REF_NAMES;
import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.InvalidRefNameException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What every store does with refs: read them, list them sorted, refuse hostile names. */
final class RefReadTester extends Tester {
  RefReadTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "reading refs");
  }

  @Override
  void addTests() throws Exception {
    tests.add(
        test(
            "a stored ref reads back",
            () -> {
              Seed.Builder seed = Seed.builder(hashAlgorithm());
              Hash hash = seed.object(bytes(10, 10));
              seed.ref("refs/heads/main", hash);
              withStore(
                  seed.build(),
                  store -> assertEquals(Optional.of(hash), store.getRef("refs/heads/main")));
            }));
    tests.add(
        test(
            "an absent ref reads as empty",
            () ->
                withStore(
                    seeded(),
                    store -> assertEquals(Optional.empty(), store.getRef("refs/heads/absent")))));
    tests.add(
        test(
            "listRefs is sorted",
            () -> {
              Seed.Builder seed = Seed.builder(hashAlgorithm());
              Hash hash = seed.object(bytes(11, 10));
              List<String> names =
                  List.of(
                      "refs/tags/v1",
                      "HEAD",
                      "refs/heads/b",
                      "refs/heads/a-b",
                      "refs/heads/a",
                      "refs/heads/a/b",
                      "zz",
                      "refs/heads/\u00e9t\u00e9");
              names.forEach(name -> seed.ref(name, hash));
              List<String> sorted = new ArrayList<>(names);
              Collections.sort(sorted);
              withStore(seed.build(), store -> assertEquals(sorted, store.listRefs()));
            }));
    tests.add(
        test(
            "getRef rejects " + HOSTILE_REF_NAMES.size() + " hostile names",
            () ->
                withStore(
                    seeded(),
                    store -> {
                      for (String name : HOSTILE_REF_NAMES) {
                        InvalidRefNameException e =
                            assertThrows(
                                InvalidRefNameException.class,
                                () -> store.getRef(name),
                                () -> "getRef accepted " + literal(name));
                        assertEquals(name, e.name());
                      }
                      assertThrows(
                          InvalidRefNameException.class, () -> store.getRef(illegalNull()));
                    })));
  }
}
