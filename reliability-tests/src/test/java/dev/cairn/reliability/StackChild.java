package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.Hash;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The child JVM of the kill -9 families: opens {@link FullStack} on a directory and, until killed,
 * runs writer threads and a collector together. Each writer owns three refs; a step writes one to
 * four blobs, a tree and a commit (Git objects: the tree also links the parent's tree) and moves
 * one of its refs to the commit by compare-and-set, or moves it to a parentless commit, or deletes
 * it, so that history becomes unreachable and the collector archives it.
 *
 * <p>Standard output, one line per event, each printed only after what it reports happened:
 *
 * <pre>
 * READY                         the stack is open (recovery done)
 * O HEX RECIPE                  object HEX is durable (fsync=always); {@link GitRecipe}
 * BEGIN REF OLD|- NEW|-         a compare-and-set is about to start
 * DONE REF NEW|- ok|fail        it returned
 * P PHASE                       a collection began PHASE
 * G REPORT                      a collection ended
 * ERROR MESSAGE                 an operation threw (a defect)
 * </pre>
 *
 * <p>Arguments: directory, seed, writers. With a fourth argument {@code warm-up} it runs a little
 * of everything and exits (to record a class-data archive).
 */
public final class StackChild {
  private StackChild() {}

  static final int REFS_PER_WRITER = 3;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int writers = Integer.parseInt(args[2]);
    boolean warmUp = args.length > 3 && args[3].equals("warm-up");
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    Backend store = FullStack.open(dir);
    out.println("READY");
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Writer writer = new Writer(store, out, seed, w, warmUp ? 20 : Integer.MAX_VALUE);
      threads.add(new Thread(writer::run, "writer-" + w));
    }
    Thread collector =
        new Thread(() -> collect(store, out, seed, warmUp ? 2 : Integer.MAX_VALUE), "collector");
    threads.add(collector);
    threads.forEach(t -> t.setDaemon(true));
    threads.forEach(Thread::start);
    if (warmUp) {
      for (Thread t : threads) {
        t.join();
      }
      store.close();
      System.exit(0);
    }
    // A parent that died without killing us must not leave us running.
    Thread.sleep(120_000);
    Runtime.getRuntime().halt(4);
  }

  private static void collect(Backend store, PrintStream out, long seed, int limit) {
    Random random = new Random(seed * 7919);
    GcOptions options =
        FullStack.gcOptions().withListener(phase -> out.println("P " + phase.name()));
    try {
      for (int i = 0; i < limit; i++) {
        Thread.sleep(random.nextInt(40));
        out.println("G " + FullStack.gc(store).gc(options).toString().replace('\n', ' '));
      }
    } catch (RuntimeException | Error e) {
      error(out, "collector", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void error(PrintStream out, String who, Throwable e) {
    StringBuilder line = new StringBuilder("ERROR ").append(who).append(": ").append(e);
    for (StackTraceElement frame : e.getStackTrace()) {
      line.append(" at ").append(frame);
      if (line.length() > 3000) {
        break;
      }
    }
    out.println(line.toString().replace('\n', ' '));
  }

  /** One writer thread: its refs, its commits' trees, its random choices. */
  private static final class Writer {
    private final Backend store;
    private final PrintStream out;
    private final Random random;
    private final int id;
    private final int steps;
    private final long seed;
    private final Map<Hash, Hash> treeOf = new HashMap<>();

    Writer(Backend store, PrintStream out, long seed, int id, int steps) {
      this.store = store;
      this.out = out;
      this.seed = seed;
      this.id = id;
      this.steps = steps;
      this.random = new Random(seed * 31 + id);
    }

    void run() {
      try {
        for (int n = 0; n < steps; n++) {
          step(n);
        }
      } catch (RuntimeException | Error e) {
        error(out, "writer " + id, e);
      }
    }

    private void step(int n) {
      String ref = "refs/heads/w" + id + "/" + random.nextInt(REFS_PER_WRITER);
      Hash old = store.getRef(ref).orElse(null);
      int choice = random.nextInt(100);
      if (choice < 8 && old != null) {
        cas(ref, old, null);
        return;
      }
      Hash parent = choice < 16 ? null : old;
      Map<Hash, GitRecipe> objects = new LinkedHashMap<>();
      List<String> entries = new ArrayList<>();
      for (int i = 1 + random.nextInt(4); i > 0; i--) {
        GitRecipe blob = GitRecipe.blob(random.nextLong(), blobSize());
        Hash hash = blob.hash();
        objects.put(hash, blob);
        entries.add("100644:f" + i + ":" + hash.toHex());
      }
      entries.sort(null);
      if (parent != null) {
        entries.add("40000:prev:" + treeOf(parent).toHex());
      }
      GitRecipe tree = GitRecipe.tree(entries);
      Hash treeHash = tree.hash();
      objects.put(treeHash, tree);
      GitRecipe commit = GitRecipe.commit(treeHash, parent, "s" + seed + "w" + id + "n" + n);
      Hash commitHash = commit.hash();
      objects.put(commitHash, commit);
      treeOf.put(commitHash, treeHash);
      if (random.nextInt(3) == 0) {
        Map<Hash, byte[]> batch = new LinkedHashMap<>();
        objects.forEach((hash, recipe) -> batch.put(hash, recipe.bytes()));
        store.writeBatch(batch);
        StringBuilder lines = new StringBuilder();
        objects.forEach(
            (hash, recipe) ->
                lines
                    .append("O ")
                    .append(hash.toHex())
                    .append(' ')
                    .append(recipe.text())
                    .append('\n'));
        out.print(lines);
      } else {
        objects.forEach(
            (hash, recipe) -> {
              Hash written = store.put(recipe.bytes());
              if (!written.equals(hash)) {
                throw new AssertionError("put returned " + written + " for " + hash);
              }
              out.println("O " + hash.toHex() + " " + recipe.text());
            });
      }
      cas(ref, old, commitHash);
    }

    private void cas(String ref, Hash old, Hash replacement) {
      String target = replacement == null ? "-" : replacement.toHex();
      out.println("BEGIN " + ref + " " + (old == null ? "-" : old.toHex()) + " " + target);
      boolean ok = store.testAndSetRef(ref, old, replacement);
      out.println("DONE " + ref + " " + target + (ok ? " ok" : " fail"));
    }

    /** Mostly small objects, some of a few KiB, a few larger than a quarter segment. */
    private int blobSize() {
      int kind = random.nextInt(100);
      if (kind < 70) {
        return random.nextInt(200);
      }
      if (kind < 97) {
        return 200 + random.nextInt(4000);
      }
      return 16_000 + random.nextInt(30_000);
    }

    private Hash treeOf(Hash commit) {
      Hash tree = treeOf.get(commit);
      if (tree == null) {
        // A commit of an earlier run: its first line names its tree.
        byte[] data =
            store
                .read(commit)
                .orElseThrow(
                    () ->
                        new AssertionError(
                            "the commit " + commit + " a ref holds is not readable"));
        String text = new String(data, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("tree ");
        tree = Hash.parse(GitRecipe.SHA1, text.substring(at + 5, at + 45));
        treeOf.put(commit, tree);
      }
      return tree;
    }
  }
}
