package dev.cairn.stack;

import dev.cairn.spi.StoreSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A spec as messages quote it: values of sensitive options replaced by {@code ****}, and quotes,
 * backslashes and characters that would not print escaped. Positions in messages are indexes into
 * this text, so they point at what the reader sees.
 */
final class SpecDisplay {
  /** Longer specs are quoted cut short, so that twenty problems cannot make a huge message. */
  static final int MAX_QUOTED = 1000;

  private final String text;
  private final int[] positions;
  private final List<int[]> masks;

  private SpecDisplay(String text, int[] positions, List<int[]> masks) {
    this.text = text;
    this.positions = positions;
    this.masks = masks;
  }

  /** Whether {@code position} of the spec as given lies inside a masked value. */
  boolean isMasked(int position) {
    return masks.stream().anyMatch(m -> m[0] <= position && position < m[1]);
  }

  /**
   * The display of {@code spec}, masking the value of every option in {@code root} (which may be
   * null when the spec could not be read) whose key is in {@code sensitive}.
   */
  static SpecDisplay of(String spec, SpecSyntax.@Nullable Term root, Set<String> sensitive) {
    List<int[]> masks = new ArrayList<>();
    if (root != null && !sensitive.isEmpty()) {
      collectMasks(root, sensitive, masks);
    } else if (!sensitive.isEmpty()) {
      scanMasks(spec, sensitive, masks);
    }
    masks.sort((a, b) -> Integer.compare(a[0], b[0]));
    int[] positions = new int[spec.length() + 1];
    StringBuilder out = new StringBuilder(spec.length() + 8);
    int next = 0;
    for (int i = 0; i < spec.length(); i++) {
      while (next < masks.size() && masks.get(next)[1] <= i) {
        next++;
      }
      if (next < masks.size() && masks.get(next)[0] == i) {
        int end = masks.get(next)[1];
        for (int k = i; k < end; k++) {
          positions[k] = out.length();
        }
        out.append(StoreSpec.MASK);
        i = end - 1;
        continue;
      }
      positions[i] = out.length();
      char c = spec.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !Problem.paired(spec, i)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    positions[spec.length()] = out.length();
    return new SpecDisplay(out.toString(), positions, List.copyOf(masks));
  }

  private static void collectMasks(SpecSyntax.Term term, Set<String> sensitive, List<int[]> out) {
    if (term.args != null) {
      for (SpecSyntax.Arg arg : term.args) {
        if (arg.key != null && sensitive.contains(arg.key)) {
          mask(arg.value.start, arg.value.end, out);
        } else if (arg.value.term != null) {
          collectMasks(arg.value.term, sensitive, out);
        }
      }
    }
    if (term.child != null) {
      collectMasks(term.child, sensitive, out);
    }
    if (term.locator != null) {
      for (SpecSyntax.Opt opt : term.locator.query) {
        if (sensitive.contains(opt.key)) {
          mask(opt.valueStart, opt.valueEnd, out);
        }
      }
    }
  }

  /**
   * Masks by scanning, for a spec too broken to read (unbalanced parentheses): every {@code
   * key=value} after {@code ( , ? &} or white space whose key is sensitive, up to the next {@code (
   * ) , &} or white space. Errs towards masking too much.
   */
  private static void scanMasks(String spec, Set<String> sensitive, List<int[]> out) {
    int i = 0;
    while (i < spec.length()) {
      int keyStart = i;
      while (i < spec.length() && isKeyChar(spec.charAt(i))) {
        i++;
      }
      boolean delimited =
          keyStart == 0
              || "(,?&".indexOf(spec.charAt(keyStart - 1)) >= 0
              || SpecText.isSpace(spec.charAt(keyStart - 1));
      String key = spec.substring(keyStart, i);
      int equals = SpecText.skipSpace(spec, i, spec.length());
      if (delimited
          && sensitive.contains(key)
          && equals < spec.length()
          && spec.charAt(equals) == '=') {
        int start = SpecText.skipSpace(spec, equals + 1, spec.length());
        int end = start;
        while (end < spec.length()
            && "(),&".indexOf(spec.charAt(end)) < 0
            && !SpecText.isSpace(spec.charAt(end))) {
          end++;
        }
        mask(start, end, out);
        i = end;
      }
      i = Math.max(i, keyStart + 1);
    }
  }

  private static boolean isKeyChar(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-';
  }

  private static void mask(int start, int end, List<int[]> out) {
    if (start < end) {
      out.add(new int[] {start, end});
    }
  }

  /** {@code at N in "spec"}; a spec longer than {@link #MAX_QUOTED} is quoted cut short. */
  String at(int position) {
    int shown = positions[Math.max(0, Math.min(position, positions.length - 1))];
    String quoted =
        text.length() <= MAX_QUOTED
            ? text + "\""
            : text.substring(0, MAX_QUOTED) + "\"...(" + text.length() + " chars in all)";
    return "at " + shown + " in \"" + quoted;
  }

  /** The display of {@code [start, end)} of the spec as given. */
  String text(int start, int end) {
    return text.substring(positions[start], positions[end]);
  }

  @Override
  public String toString() {
    return text;
  }
}
