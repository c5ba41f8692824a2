package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.testkit.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Family 1, kill -9 across a full stack: a {@link StackChild} runs writers, ref updates and the
 * collector together on {@link FullStack} and is SIGKILLed at a random instant — mostly while it
 * works, sometimes while it is still starting and recovering. After each kill the stack reopens,
 * and the {@link ChildLedger} checks it: every acknowledged object byte-identical and
 * hash-verified, everything reachable from a ref readable, every ref old or new; then {@code cairn
 * verify} must find it clean.
 *
 * <p>Each directory accumulates state over {@value #RUNS_PER_DIRECTORY} runs, then starts afresh:
 * accumulating is what reaches recovery over many sealed segments, several archive generations in
 * the lower and history spanning kills; starting afresh bounds the cost of the checks (linear in
 * what the store holds) and keeps creating the stack from nothing in the mix.
 *
 * <p>Sizes: {@code cairn.kill.kills} kills (100 in CI, 5,000 in the long run) on {@code
 * cairn.kill.workers} directories at once (2).
 */
class KillNineStackTest {
  static final int RUNS_PER_DIRECTORY = 25;

  @TempDir Path root;

  @Test
  void acknowledgedObjectsReachableObjectsAndRefsSurviveKillNine() throws Exception {
    int kills = Budget.scale("cairn.kill.kills", 100, 5000);
    int workers = Budget.scale("cairn.kill.workers", 2, 2);
    Figures figures = Figures.of("kill-9 cache:layered(disk, lower) with writers, refs and gc");
    Queue<String> violations = new ConcurrentLinkedQueue<>();
    ClassDataArchive launcher = ClassDataArchive.get();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    List<Future<Map<String, Long>>> results = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      int share = kills / workers + (w < kills % workers ? 1 : 0);
      results.add(
          pool.submit(
              () ->
                  killLoop(
                      root.resolve("w" + worker),
                      worker,
                      share,
                      launcher,
                      v -> {
                        violations.add(v);
                        System.out.println(
                            "VIOLATION " + v); // as it happens: a long run takes an hour
                      })));
    }
    pool.shutdown();
    Map<String, Long> counts = new TreeMap<>();
    for (Future<Map<String, Long>> result : results) {
      result.get().forEach((k, v) -> counts.merge(k, v, Long::sum));
    }
    figures.add("runs", counts.getOrDefault("kills", 0L));
    figures.add("points", counts.getOrDefault("kills", 0L));
    figures.add(
        "meanStartMillis",
        counts.getOrDefault("readyMillis", 0L)
            / Math.max(1, counts.getOrDefault("readyCount", 0L)));
    counts.forEach(
        (k, v) -> {
          if (!k.equals("kills") && !k.startsWith("ready")) {
            figures.add(k, v);
          }
        });
    figures.add("violations", violations.size());
    figures.report();
    assertThat(violations).as("violations").isEmpty();
    assertThat(figures.get("runs")).isEqualTo(kills);
  }

  private static Map<String, Long> killLoop(
      Path base, int worker, int kills, ClassDataArchive launcher, Consumer<String> violations)
      throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    Random random = new Random(8_000 + worker);
    ChildLedger ledger = null;
    Path dir = null;
    for (int run = 0; run < kills; run++) {
      if (run % RUNS_PER_DIRECTORY == 0) {
        dir = base.resolve("d" + run);
        ledger = new ChildLedger();
      }
      long seed = worker * 1_000_000L + run;
      String where = "worker " + worker + " run " + run + " (seed " + seed + ", " + dir + ")";
      Consumer<String> report = v -> violations.accept(where + ": " + v);
      ChildJvm child =
          ChildJvm.start(
              launcher.command(
                  StackChild.class,
                  dir.toString(),
                  Long.toString(seed),
                  Integer.toString(2 + random.nextInt(2))));
      if (random.nextInt(10) == 0) {
        // Early: while the JVM starts or the stack opens and recovers.
        Thread.sleep(random.nextInt(600));
      } else {
        long started = System.nanoTime();
        if (!child.awaitReady(60)) {
          child.kill().forEach(line -> report.accept("child did not start: " + line));
          counts.merge("kills", 1L, Long::sum);
          continue;
        }
        counts.merge("readyMillis", (System.nanoTime() - started) / 1_000_000, Long::sum);
        counts.merge("readyCount", 1L, Long::sum);
        Thread.sleep(random.nextInt(600));
      }
      List<String> lines = child.kill();
      ChildLedger.Run outcome = ledger.read(lines, report);
      counts.merge("kills", 1L, Long::sum);
      counts.merge("objects", (long) outcome.objects(), Long::sum);
      counts.merge("casDone", (long) outcome.casDone(), Long::sum);
      counts.merge("casInFlight", (long) outcome.casInFlight(), Long::sum);
      counts.merge("collections", (long) outcome.collections(), Long::sum);
      counts.merge("archived", outcome.archived(), Long::sum);
      counts.merge(outcome.ready() ? "killedWorking" : "killedStarting", 1L, Long::sum);
      if (!outcome.phaseAtKill().equals("none")) {
        counts.merge("killedInGc" + outcome.phaseAtKill(), 1L, Long::sum);
      }
      try (Backend store = FullStack.open(dir)) {
        counts.merge("checked", ledger.check(store, report), Long::sum);
      } catch (RuntimeException e) {
        report.accept("reopening failed: " + e);
        continue;
      }
      FullStack.Verdict verdict = FullStack.verify(dir);
      verdict.problems().forEach(report);
      counts.merge("verified", verdict.objects(), Long::sum);
      if ((run + 1) % RUNS_PER_DIRECTORY == 0) {
        delete(dir);
      }
    }
    return counts;
  }

  static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.delete(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
