package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@link GarbageCollection#gc} did. Immutable.
 *
 * @param mode the mode used: {@code ARCHIVE} or {@code ROLLING}
 * @param generation the lower's GC generation written (archive mode), or 0
 * @param marked objects found live (including dangling links and objects written meanwhile)
 * @param missing linked objects the store does not hold, among those it read (leaves the link
 *     extractor recognises are marked without being read; nothing was lost by this collection: they
 *     were absent before)
 * @param unreachable objects of the upper found unreachable
 * @param archived objects appended to the lower ({@code unreachable} minus those it held)
 * @param dropped object copies removed from the upper
 * @param bytesBefore bytes of the upper's object files before
 * @param bytesAfter bytes of the upper's object files after
 * @param phases time spent in each phase that ran
 */
public record GcReport(
    GarbageCollection.Mode mode,
    int generation,
    long marked,
    long missing,
    long unreachable,
    long archived,
    long dropped,
    long bytesBefore,
    long bytesAfter,
    Map<GarbageCollection.Phase, Duration> phases) {
  /** Checks the components and copies {@code phases}. */
  public GcReport {
    requireNonNull(mode, "mode");
    requireNonNull(phases, "phases");
    EnumMap<GarbageCollection.Phase, Duration> copy = new EnumMap<>(GarbageCollection.Phase.class);
    copy.putAll(phases);
    phases = Collections.unmodifiableMap(copy);
  }

  /** The time of all phases together. */
  public Duration total() {
    return phases.values().stream().reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * A few lines a person can read, e.g. {@code gc (archive, generation 3): 120 marked, 80
   * unreachable, 80 archived, 80 dropped; upper 1.2 MiB -> 512.0 KiB; mark 12 ms, ...}.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    out.append("gc (").append(mode.name().toLowerCase(Locale.ROOT));
    if (generation > 0) {
      out.append(", generation ").append(generation);
    }
    out.append("): ").append(marked).append(" marked");
    if (missing > 0) {
      out.append(" (").append(missing).append(" missing)");
    }
    out.append(", ")
        .append(unreachable)
        .append(" unreachable, ")
        .append(archived)
        .append(" archived, ")
        .append(dropped)
        .append(" dropped\n");
    out.append("  upper: ")
        .append(size(bytesBefore))
        .append(" -> ")
        .append(size(bytesAfter))
        .append('\n');
    out.append("  time: ").append(millis(total()));
    phases.forEach(
        (phase, time) ->
            out.append(", ")
                .append(phase.name().toLowerCase(Locale.ROOT))
                .append(' ')
                .append(millis(time)));
    return out.toString();
  }

  private static String millis(Duration duration) {
    return duration.toMillis() + " ms";
  }

  private static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
