package dev.cairn.testkit;

import java.util.List;
import java.util.SplittableRandom;

/** Deterministic test inputs shared by the suites. */
final class TestData {
  static final int KIB = 1024;
  static final int MIB = 1024 * KIB;

  /** The object sizes every store must round-trip: empty, one byte, 1 KiB, 16 MiB. */
  static final List<Integer> SIZES = List.of(0, 1, KIB, 16 * MIB);

  /**
   * Ref names every store must reject, one per rule of {@code git check-ref-format} and a few path
   * attacks. Every entry must stay invalid.
   */
  static final List<String> HOSTILE_REF_NAMES =
      List.of(
          "",
          "/",
          "/etc/passwd",
          "refs/heads/",
          "refs//heads",
          "..",
          "../escape",
          "refs/../../outside",
          "refs/heads/..",
          "a..b",
          ".hidden",
          "refs/.hidden",
          "refs/heads/./x",
          "refs/heads/main.lock",
          "refs/heads/x.lock/y",
          "ends-with-dot.",
          "with space",
          "tab\there",
          "new\nline",
          "carriage\rreturn",
          "nul\u0000byte",
          "del\u007fchar",
          "escape\u001b[31mred",
          "tilde~1",
          "caret^2",
          "colon:name",
          "question?",
          "star*",
          "open[bracket",
          "back\\slash",
          "C:\\Windows\\system32",
          "\\\\server\\share",
          "at@{brace",
          "@",
          "lone\ud800surrogate",
          "x".repeat(2000),
          "refs/heads/" + "y".repeat(300));

  private TestData() {}

  /** {@code size} pseudo-random bytes determined by {@code seed}. */
  static byte[] bytes(long seed, int size) {
    byte[] out = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; ) {
      long word = random.nextLong();
      for (int j = 0; j < 8 && i < size; j++, i++) {
        out[i] = (byte) (word >>> (8 * j));
      }
    }
    return out;
  }
}
