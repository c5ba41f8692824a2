package dev.cairn.bench;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One figure of an interleaved benchmark: two sides (the store and the raw client) that take turns
 * in one thread, each turn one operation of some objects, so that a busy machine slows both alike.
 * It sums each side's time, requests and objects, and says the store's throughput (objects per
 * second) as a fraction of the other side's, with the requests each sent per {@code per} objects.
 * Not thread-safe.
 */
public final class Turns {
  /** The side measured: the store. */
  public static final int OURS = 0;

  /** The side it is measured against: the raw client. */
  public static final int THEIRS = 1;

  private final String what;
  private final String[] names;
  private final long per;
  private final double goal;
  private final long[] nanos = new long[2];
  private final long[] requests = new long[2];
  private final long[] operations = new long[2];
  private final long[] objects = new long[2];

  /**
   * A figure named {@code what} of {@code ours} against {@code theirs}, with requests counted per
   * {@code per} objects and the goal of the ratio ({@code NaN} for none).
   *
   * @throws IllegalArgumentException if {@code per} is not positive
   */
  public Turns(String what, String ours, String theirs, long per, double goal) {
    this.what = requireNonNull(what, "what");
    this.names = new String[] {requireNonNull(ours, "ours"), requireNonNull(theirs, "theirs")};
    if (per < 1) {
      throw new IllegalArgumentException("requests are counted per " + per + " objects");
    }
    this.per = per;
    this.goal = goal;
  }

  /**
   * Adds one operation of {@code side} ({@link #OURS} or {@link #THEIRS}) that took {@code nanos},
   * sent {@code requests} and moved {@code objects}.
   *
   * @throws IllegalArgumentException if the side is neither, or a count is negative
   */
  public void add(int side, long nanos, long requests, long objects) {
    if (side != OURS && side != THEIRS) {
      throw new IllegalArgumentException("side " + side + " is neither OURS (0) nor THEIRS (1)");
    }
    if (nanos < 0 || requests < 0 || objects < 0) {
      throw new IllegalArgumentException(
          String.format("negative turn: %d ns, %d requests, %d objects", nanos, requests, objects));
    }
    this.nanos[side] += nanos;
    this.requests[side] += requests;
    this.operations[side]++;
    this.objects[side] += objects;
  }

  /** The operations of {@code side} added so far. */
  public long operations(int side) {
    return operations[side];
  }

  /** The mean time of one operation of {@code side}, in microseconds (NaN before any). */
  public double microsPerOperation(int side) {
    return operations[side] == 0 ? Double.NaN : nanos[side] / 1e3 / operations[side];
  }

  /** The objects per second of {@code side} (NaN before any time was added). */
  public double objectsPerSecond(int side) {
    return nanos[side] == 0 ? Double.NaN : objects[side] * 1e9 / nanos[side];
  }

  /** The requests {@code side} sent per {@code per} objects (NaN before any object). */
  public double requestsPer(int side) {
    return objects[side] == 0 ? Double.NaN : (double) requests[side] * per / objects[side];
  }

  /** The store's throughput as a fraction of the raw client's. */
  public double ratio() {
    return objectsPerSecond(OURS) / objectsPerSecond(THEIRS);
  }

  /** Whether the ratio meets the goal (true if there is none). */
  public boolean met() {
    return Double.isNaN(goal) || ratio() >= goal;
  }

  /**
   * One line: what, each side's time per operation and objects per second, the ratio (and the
   * goal), and each side's requests per {@code per} objects.
   */
  public String line() {
    StringBuilder out = new StringBuilder(what).append(':');
    for (int side = OURS; side <= THEIRS; side++) {
      out.append(side == OURS ? " " : ", ")
          .append(names[side])
          .append(' ')
          .append(time(microsPerOperation(side)))
          .append(String.format(Locale.ROOT, " (%,.0f objects/s)", objectsPerSecond(side)));
    }
    out.append(String.format(Locale.ROOT, ": %s at %.2fx %s", names[OURS], ratio(), names[THEIRS]));
    if (!Double.isNaN(goal)) {
      out.append(
          String.format(Locale.ROOT, " (goal >= %.2fx: %s)", goal, met() ? "met" : "missed"));
    }
    out.append(String.format(Locale.ROOT, "; requests per %,d objects:", per));
    for (int side = OURS; side <= THEIRS; side++) {
      out.append(side == OURS ? " " : ", ")
          .append(names[side])
          .append(String.format(Locale.ROOT, " %.2f", requestsPer(side)));
    }
    return out.toString();
  }

  private static String time(double micros) {
    return micros >= 10_000
        ? String.format(Locale.ROOT, "%.1f ms/op", micros / 1e3)
        : String.format(Locale.ROOT, "%.1f us/op", micros);
  }

  @Override
  public String toString() {
    return line();
  }
}
