package dev.cairn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * The benchmark driver: for each value size and each target it runs the bulk phases, each in a
 * fresh JVM ({@link PhaseMain}) and repeated, then the JMH benchmarks, and writes a Markdown report
 * of figures and Cairn/peer ratios.
 *
 * <pre>
 * Bench smoke|quick|full [--sizes 64,1024,65536] [--count N] [--reps N]
 *                        [--targets rocksdb,lmdb,...] [--work DIR] [--out FILE]
 *                        [--prof jfr]
 * </pre>
 *
 * <p>{@code --prof} adds a JMH profiler to every JMH run ({@code jfr} writes a flight recording per
 * benchmark under the work directory; {@code gc}, {@code stack} also work).
 */
public final class Bench {
  /** JVM flags every forked JVM gets: LMDB's ByteBuffer proxy needs java.nio opened. */
  static final List<String> OPENS =
      List.of(
          "--add-opens", "java.base/java.nio=ALL-UNNAMED",
          "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

  private static final long SEED = 1;

  /** The fixed heap of a reopen phase (enough for any store's in-heap index here). */
  static final String REOPEN_HEAP = "1g";

  private final Plan plan;
  private final List<Target> targets;
  private final Path work;
  private final Path log;
  private final Results results = new Results();
  private String profiler;

  Bench(Plan plan, List<Target> targets, Path work) {
    this.plan = plan;
    this.targets = List.copyOf(targets);
    this.work = work.toAbsolutePath();
    this.log = this.work.resolve("bench.log");
  }

  /** Parses the arguments, runs the pass and writes the report. */
  public static void main(String[] args) throws IOException {
    if (args.length == 0 || args[0].startsWith("-")) {
      throw new IllegalArgumentException(
          "usage: Bench smoke|quick|full [--sizes 64,1024,65536]"
              + " [--count N] [--reps N] [--targets a,b] [--work DIR] [--out FILE] [--prof jfr]");
    }
    Plan plan = Plan.named(args[0]);
    List<Target> targets = Targets.all();
    Path work = Path.of("bench", "target", "work");
    Path out = null;
    String profiler = null;
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--sizes" ->
            plan =
                plan.withSizes(
                    Arrays.stream(value.split(","))
                        .map(String::trim)
                        .map(Integer::valueOf)
                        .toList());
        case "--count" -> plan = plan.withCount(Long.parseLong(value));
        case "--reps" -> plan = plan.withRepetitions(Integer.parseInt(value));
        case "--targets" ->
            targets =
                Arrays.stream(value.split(",")).map(String::trim).map(Targets::named).toList();
        case "--work" -> work = Path.of(value);
        case "--out" -> out = Path.of(value);
        case "--prof" -> profiler = value;
        default -> throw new IllegalArgumentException("unknown option \"" + args[i] + "\"");
      }
    }
    if (out == null) {
      out = Path.of("bench", "target", "bench-" + plan.name() + ".md");
    }
    String command =
        System.getProperty(
            "bench.command",
            "java -cp ... " + Bench.class.getName() + " " + String.join(" ", args));
    Bench bench = new Bench(plan, targets, work);
    bench.profiler = profiler;
    Instant started = Instant.now();
    Path report = out;
    Path parent = report.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    List<Target> chosen = targets;
    Plan planned = plan;
    // Rewritten after every target, so an interrupted pass still leaves its figures.
    bench.run(
        () ->
            write(
                report,
                new Report(planned, chosen, bench.results, command, started, Instant.now())
                    .markdown()));
    System.out.println(Files.readString(report));
    System.out.println("report written to " + out);
    // JMH and some stores leave non-daemon threads behind.
    System.exit(0);
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + file, e);
    }
  }

  /**
   * Runs every phase of the plan for every size and target, calling {@code afterEachTarget} after
   * each. A target that fails is recorded as failed and the pass goes on.
   */
  void run(Runnable afterEachTarget) {
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int size : plan.sizes()) {
      Workload workload = new Workload(size, plan.count(size), SEED);
      Path keys = work.resolve("keys-" + size + "-" + workload.count() + ".bin");
      if (!Files.exists(keys)) {
        progress("writing the keys of %,d objects of %d B", workload.count(), size);
        workload.writeKeys(keys);
      }
      for (Target target : targets) {
        try {
          runTarget(target, workload, keys);
        } catch (RuntimeException e) {
          results.fail(size, target.name(), e.toString());
          progress("%-18s %6d B  FAILED: %s (see %s)", target.name(), size, e, log);
          try {
            appendLog(target.name() + " " + size + " failed: " + e);
          } catch (IOException ignored) {
            // The failure is already recorded in the report.
          }
        }
        afterEachTarget.run();
      }
    }
  }

  private void runTarget(Target target, Workload workload, Path keys) {
    int size = workload.valueSize();
    Path home = work.resolve(target.name() + "-" + size);
    Path store = home.resolve("store");
    Directories.delete(home);
    try {
      // (a) and (g): durable batch ingest; the last repetition's store stays for the reads.
      List<Map<String, Double>> ingests =
          repeat(
              target,
              "ingest",
              store.toString(),
              Durability.DURABLE.name(),
              Integer.toString(size),
              Long.toString(workload.count()),
              Long.toString(SEED),
              Long.toString(plan.warmupCount(size)));
      record(size, target, Metric.INGEST_DURABLE, ingests, r -> r.get("objectsPerSecond"));
      if (target.preparation() != null) {
        // Done once; the disk figure is then the prepared store's (one sample).
        ingests =
            List.of(
                fork(
                    phaseCommand(
                        target,
                        "prepare",
                        store.toString(),
                        Integer.toString(size),
                        Long.toString(workload.count()),
                        Long.toString(SEED))));
      }
      if (target.persistent()) {
        record(size, target, Metric.DISK_RATIO, ingests, r -> r.get("diskRatio"));
        // (f) and (h): reopen in fresh JVMs.
        List<Map<String, Double>> reopens =
            repeat(
                target,
                "reopen",
                store.toString(),
                Integer.toString(size),
                Long.toString(workload.count()));
        record(size, target, Metric.REOPEN, reopens, r -> r.get("openMillis"));
        record(size, target, Metric.HEAP_PER_OBJECT, reopens, r -> r.get("heapPerObject"));
        record(size, target, Metric.RSS_PER_OBJECT, reopens, r -> r.get("rssPerObject"));
      }
      // (d) and (e): JMH on the store just written, each fork a fresh JVM.
      jmh(
          size,
          target,
          ReadBenchmark.class,
          Map.of(
              "target",
              target.name(),
              "store",
              store.toString(),
              "keys",
              keys.toString(),
              "valueSize",
              Integer.toString(size),
              "seed",
              Long.toString(SEED)),
          Map.of("read", Metric.READ, "absent", Metric.ABSENT));
      Directories.delete(store);
      // (c): ingest without fsync.
      List<Map<String, Double>> noSync =
          repeat(
              target,
              "ingest",
              home.resolve("no-sync").toString(),
              Durability.NO_SYNC.name(),
              Integer.toString(size),
              Long.toString(workload.count()),
              Long.toString(SEED),
              Long.toString(plan.warmupCount(size)));
      record(size, target, Metric.INGEST_NO_SYNC, noSync, r -> r.get("objectsPerSecond"));
      Directories.delete(home.resolve("no-sync"));
      // (b): durable single puts, only where a single put is durable.
      if (target.persistent() && target.syncsSinglePuts()) {
        jmh(
            size,
            target,
            PutBenchmark.class,
            Map.of(
                "target",
                target.name(),
                "work",
                home.resolve("puts").toString(),
                "valueSize",
                Integer.toString(size)),
            Map.of("put1", Metric.PUT_1, "put8", Metric.PUT_8));
      }
    } finally {
      Directories.delete(home);
    }
  }

  private void record(
      int size,
      Target target,
      Metric metric,
      List<Map<String, Double>> runs,
      ToDoubleFunction<Map<String, Double>> value) {
    Figure figure = Figure.of(runs.stream().mapToDouble(value).toArray());
    results.put(size, target.name(), metric, figure);
    progress(
        "%-18s %6d B  %-24s %s %s", target.name(), size, metric.label(), figure, metric.unit());
  }

  /** Runs a {@link PhaseMain} phase {@code repetitions} times, each in a fresh JVM. */
  private List<Map<String, Double>> repeat(Target target, String phase, String... args) {
    List<Map<String, Double>> runs = new ArrayList<>();
    for (int rep = 0; rep < plan.repetitions(); rep++) {
      runs.add(fork(phaseCommand(target, phase, args)));
    }
    return runs;
  }

  private List<String> phaseCommand(Target target, String phase, String... args) {
    List<String> command = new ArrayList<>(javaCommand(phase.equals("reopen")));
    command.add(PhaseMain.class.getName());
    command.add(phase);
    command.add(target.name());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * The command line of a forked JVM. A reopen phase gets a fixed, pre-touched heap so that the
   * change in RSS across the open is the store's native and mapped memory, not the heap growing or
   * shrinking around a GC.
   */
  private List<String> javaCommand(boolean fixedHeap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (fixedHeap) {
      // Pre-touching is paid in RSS on a shared machine: the reopen needs a small heap.
      command.add("-Xmx" + REOPEN_HEAP);
      command.add("-Xms" + REOPEN_HEAP);
      command.add("-XX:+AlwaysPreTouch");
    } else {
      command.add("-Xmx" + plan.heap());
    }
    command.addAll(OPENS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    return command;
  }

  private Map<String, Double> fork(List<String> command) {
    try {
      appendLog(
          "$ " + String.join(" ", command.subList(command.indexOf("-cp") + 2, command.size())));
      Process process =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      String result = null;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          appendLog(line);
          if (line.startsWith("RESULT ")) {
            result = line;
          }
        }
      }
      int exit = process.waitFor();
      if (exit != 0 || result == null) {
        throw new IllegalStateException(
            "phase failed (exit "
                + exit
                + "): "
                + String.join(" ", command.subList(command.indexOf("-cp") + 2, command.size()))
                + "; see "
                + log);
      }
      return parse(result);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static Map<String, Double> parse(String resultLine) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String pair : resultLine.substring("RESULT ".length()).split(" ")) {
      int eq = pair.indexOf('=');
      String value = pair.substring(eq + 1);
      values.put(
          pair.substring(0, eq),
          switch (value) {
            case "true" -> 1.0;
            case "false" -> 0.0;
            default -> Double.valueOf(value);
          });
    }
    return values;
  }

  private void jmh(
      int size,
      Target target,
      Class<?> benchmark,
      Map<String, String> params,
      Map<String, Metric> methods) {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(
                "^"
                    + benchmark.getName().replace(".", "\\.")
                    + "\\.("
                    + String.join("|", methods.keySet())
                    + ")$")
            .forks(1)
            .warmupIterations(plan.warmupIterations())
            .warmupTime(TimeValue.milliseconds(plan.iterationMillis()))
            .measurementIterations(plan.measurementIterations())
            .measurementTime(TimeValue.milliseconds(plan.iterationMillis()))
            .jvmArgs(jmhJvmArgs())
            .shouldFailOnError(true)
            .output(log.toString() + ".jmh");
    params.forEach(options::param);
    if (profiler != null) {
      options.addProfiler(
          profiler,
          profiler.equals("jfr")
              ? "dir=" + work.resolve("jfr").resolve(target.name() + "-" + size)
              : "");
    }
    Collection<RunResult> runs;
    try {
      runs = new Runner(options.build()).run();
    } catch (RunnerException e) {
      throw new IllegalStateException(
          "JMH failed for " + target.name() + "; see " + log + ".jmh", e);
    }
    appendJmhLog();
    for (RunResult run : runs) {
      String name = run.getParams().getBenchmark();
      Metric metric = methods.get(name.substring(name.lastIndexOf('.') + 1));
      Statistics stats = run.getPrimaryResult().getStatistics();
      Figure figure =
          new Figure(stats.getPercentile(50), stats.getMin(), stats.getMax(), (int) stats.getN());
      results.put(size, target.name(), metric, figure);
      progress(
          "%-18s %6d B  %-24s %s %s", target.name(), size, metric.label(), figure, metric.unit());
    }
    if (runs.size() != methods.size()) {
      throw new IllegalStateException(
          "JMH ran "
              + runs.size()
              + " of "
              + methods.keySet()
              + " for "
              + target.name()
              + "; see "
              + log
              + ".jmh");
    }
  }

  private String[] jmhJvmArgs() {
    List<String> args = new ArrayList<>();
    args.add("-Xmx" + plan.heap());
    args.addAll(OPENS);
    return args.toArray(String[]::new);
  }

  private void appendJmhLog() {
    Path jmhLog = Path.of(log.toString() + ".jmh");
    try {
      if (Files.exists(jmhLog)) {
        Files.write(
            log, Files.readAllBytes(jmhLog), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.delete(jmhLog);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void appendLog(String line) throws IOException {
    Files.writeString(
        log,
        line + System.lineSeparator(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static void progress(String format, Object... args) {
    System.out.printf("[bench %tT] %s%n", System.currentTimeMillis(), String.format(format, args));
    System.out.flush();
  }
}
