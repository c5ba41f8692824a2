package dev.cairn.reliability;

/**
 * How hard a family works: system property {@code cairn.budget} is {@code ci} by default (the
 * bounded run of every build) or {@code full} (the long run: {@code ./mvnw verify -Pfull -pl
 * reliability-tests -am}). A family may also read its own property to go further still.
 */
final class Budget {
  private Budget() {}

  /** Whether this is the long run. */
  static boolean isFull() {
    return "full".equals(System.getProperty("cairn.budget", "ci"));
  }

  /** {@code ci} in a bounded run, {@code full} in the long run. */
  static int scale(int ci, int full) {
    return isFull() ? full : ci;
  }

  /**
   * The integer system property {@code name} if set (to re-run one family at any size), otherwise
   * {@link #scale}.
   */
  static int scale(String name, int ci, int full) {
    String value = System.getProperty(name);
    return value == null || value.isBlank() ? scale(ci, full) : Integer.parseInt(value.trim());
  }
}
