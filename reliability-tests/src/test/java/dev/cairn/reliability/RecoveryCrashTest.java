package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.testkit.ChildJvm;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Family 4, crash during recovery. A {@link StackChild} is killed (family 1's workload), the
 * directory is copied and the copy recovered without interruption: its {@link StackDigest} is the
 * reference. The original is then crashed while recovering ({@link RecoveryChild}) three times in a
 * row, each crash landing on what the previous one left, and recovered fully: its digest must equal
 * the reference, and the {@link ChildLedger}'s checks must pass. Each crash is a {@link
 * FaultyFileSystem} halting the child right before I/O operation k, k drawn over the operations of
 * the uninterrupted recovery (open and close): random delays would mostly miss a recovery that
 * takes milliseconds.
 *
 * <p>Sizes: {@code cairn.recovery.rounds} killed states (5 in CI, 60 in the long run), each crashed
 * in {@code cairn.recovery.sequences} sequences of three (1; 3), every sequence but the last on a
 * fresh copy.
 */
class RecoveryCrashTest {
  static final int CRASHES_PER_ROUND = 3;

  @TempDir Path root;

  @Test
  void threeCrashesWhileRecoveringEndInTheStateOfAnUninterruptedRecovery() throws Exception {
    int rounds = Budget.scale("cairn.recovery.rounds", 5, 60);
    int sequences = Budget.scale("cairn.recovery.sequences", 1, 3);
    Figures figures = Figures.of("crash during recovery of cache:layered(disk, lower)");
    List<String> violations = new ArrayList<>();
    ClassDataArchive launcher = ClassDataArchive.get();
    Random random = new Random(4_004);
    for (int round = 0; round < rounds; round++) {
      Path live = root.resolve("r" + round).resolve("live");
      Path copy = root.resolve("r" + round).resolve("copy");
      String where = "round " + round + " (" + live + ")";
      Consumer<String> report =
          v -> {
            violations.add(where + ": " + v);
            System.out.println("VIOLATION " + where + ": " + v);
          };
      ChildLedger ledger = new ChildLedger();
      // A state worth recovering: a few runs of history, and often a collection cut short
      // in its archive or swap, which leaves the lower a half-done archive to finish or discard.
      for (int kill = 2 + random.nextInt(3); kill > 0; kill--) {
        ChildJvm child =
            ChildJvm.start(
                launcher.command(
                    StackChild.class, live.toString(), Long.toString(round * 10L + kill), "3"));
        if (child.awaitReady(60)) {
          if (kill == 1 && random.nextBoolean()) {
            awaitLine(child, random.nextBoolean() ? "P ARCHIVE" : "P SWAP", 5_000);
            Thread.sleep(random.nextInt(20));
          } else {
            Thread.sleep(200 + random.nextInt(1000));
          }
        }
        ChildLedger.Run run = ledger.read(child.kill(), report);
        if (kill == 1) {
          figures.add("stateKilledIn" + run.phaseAtKill(), 1);
        }
      }
      copyTree(live, copy);
      long openOperations;
      long recoveryOperations;
      try (FaultyFileSystem counter = FaultyFileSystem.create(round)) {
        try (Backend store = FullStack.open(copy, counter)) {
          openOperations = counter.operations();
        }
        recoveryOperations = counter.operations();
      }
      figures.add("recoveryOperations", recoveryOperations);
      try (Backend store = FullStack.open(copy)) {
        figures.add("referenceObjectsChecked", ledger.check(store, report));
      }
      SortedSet<String> reference = StackDigest.of(copy, ledger.acknowledgedHashes());
      for (int sequence = 0; sequence < sequences; sequence++) {
        // The first sequence crashes the original; the others, fresh copies of it.
        Path target =
            sequence + 1 == sequences ? live : root.resolve("r" + round).resolve("s" + sequence);
        if (target != live) {
          copyTree(live, target);
        }
        for (int crash = 0; crash < CRASHES_PER_ROUND; crash++) {
          // k spread over the whole recovery: opening (the recovery proper) and closing.
          long k = 1 + (long) (random.nextDouble() * recoveryOperations);
          crashRecovery(launcher, target, k, openOperations, figures, report);
        }
        try (Backend store = FullStack.open(target)) {
          store.listRefs();
        }
        SortedSet<String> recovered = StackDigest.of(target, ledger.acknowledgedHashes());
        if (!recovered.equals(reference)) {
          report.accept(
              "the state after crashed recoveries differs from the reference: "
                  + StackDigest.difference(reference, recovered));
        }
        figures.add("sequences", 1);
      }
      figures.add("runs", 1);
      figures.add("digestLines", reference.size());
      figures.add("objects", reference.stream().filter(l -> l.startsWith("object ")).count());
      KillNineStackTest.delete(root.resolve("r" + round));
    }
    figures.add("violations", violations.size());
    figures.report();
    assertThat(violations).as("violations").isEmpty();
  }

  /** Waits up to {@code millis} for the child to print {@code line}. */
  private static void awaitLine(ChildJvm child, String line, long millis)
      throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline && child.process().isAlive()) {
      if (child.lines().contains(line)) {
        return;
      }
      Thread.sleep(2);
    }
  }

  /** Recovers {@code dir} in a child halted before I/O operation {@code k}. */
  private static void crashRecovery(
      ClassDataArchive launcher,
      Path dir,
      long k,
      long openOperations,
      Figures figures,
      Consumer<String> report)
      throws Exception {
    ChildJvm child =
        ChildJvm.start(launcher.command(RecoveryChild.class, dir.toString(), Long.toString(k)));
    if (!child.process().waitFor(120, TimeUnit.SECONDS)) {
      report.accept("the recovering child halting at operation " + k + " hangs: " + child.kill());
      return;
    }
    List<String> lines = child.finish();
    int status = child.process().exitValue();
    boolean opened = lines.stream().anyMatch(l -> l.startsWith("OPENED"));
    boolean closed = lines.stream().anyMatch(l -> l.startsWith("CLOSED"));
    if (closed ? status != 0 : status != FaultyFileSystem.HALT_STATUS) {
      report.accept(
          "the recovering child halted at operation "
              + k
              + " exited "
              + status
              + " after "
              + lines);
    }
    figures.add(closed ? "missed" : opened ? "crashedClosing" : "crashedRecovering", 1);
    figures.add(k <= openOperations ? "kInOpen" : "kInClose", 1);
    figures.add("points", 1);
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
