package dev.cairn.stack;

import java.util.Locale;
import java.util.Optional;

/** Finds the known name a misspelt one was probably meant to be. */
final class Spelling {
  /** Longer input is never a typo worth the quadratic comparison. */
  private static final int MAX_LENGTH = 64;

  private Spelling() {}

  /**
   * The candidate closest to {@code typed} by edit distance (insertions, deletions, substitutions
   * and swaps of neighbours; case ignored), if it is close enough to be a plausible typo: at most 2
   * edits, and fewer than half the typed name's length unless the names differ only in case. Ties
   * go to the candidate listed first.
   */
  static Optional<String> closest(String typed, Iterable<String> candidates) {
    if (typed.isEmpty() || typed.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    String folded = typed.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      if (candidate.equals(typed) || candidate.length() > MAX_LENGTH) {
        continue;
      }
      int distance = distance(folded, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    boolean plausible = bestDistance == 0 || bestDistance <= 2 && bestDistance * 2 < typed.length();
    return plausible ? Optional.ofNullable(best) : Optional.empty();
  }

  /** The optimal-string-alignment distance between {@code a} and {@code b}. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
