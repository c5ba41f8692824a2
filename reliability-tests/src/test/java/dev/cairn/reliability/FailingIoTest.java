package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.Hash;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.CairnConfiguration;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Family 3, fail the k-th I/O: for each workload on the whole stack {@code
 * cache:layered(upper=disk:…, lower=lower:…)} — put, batch, flush, ref update, seal (segment
 * rollover), compact, archive (GC into the lower), swap, open/recovery — I/O operation k = 1, 2, …
 * of the workload fails, once ({@link FaultyFileSystem#failOperation}) and from then on ({@link
 * FaultyFileSystem#failOperationsFrom}, then {@link FaultyFileSystem#heal()}), until the workload
 * completes without reaching k. Each time: every call succeeds or throws a typed {@link
 * CairnException} (never an untyped exception, never a hang); the store is closed (no file may stay
 * open) or crashes ({@link FaultyFileSystem#powerLoss} DROP), and reopens; nothing acknowledged
 * (after a crash: acknowledged durable) is lost, no ref holds a value it never had, and the
 * reopened store takes a write and a ref update. Each workload starts from a copy of the same
 * prepared store (the open/recovery workload: of a store a power cut interrupted).
 *
 * <p>The bounded run tries every other k in each mode. With {@code -Pfull} every k is tried in
 * both, and every workload runs a second time with short reads and writes, which makes for more
 * (and other) operations to fail. {@code -Dcairn.failingio.only=NAME} runs one workload.
 */
class FailingIoTest {
  private static final String MAIN = "refs/heads/main";
  private static final int TEMPLATE_BLOBS = 24;
  private static final long MAX_K = 5_000;

  @TempDir Path root;
  private Path template;
  private Path crashedTemplate;
  private final AtomicInteger attempts = new AtomicInteger();
  private ExecutorService executor = Executors.newSingleThreadExecutor(daemon());

  /** A workload: made ready without faults, then run with operation k failing. */
  private interface Body {
    /** Returns the store to go on with: {@code store}, or the one it opened. */
    Backend run(Attempt attempt, Backend store);
  }

  private record Workload(String name, String fsync, boolean opens, Body prepare, Body body) {}

  /** The k-th operation, counted from {@link #arm()}. */
  private static final class Attempt {
    final FaultyFileSystem fs;
    final long k;
    final boolean persistent;
    final Ledger ledger = new Ledger();
    final String spec;
    final CairnConfiguration config;
    private long target = -1;
    private boolean ended;
    private boolean hit;

    /** How many operations the workload made, once it is over. */
    private long done;

    /** The operation that failed first, as the file system describes it. */
    private String failed = "";

    Attempt(FaultyFileSystem fs, long k, boolean persistent, String spec) {
      this.fs = fs;
      this.k = k;
      this.persistent = persistent;
      this.spec = spec;
      this.config = CairnConfiguration.builder().fileSystem(fs).build();
    }

    /** From here on operations count: the k-th fails. */
    void arm() {
      target = fs.operations() + k;
      if (persistent) {
        fs.failOperationsFrom(target);
      } else {
        fs.failOperation(target);
      }
    }

    /** Here the workload ends: operations after it do not fail. */
    void disarm() {
      if (target >= 0 && !ended) {
        ended = true;
        hit = fs.operations() >= target;
        done = fs.operations() - (target - k);
        fs.heal();
        for (String operation : fs.recentOperations()) {
          if (operation.startsWith("#" + target + " ")) {
            failed = " (" + operation + ")";
          }
        }
      }
    }

    boolean hit() {
      disarm();
      return hit;
    }

    Backend open() {
      return Cairn.open(spec, config);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "failing-io-workload");
      thread.setDaemon(true);
      return thread;
    };
  }

  private static String spec(Path dir, String fsync) {
    return "cache(capacity=16):layered(upper=disk:"
        + dir.resolve("upper")
        + "?segment-size=4k&hash=sha1&fsync="
        + fsync
        + ", lower=lower:"
        + dir.resolve("lower")
        + "?hash=sha1)";
  }

  private static byte[] templateBlob(int i) {
    return Ledger.blob("t/" + i);
  }

  /** The template's objects and ref, all durable. */
  private static void baseline(Ledger ledger) {
    List<Hash> links = new ArrayList<>();
    for (int i = 0; i < TEMPLATE_BLOBS; i++) {
      byte[] data = templateBlob(i);
      Hash hash = Ledger.ALGORITHM.hash(data);
      ledger.attempted(hash, data);
      ledger.acknowledged(hash, data, true);
      if (i % 3 == 0) {
        links.add(hash);
      }
    }
    byte[] commit = Ledger.commit("t/c", links);
    Hash head = Ledger.ALGORITHM.hash(commit);
    ledger.attempted(head, commit);
    ledger.acknowledged(head, commit, true);
    ledger.refAttempt(MAIN, head);
    ledger.refAcknowledged(MAIN, head, true);
  }

  /**
   * The prepared store: blobs, a commit reaching a third of them from {@code refs/heads/main}, and
   * one collection done (the lower holds a volume with the unreachable ones).
   */
  @BeforeEach
  void prepareTemplates() throws IOException {
    template = root.resolve("template");
    try (FaultyFileSystem fs = FaultyFileSystem.create(0)) {
      CairnConfiguration config = CairnConfiguration.builder().fileSystem(fs).build();
      try (Backend store = Cairn.open(spec(fs.path(template), "always"), config)) {
        List<Hash> links = new ArrayList<>();
        for (int i = 0; i < TEMPLATE_BLOBS; i++) {
          Hash hash = store.put(templateBlob(i));
          if (i % 3 == 0) {
            links.add(hash);
          }
        }
        Hash head = store.put(Ledger.commit("t/c", links));
        store.setRef(MAIN, head);
        store
            .feature(GarbageCollection.class)
            .orElseThrow()
            .gc(GcOptions.defaults().withLinks(Ledger.LINKS));
      }
    }
    // A store a power cut interrupted: unsynced writes, a torn tail, stray files.
    crashedTemplate = root.resolve("crashed");
    copy(template, crashedTemplate);
    try (FaultyFileSystem fs = FaultyFileSystem.create(1)) {
      CairnConfiguration config = CairnConfiguration.builder().fileSystem(fs).build();
      Backend store = Cairn.open(spec(fs.path(crashedTemplate), "never"), config);
      for (int i = 0; i < 40; i++) {
        store.put(Ledger.blob("crash/" + i));
        if (i % 10 == 9) {
          store.setRef("refs/heads/crash", store.put(Ledger.commit("crash/c" + i, List.of())));
        }
      }
      fs.failOperationsFrom(fs.operations() + 1);
      fs.powerLoss(FaultyFileSystem.Loss.TRUNCATE);
      try {
        store.close();
      } catch (CairnException e) {
        // The power is off.
      }
    }
  }

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  // ---- The workloads --------------------------------------------------------------------------

  private static Backend nothing(Attempt attempt, Backend store) {
    return store;
  }

  private static Hash put(Attempt attempt, Backend store, String key, boolean durable) {
    byte[] data = Ledger.blob(key);
    Hash hash = Ledger.ALGORITHM.hash(data);
    attempt.ledger.attempted(hash, data);
    store.write(hash, data);
    attempt.ledger.acknowledged(hash, data, durable);
    return hash;
  }

  private static void batch(
      Attempt attempt, Backend store, String prefix, int size, boolean durable) {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      byte[] data = Ledger.blob(prefix + "/" + i);
      Hash hash = Ledger.ALGORITHM.hash(data);
      attempt.ledger.attempted(hash, data);
      batch.put(hash, data);
    }
    attempt.ledger.batchAttempted(batch.keySet());
    store.writeBatch(batch);
    batch.forEach((hash, data) -> attempt.ledger.acknowledged(hash, data, durable));
  }

  private static boolean moveRef(
      Attempt attempt, Backend store, String ref, Hash expected, Hash replacement) {
    attempt.ledger.refAttempt(ref, replacement);
    boolean moved = store.testAndSetRef(ref, expected, replacement);
    if (moved) {
      attempt.ledger.refAcknowledged(ref, replacement, true);
    }
    return moved;
  }

  /** Unreachable objects and a new reachable commit, so a collection has work in every phase. */
  private static Backend garbage(Attempt attempt, Backend store) {
    List<Hash> links = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Hash hash = put(attempt, store, "g/" + i, true);
      if (i % 4 == 0) {
        links.add(hash);
      }
    }
    links.add(store.getRef(MAIN).orElseThrow());
    byte[] commit = Ledger.commit("g/c", links);
    Hash head = Ledger.ALGORITHM.hash(commit);
    attempt.ledger.attempted(head, commit);
    store.write(head, commit);
    attempt.ledger.acknowledged(head, commit, true);
    moveRef(attempt, store, MAIN, store.getRef(MAIN).orElseThrow(), head);
    return store;
  }

  /** A collection whose operations fail from the start of {@code phase} on. */
  private static Body collection(GarbageCollection.Phase phase) {
    return (attempt, store) -> {
      GarbageCollection gc = store.feature(GarbageCollection.class).orElseThrow();
      gc.gc(
          GcOptions.defaults()
              .withLinks(Ledger.LINKS)
              .withListener(
                  started -> {
                    if (started == phase) {
                      attempt.arm();
                    } else if (started.compareTo(phase) > 0) {
                      attempt.disarm();
                    }
                  }));
      return store;
    };
  }

  private static List<Workload> workloads() {
    List<Workload> workloads = new ArrayList<>();
    workloads.add(
        new Workload(
            "put",
            "always",
            false,
            FailingIoTest::nothing,
            (a, s) -> {
              a.arm();
              for (int i = 0; i < 10; i++) {
                put(a, s, "p/" + i, true);
              }
              return s;
            }));
    workloads.add(
        new Workload(
            "batch",
            "batch",
            false,
            FailingIoTest::nothing,
            (a, s) -> {
              a.arm();
              for (int i = 0; i < 3; i++) {
                batch(a, s, "b" + i, 5, true);
              }
              return s;
            }));
    List<Map<Hash, byte[]>> unflushed = new ArrayList<>();
    workloads.add(
        new Workload(
            "flush",
            "never",
            false,
            (a, s) -> {
              Map<Hash, byte[]> written = new LinkedHashMap<>();
              for (int i = 0; i < 10; i++) {
                Hash hash = put(a, s, "f/" + i, false);
                written.put(hash, Ledger.blob("f/" + i));
              }
              a.ledger.refAttempt("refs/heads/f", written.keySet().iterator().next());
              s.setRef("refs/heads/f", written.keySet().iterator().next());
              a.ledger.refAcknowledged("refs/heads/f", written.keySet().iterator().next(), false);
              unflushed.clear();
              unflushed.add(written);
              return s;
            },
            (a, s) -> {
              a.arm();
              s.flush();
              a.ledger.flushed(unflushed.get(0));
              a.ledger.refFlushed("refs/heads/f");
              return s;
            }));
    workloads.add(
        new Workload(
            "ref update",
            "always",
            false,
            FailingIoTest::nothing,
            (a, s) -> {
              Hash one = Ledger.ALGORITHM.hash(templateBlob(1));
              Hash two = Ledger.ALGORITHM.hash(templateBlob(2));
              Hash head = s.getRef(MAIN).orElseThrow();
              a.arm();
              a.ledger.refAttempt("refs/heads/new", one);
              s.setRef("refs/heads/new", one);
              a.ledger.refAcknowledged("refs/heads/new", one, true);
              moveRef(a, s, "refs/heads/new", one, two);
              moveRef(a, s, "refs/tags/v1", null, one);
              moveRef(a, s, MAIN, head, two);
              moveRef(a, s, "refs/tags/v1", one, null);
              moveRef(a, s, MAIN, two, head);
              return s;
            }));
    workloads.add(
        new Workload(
            "seal",
            "batch",
            false,
            (a, s) -> {
              batch(a, s, "s0", 6, true); // most of a 4 KiB segment: the next writes roll over
              return s;
            },
            (a, s) -> {
              a.arm();
              for (int i = 1; i <= 4; i++) {
                batch(a, s, "s" + i, 6, true);
              }
              return s;
            }));
    workloads.add(
        new Workload(
            "archive",
            "always",
            false,
            FailingIoTest::garbage,
            collection(GarbageCollection.Phase.ARCHIVE)));
    workloads.add(
        new Workload(
            "swap",
            "always",
            false,
            FailingIoTest::garbage,
            collection(GarbageCollection.Phase.SWAP)));
    workloads.add(
        new Workload(
            "compact",
            "always",
            false,
            FailingIoTest::garbage,
            collection(GarbageCollection.Phase.COMPACT)));
    workloads.add(
        new Workload(
            "open/recovery",
            "always",
            true,
            FailingIoTest::nothing,
            (a, s) -> {
              a.arm();
              return a.open();
            }));
    return workloads;
  }

  // ---- The loop -------------------------------------------------------------------------------

  @Test
  void everyWorkloadSurvivesTheFailureOfEachOfItsOperations() throws Exception {
    List<String> violations = new ArrayList<>();
    List<Boolean> shortTransfers = Budget.isFull() ? List.of(false, true) : List.of(false);
    for (boolean shortened : shortTransfers) {
      for (Workload workload : workloads()) {
        String only = System.getProperty("cairn.failingio.only", "");
        if (!only.isEmpty() && !workload.name().equals(only)) {
          continue;
        }
        Figures figures =
            Figures.of("fail-kth-io " + workload.name() + (shortened ? " (short transfers)" : ""));
        List<String> found = new ArrayList<>();
        for (boolean persistent : new boolean[] {false, true}) {
          String how = persistent ? "from k on" : "once";
          // The bounded run tries every other k in each mode (the odd ones once, the even
          // ones from then on); the long run tries every k in both.
          long stride = Budget.isFull() ? 1 : 2;
          long first = Budget.isFull() || !persistent ? 1 : 2;
          for (long k = first; ; k += stride) {
            if (k > MAX_K) {
              found.add(workload.name() + " " + how + ": still reaching operation " + MAX_K);
              break;
            }
            boolean hit = attempt(workload, k, persistent, shortened, figures, found);
            figures.add("k tried", 1);
            if (!hit) {
              break;
            }
            figures.add("failures injected", 1);
            if (found.size() > 10) {
              break;
            }
          }
        }
        figures.add("violations", found.size()).report();
        violations.addAll(found);
      }
    }
    assertThat(violations).isEmpty();
  }

  /** One run of {@code workload} with operation {@code k} failing; returns whether it did. */
  private boolean attempt(
      Workload workload,
      long k,
      boolean persistent,
      boolean shortened,
      Figures figures,
      List<String> violations)
      throws Exception {
    int n = attempts.incrementAndGet();
    Path dir = root.resolve("attempt-" + n);
    copy(workload.opens() ? crashedTemplate : template, dir);
    boolean crash = n % 2 == 0;
    String where =
        String.format(
            "%s, operation %d failing %s, then %s: ",
            workload.name(), k, persistent ? "from then on" : "once", crash ? "a crash" : "close");
    try (FaultyFileSystem fs = FaultyFileSystem.create(n)) {
      Attempt attempt = new Attempt(fs, k, persistent, spec(fs.path(dir), workload.fsync()));
      baseline(attempt.ledger);
      Backend store = null;
      if (!workload.opens()) {
        store = attempt.open();
        workload.prepare().run(attempt, store);
      }
      fs.shortTransfers(shortened);
      Backend prepared = store;
      Future<Backend> running = executor.submit(() -> workload.body().run(attempt, prepared));
      try {
        store = running.get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof CairnException)) {
          violations.add(where + "a call threw an untyped " + stackOf(e.getCause()));
        }
        figures.add("calls that threw", 1);
      } catch (TimeoutException e) {
        violations.add(where + "the workload hangs; recent operations " + fs.recentOperations());
        fs.failOperationsFrom(fs.operations() + 1);
        fs.powerLoss(FaultyFileSystem.Loss.DROP);
        executor.shutdownNow();
        executor = Executors.newSingleThreadExecutor(daemon());
      }
      boolean hit = attempt.hit();
      where = where.replace(": ", attempt.failed + ": ");
      if (!hit) {
        figures.add("operations of the workload", attempt.done);
      }
      fs.shortTransfers(false);
      if (workload.opens() && !hit && store == null) {
        violations.add(where + "opening failed without an injected failure");
      }
      if (store != null && !crash) {
        List<String> found = new ArrayList<>();
        usable(store, "the same store, once the fault is gone", false, figures, found);
        for (String problem : found) {
          violations.add(where + problem);
        }
      }
      if (crash) {
        fs.failOperationsFrom(fs.operations() + 1);
        fs.powerLoss(FaultyFileSystem.Loss.DROP);
      }
      if (store != null) {
        try {
          store.close();
        } catch (CairnException e) {
          if (!crash) {
            figures.add("closes that threw", 1);
          }
        } catch (RuntimeException e) {
          violations.add(where + "close threw an untyped " + stackOf(e));
        }
      }
      fs.heal();
      List<String> leaked = fs.openFiles();
      if (!leaked.isEmpty()) {
        violations.add(where + "files left open after close: " + leaked);
      }
      Backend reopened;
      try {
        reopened = attempt.open();
      } catch (RuntimeException e) {
        violations.add(where + "the store does not reopen: " + stackOf(e));
        return hit;
      }
      List<String> found = new ArrayList<>();
      try {
        figures.add("objects checked", attempt.ledger.check(reopened, crash, found));
        usable(reopened, "the reopened store", true, figures, found);
      } finally {
        try {
          reopened.close();
        } catch (RuntimeException e) {
          found.add("closing the reopened store: " + e);
        }
      }
      List<String> open = new ArrayList<>(fs.openFiles());
      open.removeAll(leaked);
      if (!open.isEmpty()) {
        found.add("files left open after the reopened store closed: " + open);
      }
      if (Budget.isFull()) {
        found.addAll(OfflineVerify.problems(dir.resolve("upper"), dir.resolve("lower")));
        figures.add("verified", 1);
      }
      figures.add(crash ? "reopened after a crash" : "reopened after close", 1);
      for (String problem : found) {
        violations.add(where + problem);
      }
      return hit;
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Writes an object and moves a ref on {@code store}, reading both back. Wrong answers are
   * violations; a typed failure is one too if {@code mustWork}, otherwise it is counted.
   */
  private static void usable(
      Backend store, String what, boolean mustWork, Figures figures, List<String> violations) {
    try {
      byte[] data = Ledger.blob("usable/" + System.nanoTime());
      Hash hash = store.put(data);
      store.setRef("refs/heads/usable", hash);
      store.flush();
      if (!store.read(hash).map(read -> java.util.Arrays.equals(read, data)).orElse(false)
          || !store.getRef("refs/heads/usable").equals(java.util.Optional.of(hash))) {
        violations.add(what + " does not read back what it just took");
      }
    } catch (CairnException e) {
      if (mustWork) {
        violations.add(what + " does not take a write: " + stackOf(e));
      } else {
        figures.add("stores unusable until reopened", 1);
      }
    } catch (RuntimeException e) {
      violations.add(what + " fails with an untyped " + stackOf(e));
    }
  }

  private static String stackOf(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e));
    StackTraceElement[] frames = e.getStackTrace();
    for (int i = 0; i < Math.min(6, frames.length); i++) {
      text.append("\n    at ").append(frames[i]);
    }
    if (e.getCause() != null && e.getCause() != e) {
      text.append("\n  caused by ").append(e.getCause());
    }
    return text.toString();
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              file -> {
                try {
                  Files.delete(file);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
