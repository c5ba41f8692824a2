package dev.cairn.gc;

import static dev.cairn.gc.Stacks.gc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.decorators.LayeredStore;
import dev.cairn.spi.Backend;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.LinkExtractor;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers commit (blob, tree, commit, compare-and-set of their branch) and leave garbage behind
 * while collections run back to back: afterwards every branch's whole history is readable — nothing
 * a ref reaches was dropped or lost.
 */
class ConcurrentGcTest {
  private static final HashAlgorithm SHA1 = HashAlgorithm.SHA1;
  private static final LinkExtractor GIT = LinkExtractor.forName("git");
  private static final int WRITERS = 3;

  @TempDir Path root;

  @Test
  void rollingCollectionsNeverDropWhatWritersReferTo() throws Exception {
    try (LayeredStore stack = Stacks.rolling(root, SHA1)) {
      run(stack, 4);
    }
  }

  @Test
  void archivingCollectionsKeepEverythingReadable() throws Exception {
    try (LayeredStore stack = Stacks.archived(root, SHA1)) {
      List<Hash> garbage = run(stack, 3);
      garbage.forEach(h -> assertThat(stack.read(h)).as(h.toHex()).isPresent());
    }
  }

  /** Garbage objects the writers have written so far. */
  private static final AtomicLong garbageWritten = new AtomicLong();

  private List<Hash> run(LayeredStore stack, int collections) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<Future<List<Hash>>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      writers.add(pool.submit(() -> write(stack, writer, stop)));
    }
    try {
      long dropped = 0;
      for (int i = 0; i < collections; i++) {
        // Each collection races with writers that have made garbage since the last one (a
        // collection that finds little to rewrite is faster than the writers start).
        long target = garbageWritten.get() + WRITERS;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (garbageWritten.get() < target && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        GcReport report = gc(stack).gc(GcOptions.defaults().withLinks(GIT));
        dropped += report.dropped();
      }
      assertThat(dropped).as("collections ran while writers made garbage").isPositive();
    } finally {
      stop.set(true);
      pool.shutdown();
    }
    List<Hash> garbage = new ArrayList<>();
    for (Future<List<Hash>> writer : writers) {
      garbage.addAll(writer.get());
    }
    // One last collection with the writers stopped, then the whole history must be there.
    gc(stack).gc(GcOptions.defaults().withLinks(GIT));
    for (String name : stack.listRefs()) {
      assertThat(missingFrom(stack, stack.getRef(name).orElseThrow())).as(name).isEmpty();
    }
    assertThat(stack.listRefs()).hasSize(WRITERS);
    return garbage;
  }

  /** Commits on {@code refs/heads/w<writer>} until stopped; returns the garbage it wrote. */
  private static List<Hash> write(Backend stack, int writer, AtomicBoolean stop) {
    String ref = "refs/heads/w" + writer;
    List<Hash> garbage = new ArrayList<>();
    Hash shared = stack.put(GitObjects.blob("shared by writer " + writer));
    int i = 0;
    // At least a few commits, so that every collection races with some.
    while (!stop.get() || i < 20) {
      Hash blob = stack.put(GitObjects.blob("writer " + writer + " commit " + i));
      Hash tree =
          stack.put(
              GitObjects.tree(
                  new GitObjects.Entry("100644", "a", blob),
                  new GitObjects.Entry("100644", "s", shared)));
      Optional<Hash> parent = stack.getRef(ref);
      Hash commit =
          stack.put(
              GitObjects.commit(
                  tree, parent.map(List::of).orElse(List.of()), "writer " + writer + " #" + i));
      if (!stack.testAndSetRef(ref, parent.orElse(null), commit)) {
        throw new AssertionError("only this writer moves " + ref);
      }
      garbage.add(stack.put(GitObjects.blob("garbage " + writer + " " + i)));
      garbageWritten.incrementAndGet();
      i++;
    }
    return garbage;
  }

  /** The objects {@code root} reaches that the store cannot read. */
  static Set<Hash> missingFrom(Backend store, Hash root) {
    Set<Hash> seen = new HashSet<>();
    Set<Hash> missing = new HashSet<>();
    Deque<Hash> todo = new ArrayDeque<>(List.of(root));
    Function<Hash, Optional<byte[]>> read = store::read;
    while (!todo.isEmpty()) {
      Hash hash = todo.pop();
      if (!seen.add(hash)) {
        continue;
      }
      Optional<byte[]> data = read.apply(hash);
      if (data.isEmpty()) {
        missing.add(hash);
        continue;
      }
      todo.addAll(GIT.links(hash, data.get(), store.hashAlgorithm()));
    }
    return missing;
  }
}
