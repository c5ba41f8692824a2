package dev.cairn.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures a family prints when it ends: runs, points, objects checked, violations and whatever
 * else it counts. One line on standard output, and the same line appended to {@code
 * target/reliability-figures.txt}, from which {@code RELIABILITY.md} quotes the long run. Not
 * thread-safe: one instance per test, filled by its thread.
 */
final class Figures {
  private final String family;
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private final long started = System.nanoTime();

  private Figures(String family) {
    this.family = family;
  }

  /** Figures of {@code family}, e.g. {@code "kill-9 cache:layered(disk, lower)"}. */
  static Figures of(String family) {
    return new Figures(family);
  }

  /** Adds {@code n} to the count called {@code name}. */
  Figures add(String name, long n) {
    counts.merge(name, n, Long::sum);
    return this;
  }

  /** The count called {@code name}, 0 if nothing was added. */
  long get(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /** Prints and records the line; returns it. */
  String report() {
    StringBuilder line = new StringBuilder("FIGURES ").append(family).append(':');
    counts.forEach((name, n) -> line.append(' ').append(name).append('=').append(n));
    line.append(
        String.format(
            Locale.ROOT,
            " seconds=%.1f budget=%s at=%s",
            (System.nanoTime() - started) / 1e9,
            System.getProperty("cairn.budget", "ci"),
            Instant.now()));
    System.out.println(line);
    try {
      Files.writeString(
          Path.of("target", "reliability-figures.txt"),
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line.toString();
  }
}
