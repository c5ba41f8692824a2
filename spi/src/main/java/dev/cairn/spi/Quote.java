package dev.cairn.spi;

import org.jspecify.annotations.Nullable;

/** Quotes untrusted text for error messages: escaped, bounded, never multi-line. */
final class Quote {
  private static final int MAX = 200;

  private Quote() {}

  /** {@code "text"} with control characters, quotes and backslashes escaped; null as null. */
  static String of(@Nullable String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX) + 8).append('"');
    for (int i = 0; i < text.length(); i++) {
      if (i == MAX) {
        out.append("...(").append(text.length()).append(" chars)");
        break;
      }
      char c = text.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\r':
          out.append("\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !isPaired(text, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"').toString();
  }

  private static boolean isPaired(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }
}
