package dev.cairn.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * A measured quantity: the median of its repetitions and their range.
 *
 * @param median the median repetition
 * @param min the smallest repetition
 * @param max the largest repetition
 * @param samples how many repetitions
 */
public record Figure(double median, double min, double max, int samples) {
  /** The median and range of {@code values} (at least one). */
  public static Figure of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("a figure needs at least one value");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Figure(median, sorted[0], sorted[n - 1], n);
  }

  /** {@code this / other}, with the widest range the two ranges allow. */
  public Figure over(Figure other) {
    return new Figure(
        median / other.median, min / other.max, max / other.min, Math.min(samples, other.samples));
  }

  /** {@code other / this}: how many times smaller this is, when smaller is better. */
  public Figure under(Figure other) {
    return other.over(this);
  }

  /** "median (min–max)" with three significant digits and k/M suffixes. */
  @Override
  public String toString() {
    return compact(median) + " (" + compact(min) + "–" + compact(max) + ")";
  }

  /** Three significant digits, with k, M or G for large values. */
  static String compact(double v) {
    double a = Math.abs(v);
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "n/a";
    }
    if (a >= 1e9) {
      return sig(v / 1e9) + "G";
    }
    if (a >= 1e6) {
      return sig(v / 1e6) + "M";
    }
    if (a >= 1e4) {
      return sig(v / 1e3) + "k";
    }
    return sig(v);
  }

  private static String sig(double v) {
    double a = Math.abs(v);
    String format = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, format, v);
  }
}
