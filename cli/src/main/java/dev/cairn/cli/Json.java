package dev.cairn.cli;

import com.google.common.escape.Escaper;
import com.google.common.escape.Escapers;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/** Writes maps, lists, strings, numbers and booleans as JSON, for {@code --json}. */
final class Json {
  /** JSON's string escapes (RFC 8259, section 7): quote, backslash and every control character. */
  private static final Escaper STRING = stringEscaper();

  private Json() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, String.valueOf(e.getKey()));
        out.append(':');
        append(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof Collection) {
      out.append('[');
      boolean first = true;
      for (Object item : (Collection<?>) value) {
        if (!first) {
          out.append(',');
        }
        first = false;
        append(out, item);
      }
      out.append(']');
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      out.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null");
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      string(out, value.toString());
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"').append(STRING.escape(s)).append('"');
  }

  private static Escaper stringEscaper() {
    Escapers.Builder escapes = Escapers.builder();
    for (char c = 0; c < 0x20; c++) {
      escapes.addEscape(c, String.format(Locale.ROOT, "\\u%04x", (int) c));
    }
    return escapes
        .addEscape('"', "\\\"")
        .addEscape('\\', "\\\\")
        .addEscape('\n', "\\n")
        .addEscape('\r', "\\r")
        .addEscape('\t', "\\t")
        .build();
  }
}
