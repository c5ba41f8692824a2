package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.reliability.DiskFullWorkload.Mix;
import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.stack.Cairn;
import dev.cairn.testkit.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Family 6 with a real kernel limit: a child JVM writes to a whole stack under {@code ulimit -f N}
 * (N KiB per file), so the kernel cuts the write that crosses N short and fails the next with EFBIG
 * ("File too large"). The limits and the stacks are chosen so that the limit is met by every kind
 * of file that can grow past it: segment records, a segment index at seal, the manifest, the ref
 * journal, the rewritten segments of a compaction, and the lower's data (and, aimed at, its index)
 * while archiving. Which file reached the limit is counted from the file the error names and from
 * the files left exactly N KiB long.
 *
 * <p>Bounded run: one limit aimed at each kind and every sixth of the 52 (about 13 children); long
 * run ({@code -Pfull}): all 52 limits, {@code cairn.disk-full.ulimit-rounds} times with other
 * seeds.
 *
 * <p>For each limit: the child gets a {@link CairnException} whose chain says "File too large" and
 * exits by itself; reopened without the limit, the stack owes every object the child (and the
 * unlimited warm-up before it) acknowledged, shows no partial object, writes again, and {@code
 * cairn verify} finds nothing wrong; for some limits (all in the long run) a second child without
 * the limit reopens and writes too.
 */
@EnabledOnOs(OS.LINUX)
class DiskFullUlimitTest {
  @TempDir Path root;

  /** One child run: where the limit is meant to bite, the stack and what runs before. */
  record Case(
      int limitKiB,
      String target,
      boolean layered,
      long segmentSize,
      String fsync,
      Mix warmUpMix,
      int warmUpSteps,
      long warmUpSegmentSize,
      Mix mix) {}

  private static final String[] FSYNCS = {"always", "batch", "never"};

  /** At least 50 distinct limits, each aimed at one kind of write. */
  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    // Tiny objects archived now and then: a volume's index entry (32 bytes) is as large as a
    // tiny record, and the index has a 1 KiB fan-out besides, so the lower's index runs into
    // the limit first while the upper's files (4 KiB segments, their indexes under 5 KiB)
    // stay below it.
    cases.add(new Case(6, "lower-index", true, 4096, "batch", Mix.OBJECTS, 0, 4096, Mix.TINY));
    cases.add(new Case(7, "lower-index", true, 4096, "never", Mix.OBJECTS, 0, 4096, Mix.TINY));
    // Tiny objects in 4 KiB segments: the index written at seal (fan-out plus 28 bytes per
    // entry) is larger than the segment; the seal fails, is retried, and the segment then runs
    // into the limit too.
    cases.add(new Case(4, "segment-index", false, 4096, "always", Mix.OBJECTS, 0, 4096, Mix.TINY));
    // Many 4 KiB segments with objects under 2 KiB and no refs: the manifest, which names every
    // segment, is the file that grows.
    // (The manifest takes 58 + 8 bytes per sealed segment: 5 KiB at 633 segments.)
    cases.add(new Case(5, "manifest", false, 4096, "never", Mix.BULK, 2_150, 4096, Mix.BULK));
    // Ref updates over small segments: the ref journal grows fastest.
    for (int kib = 13; kib <= 20; kib++) {
      cases.add(
          new Case(
              kib,
              "ref-journal",
              kib % 2 == 0,
              4096,
              FSYNCS[kib % 3],
              Mix.OBJECTS,
              0,
              4096,
              Mix.REFS));
    }
    // Archiving into the lower: its data file grows while upper segments stay small.
    for (int kib = 21; kib <= 34; kib++) {
      cases.add(
          new Case(
              kib, "lower-data", true, 4096, FSYNCS[kib % 3], Mix.OBJECTS, 0, 4096, Mix.COLLECT));
    }
    // A compaction (disk:) or a collection (layered) over 64 KiB segments written without the
    // limit: the rewritten segment, or the archive, runs into it.
    for (int kib = 35; kib <= 44; kib++) {
      boolean layered = kib % 2 == 0;
      cases.add(
          new Case(
              kib,
              layered ? "lower-data" : "compaction",
              layered,
              65536,
              FSYNCS[kib % 3],
              Mix.OBJECTS,
              300,
              65536,
              Mix.GC_ONLY));
    }
    // Record appends, alone and under a stack, at the remaining limits below the segment size.
    int[] records = {1, 2, 3, 8, 9, 10, 11, 12, 45, 47, 50, 53, 56, 59, 62, 63};
    for (int i = 0; i < records.length; i++) {
      cases.add(
          new Case(
              records[i],
              "record",
              i % 3 == 1,
              65536,
              FSYNCS[i % 3],
              Mix.OBJECTS,
              0,
              65536,
              i % 2 == 0 ? Mix.OBJECTS : Mix.COLLECT));
    }
    return cases;
  }

  @Test
  void aFileSizeLimitAcrossWholeStacksLosesNothingAndWritesAgainWithoutIt() throws Exception {
    // The bounded run takes the first case aimed at each kind and every sixth; the long run
    // takes them all (52 limits), each round with other seeds.
    List<Case> cases = new ArrayList<>();
    java.util.Set<String> aimed = new java.util.HashSet<>();
    List<Case> all = cases();
    for (int i = 0; i < all.size(); i++) {
      if (Budget.isFull() || aimed.add(all.get(i).target()) || i % 6 == 0) {
        cases.add(all.get(i));
      }
    }
    int rounds = Budget.scale("cairn.disk-full.ulimit-rounds", 1, 1);
    int rewriteEvery = Budget.scale(4, 2);
    Figures figures = Figures.of("disk-full ulimit -f children");
    List<String> violations = new ArrayList<>();
    TreeSet<Integer> limits = new TreeSet<>();
    int run = 0;
    for (int round = 0; round < rounds; round++) {
      for (Case c : cases) {
        String where =
            String.format(
                "child %d (ulimit -f %d, aimed at %s, %s, round %d)",
                run, c.limitKiB(), c.target(), c.layered() ? "layered" : "disk", round);
        List<String> found =
            oneLimit(root.resolve("case-" + run), c, run, round, run % rewriteEvery == 0, figures);
        found.forEach(v -> violations.add(where + ": " + v));
        limits.add(c.limitKiB());
        run++;
      }
    }
    figures.add("runs", run);
    figures.add("points", limits.size());
    figures.add("violations", violations.size());
    figures.report();
    assertThat(violations).as("violations").isEmpty();
    if (Budget.isFull()) {
      assertThat(limits).as("distinct limits").hasSizeGreaterThanOrEqualTo(50);
    }
    assertThat(figures.get("full"))
        .as("children that ran into the limit")
        .isGreaterThanOrEqualTo(run * 9L / 10);
    // (The lower's index is aimed at but not required: under a per-file limit an upper segment
    // index tends to reach it first. The in-process half hits it, and every other kind, exactly.)
    for (String kind :
        new String[] {
          "record", "segment-index", "manifest", "ref-journal", "compaction", "lower-data"
        }) {
      assertThat(figures.get("hit." + kind))
          .as("children that ran into the limit in a " + kind + " file")
          .isPositive();
    }
  }

  private List<String> oneLimit(
      Path directory, Case c, int run, int round, boolean rewrite, Figures figures)
      throws Exception {
    List<String> violations = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    long[] checked = new long[1];
    if (c.warmUpSteps() > 0) {
      // Without the limit and in process: only what was there before the child matters.
      try (Backend store =
          Cairn.open(DiskFullStacks.spec(directory, c.layered(), c.warmUpSegmentSize(), "never"))) {
        RuntimeException failed =
            new DiskFullWorkload("pre" + run, run, c.warmUpMix(), lines::add)
                .run(store, c.warmUpSteps());
        if (failed != null) {
          violations.add("the warm-up failed: " + DiskFullWorkload.chain(failed));
          return violations;
        }
      }
    }
    List<String> java =
        ChildJvm.command(
            DiskFullChild.class,
            directory.toString(),
            Boolean.toString(c.layered()),
            Long.toString(c.segmentSize()),
            c.fsync(),
            c.mix().name(),
            Long.toString(run * 31L + round),
            "c" + run,
            "20000");
    List<String> command =
        new ArrayList<>(
            List.of("bash", "-c", "ulimit -f " + c.limitKiB() + "; exec \"$@\"", "child"));
    command.addAll(java);
    List<String> child = runChild(command, violations);
    figures.add("children", 1);
    lines.addAll(child);
    DiskFullModel model = DiskFullModel.of(lines);
    if (model.errors.isEmpty()) {
      figures.add("not-full", 1);
    } else {
      figures.add("full", 1);
      checkTyped(model.errors.get(0), violations, figures);
      // The file the error names, and those left exactly at the limit (a seal that failed
      // and is retried, say, leaves its index there while the error names the segment).
      java.util.Set<String> hit = new java.util.TreeSet<>(hits(directory, c.limitKiB() * 1024L));
      hit.addAll(DiskFullStacks.kindsNamedBy(model.errors.get(0)));
      hit.forEach(kind -> figures.add("hit." + kind, 1));
      if (hit.contains(c.target())) {
        figures.add("hit-as-aimed", 1);
      }
    }
    // Without the limit: the stack owes everything acknowledged and works again.
    try (Backend store =
        Cairn.open(DiskFullStacks.spec(directory, c.layered(), c.segmentSize(), c.fsync()))) {
      violations.addAll(model.check(store, "reopened without the limit", checked));
      RuntimeException failed =
          new DiskFullWorkload("after" + run, run + 1, Mix.COLLECT, lines::add).run(store, 25);
      if (failed != null) {
        violations.add("without the limit, writes still fail: " + DiskFullWorkload.chain(failed));
      }
    } catch (RuntimeException e) {
      violations.add("reopening without the limit threw " + DiskFullWorkload.chain(e));
    }
    if (rewrite) {
      // A child without the limit reopens and writes.
      List<String> again =
          runChild(
              ChildJvm.command(
                  DiskFullChild.class,
                  directory.toString(),
                  Boolean.toString(c.layered()),
                  Long.toString(c.segmentSize()),
                  c.fsync(),
                  Mix.COLLECT.name(),
                  Long.toString(run + 2),
                  "again" + run,
                  "40"),
              violations);
      figures.add("children", 1);
      DiskFullModel rewritten = DiskFullModel.of(again);
      if (!rewritten.errors.isEmpty() || !again.contains("C ok")) {
        violations.add(
            "a child without the limit could not write: "
                + rewritten.errors
                + again.stream().filter(l -> l.startsWith("C ")).toList());
      } else {
        figures.add("rewritten-by-child", 1);
      }
      lines.addAll(again);
    }
    try (Backend store =
        Cairn.open(DiskFullStacks.spec(directory, c.layered(), c.segmentSize(), c.fsync()))) {
      violations.addAll(DiskFullModel.of(lines).check(store, "finally", checked));
    }
    violations.addAll(DiskFullStacks.verify(directory, c.layered()));
    figures.add("objects-checked", checked[0]);
    figures.add("acknowledged", DiskFullModel.of(lines).acknowledged.size());
    return violations;
  }

  private static List<String> runChild(List<String> command, List<String> violations)
      throws Exception {
    ChildJvm child = ChildJvm.start(command);
    boolean exited = child.process().waitFor(180, TimeUnit.SECONDS);
    List<String> lines = exited ? child.finish() : child.kill();
    if (!exited) {
      violations.add("the child did not stop by itself");
    } else if (child.process().exitValue() != 0 || !lines.contains("DONE")) {
      violations.add(
          "the child exited with "
              + child.process().exitValue()
              + " without DONE; last"
              + " lines "
              + lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
    return lines;
  }

  private static void checkTyped(String error, List<String> violations, Figures figures) {
    String first = error.substring(0, Math.max(0, error.indexOf(':')));
    boolean typed;
    try {
      typed = CairnException.class.isAssignableFrom(Class.forName(first));
    } catch (ClassNotFoundException e) {
      typed = false;
    }
    if (!typed) {
      violations.add("the error is not a CairnException: " + error);
    } else if (!error.contains(DiskFullStacks.TOO_LARGE)) {
      violations.add("the error does not say \"" + DiskFullStacks.TOO_LARGE + "\": " + error);
    } else {
      figures.add("typed-errors", 1);
    }
  }

  /** The kinds of the files left exactly at the limit: those that ran into it. */
  private static List<String> hits(Path directory, long limit) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f -> {
                try {
                  return Files.size(f) == limit;
                } catch (IOException e) {
                  return false;
                }
              })
          .map(f -> DiskFullStacks.kind(f.getFileName().toString()))
          .distinct()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
