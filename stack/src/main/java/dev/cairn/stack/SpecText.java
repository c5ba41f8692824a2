package dev.cairn.stack;

/**
 * The parser's helpers for the stack-spec grammar's characters. The grammar's lexical rules
 * themselves (names, keys, what is percent-encoded, the mask) are {@link
 * dev.cairn.spi.StoreSpec}'s, in one place for the parser, the canonical form and options.
 */
final class SpecText {

  private SpecText() {}

  /**
   * Characters read as part of a store type where one is expected. Wider than a name, so that
   * {@code Memory:} reads as the unknown type "Memory" rather than as no type at all.
   */
  static boolean isNameTokenChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.';
  }

  /** White space the grammar allows around {@code ( ) , =} and trims. */
  static boolean isSpace(char c) {
    return Character.isWhitespace(c);
  }

  static int skipSpace(String text, int from, int to) {
    while (from < to && isSpace(text.charAt(from))) {
      from++;
    }
    return from;
  }

  static int trimEnd(String text, int from, int to) {
    while (to > from && isSpace(text.charAt(to - 1))) {
      to--;
    }
    return to;
  }

  /** The value of an ASCII hex digit, or -1. */
  static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** {@code c} for a message: {@code '('}, or {@code U+00A0} when it would not print. */
  static String describe(char c) {
    if (c > 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    String code = String.format("U+%04X", (int) c);
    return Character.isWhitespace(c) || Character.isSpaceChar(c) ? "white space " + code : code;
  }
}
