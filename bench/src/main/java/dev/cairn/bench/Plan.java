package dev.cairn.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How much to measure: which value sizes, how many objects, how many repetitions, how long the JMH
 * iterations are.
 *
 * @param name the pass ({@code smoke}, {@code quick}, {@code full})
 * @param sizes value sizes in bytes
 * @param smallCount objects per size for values under 64 KiB
 * @param largeCount objects for 64 KiB values
 * @param repetitions fresh-JVM repetitions of each bulk phase (each after its own warm-up)
 * @param warmupIterations JMH warm-up iterations
 * @param measurementIterations JMH measured iterations
 * @param iterationMillis length of one JMH iteration
 * @param heap the -Xmx of every forked JVM
 */
public record Plan(
    String name,
    List<Integer> sizes,
    long smallCount,
    long largeCount,
    int repetitions,
    int warmupIterations,
    int measurementIterations,
    int iterationMillis,
    String heap) {

  /** Checks the arguments. */
  public Plan {
    requireNonNull(name, "name");
    sizes = List.copyOf(sizes);
    requireNonNull(heap, "heap");
    if (repetitions < 1 || measurementIterations < 1) {
      throw new IllegalArgumentException("repetitions and iterations must be positive");
    }
  }

  /** The pass called {@code name}: smoke, quick or full. */
  public static Plan named(String name) {
    return switch (name) {
      case "smoke" -> new Plan("smoke", List.of(1024), 2_000, 200, 3, 1, 3, 300, "1g");
      case "quick" -> new Plan("quick", List.of(1024), 20_000, 2_000, 3, 1, 3, 1_000, "2g");
      case "full" ->
          new Plan("full", List.of(64, 1024, 65536), 1_000_000, 40_000, 3, 2, 5, 2_000, "6g");
      default ->
          throw new IllegalArgumentException(
              "unknown pass \"" + name + "\"; known: smoke, quick, full");
    };
  }

  /** Objects for values of {@code size} bytes. */
  public long count(int size) {
    return size >= 65536 ? largeCount : smallCount;
  }

  /** Objects ingested into a scratch store before a measured ingest. */
  public long warmupCount(int size) {
    return Math.max(1_000, count(size) / 20);
  }

  /** This plan with other sizes. */
  public Plan withSizes(List<Integer> other) {
    return new Plan(
        name,
        other,
        smallCount,
        largeCount,
        repetitions,
        warmupIterations,
        measurementIterations,
        iterationMillis,
        heap);
  }

  /** This plan with {@code count} objects for every size. */
  public Plan withCount(long count) {
    return new Plan(
        name,
        sizes,
        count,
        count,
        repetitions,
        warmupIterations,
        measurementIterations,
        iterationMillis,
        heap);
  }

  /** This plan with another number of repetitions. */
  public Plan withRepetitions(int reps) {
    return new Plan(
        name,
        sizes,
        smallCount,
        largeCount,
        reps,
        warmupIterations,
        measurementIterations,
        iterationMillis,
        heap);
  }
}
