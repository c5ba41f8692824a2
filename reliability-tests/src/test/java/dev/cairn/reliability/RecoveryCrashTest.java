package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Family 4, crash during recovery. A {@link StackChild} is killed (family 1's workload), the
 * directory is copied and the copy recovered without interruption: its {@link StackDigest} is
 * the reference. The original is then crashed while recovering ({@link RecoveryChild}) three
 * times in a row, each crash landing on what the previous one left, and recovered fully: its
 * digest must equal the reference, and the {@link Ledger}'s checks must pass.
 *
 * <p>Sizes: {@code cairn.recovery.rounds} rounds (8 in CI, 150 in the long run).
 */
class RecoveryCrashTest {
  static final int CRASHES_PER_ROUND = 3;

  @TempDir Path root;

  @Test
  void threeCrashesWhileRecoveringEndInTheStateOfAnUninterruptedRecovery() throws Exception {
    int rounds = Budget.scale("cairn.recovery.rounds", 8, 150);
    Figures figures = Figures.of("crash during recovery of cache:layered(disk, lower)");
    List<String> violations = new ArrayList<>();
    ClassDataArchive launcher = ClassDataArchive.get();
    Random random = new Random(4_004);
    for (int round = 0; round < rounds; round++) {
      Path live = root.resolve("r" + round).resolve("live");
      Path copy = root.resolve("r" + round).resolve("copy");
      String where = "round " + round + " (" + live + ")";
      Consumer<String> report = v -> violations.add(where + ": " + v);
      Ledger ledger = new Ledger();
      for (int kill = 1 + random.nextInt(2); kill > 0; kill--) {
        ChildJvm child = ChildJvm.start(launcher.command(StackChild.class, live.toString(),
            Long.toString(round * 10L + kill), "3"));
        if (child.awaitReady(60)) {
          Thread.sleep(100 + random.nextInt(700));
        }
        ledger.read(child.kill(), report);
      }
      copyTree(live, copy);
      try (Backend store = FullStack.open(copy)) {
        figures.add("referenceObjectsChecked", ledger.check(store, report));
      }
      SortedSet<String> reference = StackDigest.of(copy, ledger.acknowledgedHashes());
      for (int crash = 0; crash < CRASHES_PER_ROUND; crash++) {
        ChildJvm child = ChildJvm.start(launcher.command(RecoveryChild.class, live.toString()));
        Thread.sleep(random.nextInt(1200));
        List<String> lines = child.kill();
        figures.add(lines.contains("CLOSED") ? "missed"
            : lines.contains("OPENED") ? "crashedClosing"
            : lines.contains("STARTED") ? "crashedRecovering" : "crashedStarting", 1);
        figures.add("points", 1);
      }
      try (Backend store = FullStack.open(live)) {
        store.listRefs();
      }
      SortedSet<String> recovered = StackDigest.of(live, ledger.acknowledgedHashes());
      if (!recovered.equals(reference)) {
        report.accept("the state after crashed recoveries differs from the reference: "
            + StackDigest.difference(reference, recovered));
      }
      figures.add("runs", 1);
      figures.add("digestLines", reference.size());
      figures.add("objects", reference.stream().filter(l -> l.startsWith("object ")).count());
      KillNineStackTest.delete(root.resolve("r" + round));
    }
    figures.add("violations", violations.size());
    figures.report();
    violations.stream().limit(20).forEach(v -> System.out.println("VIOLATION " + v));
    assertThat(violations).as("violations").isEmpty();
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
