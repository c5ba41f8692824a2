package dev.cairn.lower;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;

/**
 * The named steps of archive, swap and createFrom, announced as they complete so crash tests can
 * kill a process at each of them. Announcing costs a volatile read; nothing listens in production.
 */
final class ArchiveSteps {
  static final String RECORD = "archive:record";
  static final String DATA_SYNCED = "archive:data-synced";
  static final String MAPPING_SYNCED = "archive:mapping-synced";
  static final String INDEX_SYNCED = "archive:index-synced";
  static final String CONTROL_SYNCED = "archive:control-synced";
  static final String ARCHIVED = "archive:directory-synced";
  static final String SWAP_VALIDATED = "swap:validated";
  static final String SWAP_RENAMED = "swap:renamed";
  static final String SWAPPED = "swap:reloaded";
  static final String CREATE_SCANNED = "create:scanned";
  static final String CREATE_MOVED = "create:moved";
  static final String CREATE_STAGED = "create:staged";
  static final String CREATE_RENAMED = "create:renamed";

  private static volatile Consumer<String> listener = step -> {};

  private ArchiveSteps() {}

  static void reached(String step) {
    listener.accept(step);
  }

  /** Replaces the listener; tests only. */
  static void listen(Consumer<String> newListener) {
    listener = requireNonNull(newListener, "newListener");
  }
}
