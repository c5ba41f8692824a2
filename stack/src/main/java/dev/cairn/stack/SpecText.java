package dev.cairn.stack;

import java.util.regex.Pattern;

/** The character classes of the stack-spec grammar, shared by the parser and the messages. */
final class SpecText {
  private static final Pattern STORE_TYPE = Pattern.compile("[a-z][a-z0-9-]{1,31}");
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]{0,63}");
  private static final int MAX_NAME = 32;

  private SpecText() {}

  /** A store type: a lowercase letter, then 1 to 31 of {@code [a-z0-9-]}. */
  static boolean isStoreTypeName(String name) {
    return STORE_TYPE.matcher(name).matches();
  }

  /** An option or role name, as {@link dev.cairn.spi.StoreOption} allows them. */
  static boolean isKey(String key) {
    return KEY.matcher(key).matches();
  }

  /**
   * Characters read as part of a store type where one is expected. Wider than a name, so
   * that {@code Memory:} reads as the unknown type "Memory" rather than as no type at all.
   */
  static boolean isNameTokenChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.';
  }

  private static boolean isNameChar(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-';
  }

  /**
   * Whether {@code [from, to)} starts with {@code name:} or {@code name(} for a well-formed
   * name. This alone decides whether the rest after a colon is a child store or a locator.
   * {@link dev.cairn.spi.StoreSpec#toString()} escapes a path's first colon by the same rule.
   */
  static boolean startsLikeTerm(String text, int from, int to) {
    if (from >= to || text.charAt(from) < 'a' || text.charAt(from) > 'z') {
      return false;
    }
    int i = from + 1;
    while (i < to && isNameChar(text.charAt(i))) {
      i++;
    }
    if (i - from < 2 || i - from > MAX_NAME) {
      return false;
    }
    if (i < to && text.charAt(i) == ':') {
      return true;
    }
    int open = skipSpace(text, i, to);
    return open < to && text.charAt(open) == '(';
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

  /**
   * Whether {@code c} may not appear as itself in a path or value: {@code % ( ) , ? & = #},
   * white space and control characters. The canonical form encodes exactly these (plus
   * unpaired surrogates, which a spec cannot hold at all).
   */
  static boolean mustBeEncoded(char c) {
    if (c < 0x80) {
      return c <= 0x20 || c == 0x7f || "%(),?&=#".indexOf(c) >= 0;
    }
    return Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c);
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

  /** The percent-encoding of {@code c} (which {@link #mustBeEncoded} accepted). */
  static String encoded(char c) {
    StringBuilder out = new StringBuilder();
    for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      out.append('%').append(String.format("%02X", b & 0xff));
    }
    return out.toString();
  }
}
