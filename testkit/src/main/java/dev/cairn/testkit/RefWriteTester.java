package dev.cairn.testkit;

import static dev.cairn.testkit.TestData.HOSTILE_REF_NAMES;
import static dev.cairn.testkit.TestData.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.InvalidRefNameException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a store with {@link Capability#WRITE_REFS} does with ref updates: set, compare-and-set,
 * delete.
 */
final class RefWriteTester extends Tester {
  RefWriteTester(ConformanceSuite suite, Set<Capability> capabilities) {
    super(suite, capabilities, "writing refs");
  }

  @Override
  void addTests() throws Exception {
    Hash h1 = hashAlgorithm().hash(bytes(40, 10));
    Hash h2 = hashAlgorithm().hash(bytes(41, 10));
    Hash h3 = hashAlgorithm().hash(bytes(42, 10));
    String ref = "refs/heads/main";
    tests.add(
        test(
            "setRef creates and overwrites a ref",
            () ->
                withStore(
                    empty(),
                    store -> {
                      store.setRef(ref, h1);
                      assertEquals(Optional.of(h1), store.getRef(ref));
                      store.setRef(ref, h2);
                      assertEquals(Optional.of(h2), store.getRef(ref));
                      assertEquals(List.of(ref), store.listRefs());
                    })));
    tests.add(
        test(
            "CAS from absent creates a ref only if it is absent",
            () ->
                withStore(
                    empty(),
                    store -> {
                      assertTrue(store.testAndSetRef(ref, null, h1), "create on absent");
                      assertEquals(Optional.of(h1), store.getRef(ref));
                      assertFalse(store.testAndSetRef(ref, null, h2), "create on present");
                      assertEquals(Optional.of(h1), store.getRef(ref));
                    })));
    tests.add(
        test(
            "CAS updates a ref only if it holds the expected hash",
            () ->
                withStore(
                    empty(),
                    store -> {
                      store.setRef(ref, h1);
                      assertTrue(store.testAndSetRef(ref, h1, h2), "update on match");
                      assertEquals(Optional.of(h2), store.getRef(ref));
                      assertFalse(store.testAndSetRef(ref, h1, h3), "update on mismatch");
                      assertEquals(Optional.of(h2), store.getRef(ref));
                      assertFalse(
                          store.testAndSetRef("refs/heads/absent", h1, h3), "update on absent");
                      assertEquals(Optional.empty(), store.getRef("refs/heads/absent"));
                    })));
    tests.add(
        test(
            "CAS to absent deletes a ref only if it holds the expected hash",
            () ->
                withStore(
                    empty(),
                    store -> {
                      store.setRef(ref, h1);
                      assertFalse(store.testAndSetRef(ref, h2, null), "delete on mismatch");
                      assertEquals(Optional.of(h1), store.getRef(ref));
                      assertTrue(store.testAndSetRef(ref, h1, null), "delete on match");
                      assertEquals(Optional.empty(), store.getRef(ref));
                      assertEquals(List.of(), store.listRefs());
                      assertFalse(store.testAndSetRef(ref, h1, null), "delete on absent");
                    })));
    tests.add(
        test(
            "CAS from absent to absent tells whether the ref is absent",
            () ->
                withStore(
                    empty(),
                    store -> {
                      assertTrue(store.testAndSetRef(ref, null, null), "absent");
                      store.setRef(ref, h1);
                      assertFalse(store.testAndSetRef(ref, null, null), "present");
                      assertEquals(Optional.of(h1), store.getRef(ref));
                    })));
    tests.add(
        test(
            "listRefs is sorted after writes in any order",
            () ->
                withStore(
                    empty(),
                    store -> {
                      List<String> names =
                          new ArrayList<>(
                              List.of(
                                  "refs/tags/v2",
                                  "refs/tags/v10",
                                  "refs/heads/z",
                                  "refs/heads/a",
                                  "refs/heads/a/b",
                                  "refs/heads/a-b",
                                  "HEAD"));
                      names.forEach(name -> store.setRef(name, h1));
                      store.testAndSetRef("refs/heads/cas", null, h2);
                      names.add("refs/heads/cas");
                      Collections.sort(names);
                      assertEquals(names, store.listRefs());
                    })));
    tests.add(
        test(
            "refs a and a/b coexist, whichever comes first, and each outlives the " + "other",
            () ->
                withStore(
                    empty(),
                    store -> {
                      store.setRef("refs/heads/a", h1);
                      store.setRef("refs/heads/a/b", h2);
                      assertTrue(store.testAndSetRef("refs/heads/x/y/z", null, h1), "create x/y/z");
                      assertTrue(
                          store.testAndSetRef("refs/heads/x", null, h2), "create x over x/y/z");
                      assertEquals(
                          List.of(
                              "refs/heads/a", "refs/heads/a/b", "refs/heads/x", "refs/heads/x/y/z"),
                          store.listRefs(),
                          "a ref and refs under its name (Git "
                              + "refuses this D/F conflict; a Cairn store must not: keep refs in a file "
                              + "whose names cannot clash with directories, or escape them)");
                      assertTrue(store.testAndSetRef("refs/heads/a", h1, null), "delete a");
                      assertEquals(
                          Optional.of(h2), store.getRef("refs/heads/a/b"), "a/b after deleting a");
                      assertTrue(store.testAndSetRef("refs/heads/x/y/z", h1, null), "delete x/y/z");
                      assertEquals(
                          Optional.of(h2), store.getRef("refs/heads/x"), "x after deleting x/y/z");
                      store.setRef("refs/heads/x/y", h3);
                      assertEquals(
                          List.of("refs/heads/a/b", "refs/heads/x", "refs/heads/x/y"),
                          store.listRefs());
                    })));
    tests.add(
        test(
            "setRef and CAS reject "
                + HOSTILE_REF_NAMES.size()
                + " hostile names and create nothing",
            () ->
                withStore(
                    empty(),
                    store -> {
                      store.setRef(ref, h1);
                      for (String name : HOSTILE_REF_NAMES) {
                        assertThrows(
                            InvalidRefNameException.class,
                            () -> store.setRef(name, h1),
                            () -> "setRef accepted " + literal(name));
                        assertThrows(
                            InvalidRefNameException.class,
                            () -> store.testAndSetRef(name, null, h1),
                            () -> "testAndSetRef accepted " + literal(name));
                        assertThrows(
                            InvalidRefNameException.class,
                            () -> store.testAndSetRef(name, h1, null),
                            () -> "testAndSetRef (delete) accepted " + literal(name));
                      }
                      assertEquals(List.of(ref), store.listRefs());
                      assertEquals(Optional.of(h1), store.getRef(ref));
                    })));
    tests.add(
        test(
            "refs to hashes of another algorithm are rejected",
            () ->
                withStore(
                    empty(),
                    store -> {
                      Hash foreign = foreignAlgorithm().hash(bytes(43, 1));
                      assertThrows(
                          HashAlgorithmMismatchException.class, () -> store.setRef(ref, foreign));
                      assertThrows(
                          HashAlgorithmMismatchException.class,
                          () -> store.testAndSetRef(ref, null, foreign));
                      assertThrows(
                          HashAlgorithmMismatchException.class,
                          () -> store.testAndSetRef(ref, foreign, h1));
                      assertEquals(List.of(), store.listRefs());
                    })));
  }
}
