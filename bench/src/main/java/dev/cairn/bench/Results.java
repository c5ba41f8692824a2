package dev.cairn.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Every figure of a pass, by value size, target and metric. */
final class Results {
  private final Map<Integer, Map<String, Map<Metric, Figure>>> figures = new TreeMap<>();
  private final Map<String, String> failures = new java.util.LinkedHashMap<>();

  synchronized void fail(int size, String target, String problem) {
    failures.put(target + ", " + size + " B", problem);
  }

  /** What failed, by "target, size". */
  synchronized Map<String, String> failures() {
    return Map.copyOf(failures);
  }

  synchronized void put(int size, String target, Metric metric, Figure figure) {
    figures
        .computeIfAbsent(size, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(target, t -> new EnumMap<>(Metric.class))
        .put(metric, figure);
  }

  synchronized Optional<Figure> get(int size, String target, Metric metric) {
    return Optional.ofNullable(
        figures.getOrDefault(size, Map.of()).getOrDefault(target, Map.of()).get(metric));
  }
}
