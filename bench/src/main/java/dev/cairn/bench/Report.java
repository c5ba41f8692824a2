package dev.cairn.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The Markdown report of one pass: context, configuration, figures, ratios and goals. */
final class Report {
  private static final List<Metric> RATIO_METRICS =
      List.of(
          Metric.INGEST_DURABLE,
          Metric.PUT_1,
          Metric.PUT_8,
          Metric.INGEST_NO_SYNC,
          Metric.READ,
          Metric.ABSENT,
          Metric.REOPEN,
          Metric.DISK_RATIO);

  private final Plan plan;
  private final List<Target> targets;
  private final Results results;
  private final String command;
  private final Instant started;
  private final Instant finished;
  private final StringBuilder md = new StringBuilder();

  Report(
      Plan plan,
      List<Target> targets,
      Results results,
      String command,
      Instant started,
      Instant finished) {
    this.plan = plan;
    this.targets = targets;
    this.results = results;
    this.command = command;
    this.started = started;
    this.finished = finished;
  }

  String markdown() {
    md.setLength(0);
    line("# Cairn side by side with RocksDB, LMDB and Xodus (" + plan.name() + " pass)");
    line("");
    if (!plan.name().equals("full")) {
      line(
          "> A "
              + plan.name()
              + " pass: far fewer objects than the full pass, so the figures"
              + " are small-store figures. Read the ratios, not the absolute numbers.");
      line("");
    }
    line(
        "* Date: "
            + started.truncatedTo(ChronoUnit.SECONDS)
            + " (UTC), took "
            + minutes(Duration.between(started, finished)));
    line(
        "* Command: `"
            + command
            + "`, at commit "
            + System.getProperty("bench.commit", "(unknown: not run by bench/run.sh)"));
    line("* CPU: " + Machine.cpu() + "; memory " + Machine.memory() + "; " + Machine.os());
    line(
        "* JDK: "
            + Machine.jdk()
            + "; every forked JVM runs with `-Xmx"
            + plan.heap()
            + "` and the LMDB `--add-opens` flags");
    line(
        "* File system of the stores: "
            + Machine.fileSystem(Path.of("."))
            + ". The machine is"
            + " shared and noisy: every figure is the median of its repetitions with the range"
            + " (min–max) in brackets, and the ratios are what to compare.");
    line("");
    line("## Method");
    line("");
    line(
        "* Objects: incompressible (uniformly random) values keyed by the SHA-256 of their"
            + " bytes, which the harness computes for every store alike; "
            + counts()
            + ".");
    line(
        "* Bulk phases (plain harness, one phase per fresh JVM, "
            + plan.repetitions()
            + " repetitions, each after a warm-up ingest of other objects into a scratch store):"
            + " (a) ingest in batches of 1,000, each durable before the next; (c) the same without"
            + " fsync (the final close is not timed); only the store calls are timed, not the"
            + " generation and hashing of the values. (f) reopen: open time of the durable store in"
            + " a fresh JVM (classes and native libraries loaded first on a scratch store), (h)"
            + " Java heap after a full GC and RSS (a fixed, pre-touched heap of "
            + Bench.REOPEN_HEAP
            + ", so the RSS change is native and mapped memory), before and after the open,"
            + " divided by the objects; (g) the bytes of every file in the store's directory after the durable"
            + " ingest and close, divided by the payload.");
    line(
        "* JMH ("
            + plan.warmupIterations()
            + " warm-up and "
            + plan.measurementIterations()
            + " measured iterations of "
            + plan.iterationMillis()
            + " ms, 1 fork; the figure is"
            + " the median iteration and the range is over iterations): (d) random reads of present"
            + " keys and (e) lookups of absent keys, one thread, in a fresh JVM that reopens the"
            + " store — OS page cache warm from the ingest, process cold; (b) durable single puts"
            + " of new objects into a fresh store from 1 and from 8 threads (total throughput).");
    line(
        "* Every read returns a `byte[]` the caller owns (LMDB and Xodus copy out of their"
            + " pages, as Cairn's contract requires).");
    line("");
    line("## Configuration");
    line("");
    for (Target target : targets) {
      line(
          "* `"
              + target.name()
              + "`: "
              + target.configuration()
              + (target.persistent() && !target.syncsSinglePuts()
                  ? " (single puts are not synced one by one, so no durable-put figures)"
                  : ""));
    }
    for (int size : plan.sizes()) {
      figures(size);
      ratios(size);
    }
    goals();
    if (!results.failures().isEmpty()) {
      line("");
      line("## Failures");
      line("");
      new java.util.TreeMap<>(results.failures())
          .forEach((what, problem) -> line("* " + what + ": `" + problem.replace('`', '\'') + "`"));
    }
    return md.toString();
  }

  private String counts() {
    StringBuilder s = new StringBuilder();
    for (int size : plan.sizes()) {
      if (s.length() > 0) {
        s.append(", ");
      }
      s.append(String.format(Locale.ROOT, "%,d objects of %s", plan.count(size), bytes(size)));
    }
    return s.toString();
  }

  private void figures(int size) {
    line("");
    line(
        "## Figures, "
            + bytes(size)
            + " values ("
            + String.format(Locale.ROOT, "%,d", plan.count(size))
            + " objects)");
    line("");
    StringBuilder header = new StringBuilder("| store |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Metric m : Metric.values()) {
      header.append(' ').append(m.label()).append(" (").append(m.unit()).append(") |");
      rule.append("---:|");
    }
    line(header.toString());
    line(rule.toString());
    for (Target target : targets) {
      StringBuilder row = new StringBuilder("| `" + target.name() + "` |");
      for (Metric m : Metric.values()) {
        row.append(' ')
            .append(results.get(size, target.name(), m).map(Figure::toString).orElse("–"))
            .append(" |");
      }
      line(row.toString());
    }
  }

  private void ratios(int size) {
    line("");
    line("### Cairn ÷ peer, " + bytes(size) + " values");
    line("");
    line(
        "Greater than 1 means Cairn is better: throughputs are Cairn ÷ peer; reopen time and"
            + " disk ÷ payload are peer ÷ Cairn. Ranges combine the extremes of both sides.");
    line("");
    StringBuilder header = new StringBuilder("| Cairn stack | peer |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (Metric m : RATIO_METRICS) {
      header.append(' ').append(m.label()).append(" |");
      rule.append("---:|");
    }
    line(header.toString());
    line(rule.toString());
    for (Target cairn : targets) {
      if (cairn.peer()) {
        continue;
      }
      for (Target peer : targets) {
        if (!peer.peer()) {
          continue;
        }
        StringBuilder row = new StringBuilder("| `" + cairn.name() + "` | `" + peer.name() + "` |");
        for (Metric m : RATIO_METRICS) {
          row.append(' ')
              .append(ratio(size, cairn, peer, m).map(Report::times).orElse("–"))
              .append(" |");
        }
        line(row.toString());
      }
    }
  }

  private Optional<Figure> ratio(int size, Target cairn, Target peer, Metric metric) {
    Optional<Figure> c = results.get(size, cairn.name(), metric);
    Optional<Figure> p = results.get(size, peer.name(), metric);
    if (c.isEmpty() || p.isEmpty() || c.get().min() <= 0 || p.get().min() <= 0) {
      return Optional.empty();
    }
    return Optional.of(metric.higherIsBetter() ? c.get().over(p.get()) : c.get().under(p.get()));
  }

  private void goals() {
    int size = plan.sizes().contains(1024) ? 1024 : plan.sizes().get(0);
    line("");
    line("## Goals of the disk backend, " + bytes(size) + " values");
    line("");
    line(
        "| Cairn stack | durable batch ingest vs RocksDB [≥ 1.5×] | point reads vs LMDB [≥ 1.2×]"
            + " | absent lookups vs RocksDB [≥ 2×] | durable single puts vs RocksDB [≥ 1×]"
            + " | 8 threads vs 1 thread [≥ 4×] | reopen [≤ 100 ms] | disk ÷ payload [≤ 1.05]"
            + " | heap per object [≤ 16 B] |");
    line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    Target rocks = find("rocksdb");
    Target lmdb = find("lmdb");
    for (Target cairn : targets) {
      if (cairn.peer() || !cairn.persistent()) {
        continue;
      }
      String scaling =
          results
              .get(size, cairn.name(), Metric.PUT_8)
              .flatMap(p8 -> results.get(size, cairn.name(), Metric.PUT_1).map(p8::over))
              .map(f -> goal(f, f.median() >= 4))
              .orElse("–");
      line(
          "| `"
              + cairn.name()
              + "` | "
              + ratioGoal(size, cairn, rocks, Metric.INGEST_DURABLE, 1.5)
              + " | "
              + ratioGoal(size, cairn, lmdb, Metric.READ, 1.2)
              + " | "
              + ratioGoal(size, cairn, rocks, Metric.ABSENT, 2)
              + " | "
              + ratioGoal(size, cairn, rocks, Metric.PUT_1, 1)
              + " | "
              + scaling
              + " | "
              + absolute(size, cairn, Metric.REOPEN, 100, " ms")
              + " | "
              + absolute(size, cairn, Metric.DISK_RATIO, 1.05, "")
              + " | "
              + absolute(size, cairn, Metric.HEAP_PER_OBJECT, 16, " B")
              + " |");
    }
    line("");
    line(
        "✓ = the median meets the goal, ✗ = it does not. Heap per object is over every object"
            + " of the store after reopen, sealed or not.");
  }

  private Target find(String name) {
    return targets.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }

  private String ratioGoal(int size, Target cairn, Target peer, Metric metric, double goal) {
    if (peer == null) {
      return "–";
    }
    return ratio(size, cairn, peer, metric).map(f -> goal(f, f.median() >= goal)).orElse("–");
  }

  private String absolute(int size, Target cairn, Metric metric, double limit, String unit) {
    return results
        .get(size, cairn.name(), metric)
        .map(f -> (f.median() <= limit ? "✓ " : "✗ ") + f + unit)
        .orElse("–");
  }

  private static String goal(Figure ratio, boolean met) {
    return (met ? "✓ " : "✗ ") + times(ratio);
  }

  private static String times(Figure ratio) {
    return String.format(
        Locale.ROOT, "%.2f× (%.2f–%.2f)", ratio.median(), ratio.min(), ratio.max());
  }

  static String bytes(int size) {
    if (size % (1 << 20) == 0) {
      return size / (1 << 20) + " MiB";
    }
    if (size % 1024 == 0) {
      return size / 1024 + " KiB";
    }
    return size + " B";
  }

  private static String minutes(Duration d) {
    return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
  }

  private void line(String text) {
    md.append(text).append('\n');
  }
}
