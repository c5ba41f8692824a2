package dev.cairn.disk;

/**
 * How hard the long suites work: system property {@code cairn.budget} is {@code ci} by default
 * (bounded, for every build) or {@code full} ({@code ./mvnw verify -Pfull}).
 */
final class Budget {
  private Budget() {}

  static boolean isFull() {
    return "full".equals(System.getProperty("cairn.budget", "ci"));
  }

  /** {@code ci} in a CI run, {@code full} in a full run. */
  static int scale(int ci, int full) {
    return isFull() ? full : ci;
  }
}
