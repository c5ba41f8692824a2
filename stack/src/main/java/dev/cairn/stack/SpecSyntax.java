package dev.cairn.stack;

import dev.cairn.spi.StoreSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The syntax of a stack spec, read without knowing any store type. See {@link Cairn} for the
 * grammar.
 *
 * <p>Whether a name is a leaf, a decorator or a combinator, and whether a key in parentheses is an
 * option or a child role, is the registry's to say ({@link SpecBinding}). So this tree keeps every
 * reading the syntax allows: a value in parentheses that looks like a store ({@code name:} or
 * {@code name(}) is parsed both as a nested term and as decoded text, and the binding picks one.
 * Each node keeps the problems of its own reading, so a reading the binding does not pick reports
 * nothing.
 *
 * <p>Positions are indexes into the spec as given (UTF-16 units, from 0).
 */
final class SpecSyntax {
  /** How deep terms may nest; deeper input is rejected before it can exhaust the stack. */
  static final int MAX_DEPTH = 64;

  /**
   * The longest spec read. A spec is a line of configuration; this bounds the work and memory that
   * hostile input can cost.
   */
  static final int MAX_LENGTH = 1 << 16;

  /** What a bare query key means: {@code disk:/x?sync} is {@code disk:/x?sync=true}. */
  static final String FLAG = "true";

  private final String spec;
  private final int[] match;

  private SpecSyntax(String spec, int[] match) {
    this.spec = spec;
    this.match = match;
  }

  /** The result of reading a whole spec: a root term, or the problems that prevented one. */
  static final class Parsed {
    final String spec;
    final @Nullable Term root;
    final List<Problem> problems;

    Parsed(String spec, @Nullable Term root, List<Problem> problems) {
      this.spec = spec;
      this.root = root;
      this.problems = problems;
    }
  }

  /**
   * One store in the spec: {@code name}, optional arguments in parentheses, then after a colon
   * either a child term or a locator.
   */
  static final class Term {
    final String name;
    final int start;

    /** The arguments in parentheses, or {@code null} without parentheses. */
    final @Nullable List<Arg> args;

    /** The term after {@code ':'} when the rest reads as one, else {@code null}. */
    final @Nullable Term child;

    /** The locator after {@code ':'} when the rest does not read as a term, else {@code null}. */
    final @Nullable Locator locator;

    /** Problems of this term itself (not of its values, child or locator). */
    final List<Problem> problems;

    Term(
        String name,
        int start,
        @Nullable List<Arg> args,
        @Nullable Term child,
        @Nullable Locator locator,
        List<Problem> problems) {
      this.name = name;
      this.start = start;
      this.args = args;
      this.child = child;
      this.locator = locator;
      this.problems = problems;
    }
  }

  /** {@code key=value} in parentheses; {@code key} is null when there was no {@code '='}. */
  static final class Arg {
    final @Nullable String key;
    final int keyStart;
    final Value value;

    Arg(@Nullable String key, int keyStart, Value value) {
      this.key = key;
      this.keyStart = keyStart;
      this.value = value;
    }
  }

  /** The text of an argument's value, read both ways the grammar allows. */
  static final class Value {
    final int start;
    final int end;

    /** The value as a nested term, when it starts like one; else {@code null}. */
    final @Nullable Term term;

    /** The value percent-decoded, or {@code null} if it could not be. */
    final @Nullable String text;

    final List<Problem> textProblems;

    Value(
        int start,
        int end,
        @Nullable Term term,
        @Nullable String text,
        List<Problem> textProblems) {
      this.start = start;
      this.end = end;
      this.term = term;
      this.text = text;
      this.textProblems = textProblems;
    }
  }

  /** A leaf's locator: a path and the options of its query. */
  static final class Locator {
    final int start;
    final int end;

    /** The path decoded, or {@code null} if it could not be. */
    final @Nullable String path;

    final List<Opt> query;
    final List<Problem> problems;

    Locator(int start, int end, @Nullable String path, List<Opt> query, List<Problem> problems) {
      this.start = start;
      this.end = end;
      this.path = path;
      this.query = query;
      this.problems = problems;
    }
  }

  /** {@code key[=value]} in a query; {@code text} is null if the value could not be decoded. */
  static final class Opt {
    final String key;
    final int keyStart;
    final int valueStart;
    final int valueEnd;
    final @Nullable String text;

    Opt(String key, int keyStart, int valueStart, int valueEnd, @Nullable String text) {
      this.key = key;
      this.keyStart = keyStart;
      this.valueStart = valueStart;
      this.valueEnd = valueEnd;
      this.text = text;
    }
  }

  /**
   * Reads {@code spec}. Never throws: what cannot be read is returned as problems. Unbalanced
   * parentheses are reported alone, since every position after one would be misread.
   */
  static Parsed parse(String spec) {
    List<Problem> problems = new ArrayList<>();
    if (spec.length() > MAX_LENGTH) {
      problems.add(Problem.tooLong(spec.length()));
      return new Parsed(spec, null, problems);
    }
    int start = SpecText.skipSpace(spec, 0, spec.length());
    int end = SpecText.trimEnd(spec, start, spec.length());
    if (start == end) {
      problems.add(Problem.emptySpec(start));
      return new Parsed(spec, null, problems);
    }
    int[] match = matchParentheses(spec, start, end, problems);
    if (!problems.isEmpty()) {
      return new Parsed(spec, null, problems);
    }
    SpecSyntax syntax = new SpecSyntax(spec, match);
    return new Parsed(spec, syntax.term(start, end, 0), problems);
  }

  /** For each '(' the index of its ')'; reports every parenthesis without a partner. */
  private static int[] matchParentheses(String spec, int start, int end, List<Problem> out) {
    int[] match = new int[spec.length()];
    Arrays.fill(match, -1);
    Deque<Integer> open = new ArrayDeque<>();
    for (int i = start; i < end; i++) {
      char c = spec.charAt(i);
      if (c == '(') {
        open.push(i);
      } else if (c == ')') {
        if (open.isEmpty()) {
          out.add(Problem.unmatchedClose(i));
        } else {
          match[open.pop()] = i;
        }
      }
    }
    while (!open.isEmpty()) {
      out.add(Problem.unclosedOpen(open.removeLast()));
    }
    return match;
  }

  /** Reads the term that spans exactly {@code [start, end)}. */
  private Term term(int start, int end, int depth) {
    List<Problem> problems = new ArrayList<>();
    if (depth >= MAX_DEPTH) {
      problems.add(Problem.tooDeep(start));
      return new Term("", start, null, null, null, problems);
    }
    int nameEnd = start;
    while (nameEnd < end && SpecText.isNameTokenChar(spec.charAt(nameEnd))) {
      nameEnd++;
    }
    String name = spec.substring(start, nameEnd);
    if (name.isEmpty()) {
      problems.add(Problem.expectedStoreType(start));
      return new Term("", start, null, null, null, problems);
    }
    List<Arg> args = null;
    int at = nameEnd;
    if (at == end || spec.charAt(at) != ':') {
      int open = SpecText.skipSpace(spec, at, end);
      if (open < end && spec.charAt(open) == '(') {
        int close = match[open];
        args = args(open + 1, close, depth, problems);
        at = SpecText.skipSpace(spec, close + 1, end);
        if (at < end && spec.charAt(at) != ':') {
          problems.add(
              Problem.unexpected(at, spec.charAt(at), "after ')'", "':' or the end of the store"));
          return new Term(name, start, args, null, null, problems);
        }
      } else if (open == end) {
        problems.add(Problem.missingColon(nameEnd, name));
        return new Term(name, start, null, null, null, problems);
      } else {
        problems.add(
            Problem.unexpected(
                nameEnd, spec.charAt(nameEnd), "after '" + name + "'", "':' or '('"));
        return new Term(name, start, null, null, null, problems);
      }
    }
    if (at == end) {
      return new Term(name, start, args, null, null, problems);
    }
    // at is a ':'; what follows is a child term only if it starts like one (names are at
    // least two characters, so "disk:C:/data" keeps its path).
    int rest = at + 1;
    if (rest == end) {
      return new Term(name, start, args, null, null, problems);
    }
    if (StoreSpec.startsLikeTerm(spec, rest, end)) {
      return new Term(name, start, args, term(rest, end, depth + 1), null, problems);
    }
    return new Term(name, start, args, null, locator(rest, end), problems);
  }

  /** Reads the arguments between parentheses, {@code [start, end)}. */
  private List<Arg> args(int start, int end, int depth, List<Problem> problems) {
    List<Arg> args = new ArrayList<>();
    if (SpecText.skipSpace(spec, start, end) == end) {
      return args;
    }
    int from = start;
    for (int i = start; i <= end; i++) {
      if (i < end && spec.charAt(i) == '(') {
        i = match[i];
      } else if (i == end || spec.charAt(i) == ',') {
        Arg arg = arg(from, i, depth, problems);
        if (arg != null) {
          args.add(arg);
        }
        from = i + 1;
      }
    }
    return args;
  }

  private @Nullable Arg arg(int start, int end, int depth, List<Problem> problems) {
    int from = SpecText.skipSpace(spec, start, end);
    int to = SpecText.trimEnd(spec, from, end);
    if (from == to) {
      problems.add(Problem.emptyArgument(from));
      return null;
    }
    int equals = -1;
    for (int i = from; i < to && equals < 0; i++) {
      if (spec.charAt(i) == '(') {
        i = match[i];
      } else if (spec.charAt(i) == '=') {
        equals = i;
      }
    }
    if (equals < 0) {
      return new Arg(null, from, value(from, to, depth));
    }
    int keyEnd = SpecText.trimEnd(spec, from, equals);
    int valueStart = SpecText.skipSpace(spec, equals + 1, to);
    return new Arg(spec.substring(from, keyEnd), from, value(valueStart, to, depth));
  }

  private Value value(int start, int end, int depth) {
    Term term = StoreSpec.startsLikeTerm(spec, start, end) ? term(start, end, depth + 1) : null;
    List<Problem> textProblems = new ArrayList<>();
    String text = decode(start, end, textProblems);
    return new Value(start, end, term, text, textProblems);
  }

  private Locator locator(int start, int end) {
    List<Problem> problems = new ArrayList<>();
    int question = spec.indexOf('?', start);
    int pathEnd = question >= 0 && question < end ? question : end;
    String path = decode(start, pathEnd, problems);
    List<Opt> query = new ArrayList<>();
    if (pathEnd < end) {
      int from = pathEnd + 1;
      for (int i = from; i <= end; i++) {
        if (i == end || spec.charAt(i) == '&') {
          Opt opt = opt(from, i, problems);
          if (opt != null) {
            query.add(opt);
          }
          from = i + 1;
        }
      }
    }
    return new Locator(start, end, path, query, problems);
  }

  private @Nullable Opt opt(int start, int end, List<Problem> problems) {
    if (start == end) {
      problems.add(Problem.emptyOption(start));
      return null;
    }
    int equals = spec.indexOf('=', start);
    if (equals < 0 || equals >= end) {
      return new Opt(key(start, end, problems), start, end, end, FLAG);
    }
    int keyEnd = SpecText.trimEnd(spec, start, equals);
    int valueStart = SpecText.skipSpace(spec, equals + 1, end);
    String key = key(start, keyEnd, problems);
    return new Opt(key, start, valueStart, end, decode(valueStart, end, problems));
  }

  /** A query key; reported here only if empty, since an unknown key is the binding's. */
  private String key(int start, int end, List<Problem> problems) {
    if (start == end) {
      problems.add(Problem.missingKey(start));
    }
    return spec.substring(start, end);
  }

  /**
   * Percent-decodes {@code [start, end)} once, as UTF-8. Reports each reserved character that
   * should have been encoded, each malformed escape and each escape sequence that is not UTF-8 (up
   * to one more than a message lists); returns {@code null} if there was any.
   */
  private @Nullable String decode(int start, int end, List<Problem> problems) {
    int before = problems.size();
    StringBuilder out = new StringBuilder(end - start);
    int i = start;
    // Past the problems a message lists, more from one value only cost time and memory.
    while (i < end && problems.size() - before <= SpecBinding.MAX_REPORTED) {
      char c = spec.charAt(i);
      if (c == '%') {
        int runStart = i;
        ByteBuffer bytes = ByteBuffer.allocate((end - i) / 3 + 1);
        while (i < end && spec.charAt(i) == '%') {
          int hi = i + 1 < end ? SpecText.hex(spec.charAt(i + 1)) : -1;
          int lo = i + 2 < end ? SpecText.hex(spec.charAt(i + 2)) : -1;
          if (hi >= 0 && lo >= 0) {
            bytes.put((byte) (hi << 4 | lo));
            i += 3;
          } else {
            problems.add(Problem.badEscape(i, spec.substring(i, Math.min(end, i + 3))));
            i++;
          }
        }
        bytes.flip();
        if (bytes.hasRemaining()) {
          try {
            out.append(
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes));
          } catch (CharacterCodingException e) {
            problems.add(Problem.notUtf8(runStart, spec.substring(runStart, i)));
          }
        }
      } else if (Character.isHighSurrogate(c)
          && i + 1 < end
          && Character.isLowSurrogate(spec.charAt(i + 1))) {
        out.append(c).append(spec.charAt(i + 1));
        i += 2;
      } else if (Character.isSurrogate(c)) {
        problems.add(Problem.unpairedSurrogate(i, c));
        i++;
      } else if (StoreSpec.mustBeEncoded(c)) {
        problems.add(Problem.mustBeEncoded(i, c));
        i++;
      } else {
        out.append(c);
        i++;
      }
    }
    return problems.size() == before ? out.toString() : null;
  }
}
