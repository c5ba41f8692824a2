package dev.cairn.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of long work (import, export, verify) on standard error, so standard output stays
 * parseable: a bar redrawn in place with rate and ETA on a terminal, a plain line every few seconds
 * otherwise, nothing with {@code --quiet}. Used by one thread.
 */
final class Progress {
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final long LINE_NANOS = 5_000_000_000L;

  private final String label;
  private final PrintStream err;
  private final boolean terminal;
  private final boolean silent;
  private final LongSupplier clock;
  private final long start;
  private long total;
  private long items;
  private long bytes;
  private long lastShown;
  private boolean drawn;

  Progress(String label, long total, PrintStream err, boolean terminal, boolean silent) {
    this(label, total, err, terminal, silent, System::nanoTime);
  }

  Progress(
      String label,
      long total,
      PrintStream err,
      boolean terminal,
      boolean silent,
      LongSupplier clock) {
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastShown = start;
    this.label = label;
    this.total = total;
    this.err = err;
    this.terminal = terminal;
    this.silent = silent;
  }

  /** Sets the expected number of items, or a negative number if unknown. */
  void total(long total) {
    this.total = total;
  }

  /** Counts {@code n} more items of {@code size} bytes in all. */
  void advance(long n, long size) {
    items += n;
    bytes += size;
    if (silent) {
      return;
    }
    long now = clock.getAsLong();
    if (now - lastShown >= (terminal ? REDRAW_NANOS : LINE_NANOS)) {
      lastShown = now;
      show(now);
    }
  }

  long items() {
    return items;
  }

  long bytes() {
    return bytes;
  }

  double seconds() {
    return Math.max(1e-9, (clock.getAsLong() - start) / 1e9);
  }

  /** Ends the bar (a terminal's line is cleared). */
  void finish() {
    if (!silent && terminal && drawn) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  private void show(long now) {
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    double rate = items / seconds;
    String counts =
        total > 0
            ? String.format(Locale.ROOT, "%,d/%,d", items, total)
            : String.format(Locale.ROOT, "%,d", items);
    String eta =
        total > 0 && rate > 0 && items < total
            ? " ETA " + duration((long) ((total - items) / rate))
            : "";
    String speed = String.format(Locale.ROOT, "%,.0f/s %.1f MB/s", rate, bytes / seconds / 1e6);
    if (terminal) {
      String bar = "";
      if (total > 0) {
        int width = 24;
        int full = (int) Math.min(width, width * items / total);
        bar =
            "["
                + "#".repeat(full)
                + ".".repeat(width - full)
                + "] "
                + String.format(Locale.ROOT, "%3d%% ", Math.min(100, 100 * items / total));
      }
      err.print("\r\033[K" + label + " " + bar + counts + " " + speed + eta);
      drawn = true;
    } else {
      err.println(label + ": " + counts + " " + speed + eta);
    }
    err.flush();
  }

  static String duration(long seconds) {
    return seconds >= 3600
        ? String.format(
            Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }
}
