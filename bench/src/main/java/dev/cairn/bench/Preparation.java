package dev.cairn.bench;

import java.nio.file.Path;

/**
 * Work done once, in its own JVM, on a store that holds the whole workload before it is reopened
 * and read: for the layered stack, archiving half of the objects into the lower and compacting them
 * out of the upper, as its garbage collection would.
 */
@FunctionalInterface
public interface Preparation {
  /**
   * Prepares the closed store at {@code directory}, which holds {@code workload}.
   *
   * @return a short description of what was done, for the log
   */
  String prepare(Path directory, Workload workload);
}
