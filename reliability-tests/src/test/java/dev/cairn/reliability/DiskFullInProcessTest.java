package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.CairnConfiguration;
import dev.cairn.testkit.FaultyFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Family 6, in process: whole stacks on a {@link FaultyFileSystem} whose disk fills up after a
 * budget of bytes (often with short writes too), at budgets spread from nothing to a few hundred
 * KiB after a random amount of earlier work, so the space runs out in every kind of write — record
 * appends, segment indexes at seal, the manifest, the ref journal, compaction, and the lower's
 * data, mapping, index and control files while archiving.
 *
 * <p>At each budget: the failing call throws a {@link CairnException} whose chain says "No space
 * left on device"; while the disk is full every acknowledged object reads back whole, no other
 * object is visible partially, and a further write fails the same way; once space is back the same
 * open stack writes, updates refs and collects again; it closes with no file left open; reopened,
 * it owes everything, and {@code cairn verify} finds nothing wrong. Size: {@code
 * cairn.disk-full.budgets} random budgets (50, 250 with {@code -Pfull}) and {@code
 * cairn.disk-full.targeted} runs aimed at each kind of write in turn (9, 90).
 */
class DiskFullInProcessTest {
  @TempDir Path root;

  /** The kinds of write a targeted run makes the space run out in ("compaction": any write). */
  private static final String[] DISK_KINDS = {
    "record", "segment-index", "manifest", "ref-journal", "compaction"
  };

  private static final String[] LOWER_KINDS = {
    "lower-data", "lower-mapping", "lower-index", "lower-control"
  };

  @Test
  void aFullDiskAcrossWholeStacksLosesNothingAndWritesAgainOnceSpaceIsBack() throws Exception {
    int budgets = Budget.scale("cairn.disk-full.budgets", 50, 250);
    int targeted = Budget.scale("cairn.disk-full.targeted", 9, 90);
    Figures figures = Figures.of("disk-full in-process (FaultyFileSystem.spaceLimit)");
    List<String> violations = new ArrayList<>();
    Random random = new Random(6);
    String[] fsyncs = {"always", "batch", "never"};
    long[] segmentSizes = {4096, 8192, 16384, 65536};
    for (int run = 0; run < budgets + targeted; run++) {
      boolean budgeted = run < budgets;
      String target = null;
      boolean layered = run % 3 != 0;
      DiskFullWorkload.Mix mix = DiskFullWorkload.Mix.values()[run % 4];
      if (!budgeted) {
        int t = run - budgets;
        layered = t % 9 >= DISK_KINDS.length || t % 2 == 0;
        target =
            t % 9 < DISK_KINDS.length ? DISK_KINDS[t % 9] : LOWER_KINDS[t % 9 - DISK_KINDS.length];
        mix =
            target.equals("ref-journal")
                ? DiskFullWorkload.Mix.REFS
                : target.equals("record")
                    ? DiskFullWorkload.Mix.OBJECTS
                    : target.equals("segment-index") || target.equals("lower-index")
                        ? DiskFullWorkload.Mix.TINY
                        : DiskFullWorkload.Mix.COLLECT;
      }
      long segmentSize = segmentSizes[random.nextInt(segmentSizes.length)];
      String fsync = fsyncs[random.nextInt(fsyncs.length)];
      boolean shortWrites = random.nextBoolean();
      // Log-spread from 0 to ~120 KiB: small budgets are the interesting ones. A targeted run
      // leaves less than one write's worth when the first writes of its kind begin.
      long budget =
          budgeted
              ? run < 4 ? run : (long) Math.exp(random.nextDouble() * Math.log(120_000))
              : random.nextInt(8);
      int skip = random.nextInt(3);
      int warmUp = random.nextInt(4) == 0 ? 0 : random.nextInt(100);
      String where =
          String.format(
              "run %d (%s, segment-size=%d, fsync=%s, %s, %s=%d," + " short=%s, warm-up=%d)",
              run,
              layered ? "layered" : "disk",
              segmentSize,
              fsync,
              mix,
              budgeted ? "budget" : "at " + skip + " writes into " + target + ", space",
              budget,
              shortWrites,
              warmUp);
      List<String> found =
          oneBudget(
              root.resolve("run-" + run),
              layered,
              segmentSize,
              fsync,
              mix,
              shortWrites,
              budget,
              target,
              skip,
              warmUp,
              run,
              figures);
      found.forEach(v -> violations.add(where + ": " + v));
      figures.add(budgeted ? "budgets" : "targeted", 1);
    }
    figures.add("runs", budgets + targeted);
    figures.add("violations", violations.size());
    figures.report();
    assertThat(violations).as("violations").isEmpty();
    assertThat(figures.get("full"))
        .as("runs in which the disk filled up")
        .isGreaterThanOrEqualTo((budgets + targeted) * 9L / 10);
    // A targeted run may run out elsewhere (its kind's last write fitting the space left);
    // most do not, and the long run meets every kind.
    assertThat(figures.get("hit-as-aimed"))
        .as("targeted runs out of space where aimed")
        .isGreaterThanOrEqualTo(targeted * 2L / 3);
    if (Budget.isFull()) {
      for (String kind : DISK_KINDS) {
        assertThat(figures.get("hit." + kind))
            .as("runs out of space in a " + kind + " write")
            .isPositive();
      }
      for (String kind : LOWER_KINDS) {
        assertThat(figures.get("hit." + kind))
            .as("runs out of space in a " + kind + " write")
            .isPositive();
      }
    }
  }

  private List<String> oneBudget(
      Path directory,
      boolean layered,
      long segmentSize,
      String fsync,
      DiskFullWorkload.Mix mix,
      boolean shortWrites,
      long budget,
      String target,
      int skip,
      int warmUp,
      int run,
      Figures figures)
      throws Exception {
    List<String> violations = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    long[] checked = new long[1];
    try (FaultyFileSystem fs = FaultyFileSystem.create(run)) {
      String spec = DiskFullStacks.spec(fs.path(directory), layered, segmentSize, fsync);
      CairnConfiguration configuration = CairnConfiguration.builder().fileSystem(fs).build();
      Backend store = Cairn.open(spec, configuration);
      try {
        DiskFullWorkload workload = new DiskFullWorkload("w" + run, run, mix, lines::add);
        RuntimeException warm = workload.run(store, warmUp);
        if (warm != null) {
          violations.add("the warm-up failed with space to spare: " + DiskFullWorkload.chain(warm));
          return violations;
        }
        fs.shortTransfers(shortWrites);
        String[] hit = {null};
        int[] toSkip = {skip};
        fs.listener(
            what -> {
              String kind = kindOfWrite(what, workload);
              if (kind == null) {
                return;
              }
              if (target != null && hit[0] == null && kind.equals(target) && toSkip[0]-- == 0) {
                fs.spaceLimit(budget);
              }
              // The write that found the space gone is the first one made while none is left.
              if (fs.spaceLeft() == 0 && hit[0] == null) {
                hit[0] = kind;
              }
            });
        if (target == null) {
          fs.spaceLimit(budget);
        }
        RuntimeException failure = workload.run(store, target == null ? 100_000 : 3_000);
        fs.listener(what -> {});
        if (failure == null) {
          figures.add("not-full", 1);
          fs.heal();
        } else {
          figures.add("full", 1);
          figures.add("hit." + hit[0], 1);
          if (target != null && target.equals(hit[0])) {
            figures.add("hit-as-aimed", 1);
          }
          checkTyped(failure, DiskFullStacks.NO_SPACE, violations, figures);
          // While full: nothing acknowledged is lost, nothing partial is visible...
          violations.addAll(DiskFullModel.of(lines).check(store, "while full", checked));
          // ...and a new write fails the same way rather than half-succeeding (a write the
          // store buffers must fail by the flush that follows it at the latest).
          String key = "again" + run;
          lines.add("A " + key);
          RuntimeException again = null;
          try {
            store.put(DiskFullWorkload.object(key));
            store.flush();
          } catch (RuntimeException e) {
            again = e;
          }
          if (again == null) {
            violations.add("a write and flush succeeded on a full disk");
          } else {
            checkTyped(again, DiskFullStacks.NO_SPACE, violations, figures);
          }
          fs.heal();
          // Space is back: the same open stack works again.
          RuntimeException after =
              new DiskFullWorkload("after" + run, run + 1, mix, lines::add).run(store, 60);
          if (after != null) {
            violations.add(
                "once space was back, the open stack still failed: "
                    + DiskFullWorkload.chain(after));
          } else {
            figures.add("healed-in-process", 1);
          }
          store.flush();
        }
        violations.addAll(DiskFullModel.of(lines).check(store, "after heal", checked));
      } finally {
        try {
          store.close();
        } catch (RuntimeException e) {
          violations.add("closing after space was back threw " + DiskFullWorkload.chain(e));
        }
      }
      if (!fs.openFiles().isEmpty()) {
        violations.add("files left open after close: " + fs.openFiles());
      }
    }
    // Reopened on the real file system: owes everything, verifies clean, writes again.
    DiskFullModel model = DiskFullModel.of(lines);
    String realSpec = DiskFullStacks.spec(directory, layered, segmentSize, fsync);
    try (Backend reopened = Cairn.open(realSpec)) {
      violations.addAll(model.check(reopened, "reopened", checked));
      List<String> more = new ArrayList<>();
      RuntimeException after =
          new DiskFullWorkload("reopened" + run, run + 2, mix, more::add).run(reopened, 30);
      if (after != null) {
        violations.add("the reopened stack could not write: " + DiskFullWorkload.chain(after));
      }
    } catch (RuntimeException e) {
      violations.add("reopening threw " + DiskFullWorkload.chain(e));
    }
    violations.addAll(DiskFullStacks.verify(directory, layered));
    figures.add("objects-checked", checked[0]);
    figures.add("acknowledged", model.acknowledged.size());
    return violations;
  }

  /**
   * The kind of file a counted operation writes ("compaction" for any write while compacting or
   * collecting), null if it is not a write.
   */
  private static String kindOfWrite(String what, DiskFullWorkload workload) {
    String[] words = what.split(" ", 3);
    if (words.length < 3 || !words[1].equals("write") && !words[1].equals("copy")) {
      return null;
    }
    String kind = DiskFullStacks.kind(Path.of(words[2]).getFileName().toString());
    return kind.equals("record") && workload.collecting ? "compaction" : kind;
  }

  static void checkTyped(
      RuntimeException failure, String problem, List<String> violations, Figures figures) {
    String chain = DiskFullWorkload.chain(failure);
    if (!(failure instanceof CairnException)) {
      violations.add("the error is not a CairnException: " + chain);
    } else if (!chain.contains(problem)) {
      violations.add("the error does not say \"" + problem + "\": " + chain);
    } else {
      figures.add("typed-errors", 1);
    }
  }
}
