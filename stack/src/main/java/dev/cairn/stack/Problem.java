package dev.cairn.stack;

import dev.cairn.spi.StoreSpec;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with a stack spec, at a position in it. Every message family of the stack-spec
 * grammar is written here, in one place; a message is rendered only once the whole spec has been
 * read, so that it can quote the spec with its secrets masked.
 */
final class Problem {
  /** Renders a message, given where in the spec the problem is. */
  interface Message {
    String render(Where where);
  }

  /** How a message points into the spec: {@code at 6 in "cache:dsik:/var/data"}. */
  interface Where {
    /** {@code at N in "spec"}, with N an index into the quoted (masked) spec. */
    String at(int position);

    /** The known store types, comma-separated. */
    String knownTypes();

    /** The text of the spec in {@code [start, end)}, as the quoted spec shows it (masked). */
    String text(int start, int end);
  }

  final int position;
  private final Message message;

  /** For a problem inside a value, what it is without quoting the value; else null. */
  private final @Nullable String family;

  private Problem(int position, Message message) {
    this(position, message, null);
  }

  private Problem(int position, Message message, @Nullable String family) {
    this.position = position;
    this.message = message;
    this.family = family;
  }

  String render(Where where) {
    return message.render(where);
  }

  /**
   * The message for a problem inside a sensitive value: it says what is wrong but quotes nothing of
   * the value.
   */
  String renderRedacted(Where where) {
    return (family != null ? family : "problem")
        + " "
        + where.at(position)
        + " inside the value of a sensitive option, which is not shown";
  }

  // Syntax.

  static Problem emptySpec(int at) {
    return new Problem(
        at,
        w ->
            "empty spec "
                + w.at(at)
                + "; a spec starts with a store type, one of: "
                + w.knownTypes());
  }

  static Problem tooLong(int length) {
    return new Problem(
        0,
        w ->
            "spec too long: "
                + length
                + " chars "
                + w.at(0)
                + "; at most "
                + SpecSyntax.MAX_LENGTH);
  }

  static Problem unmatchedClose(int at) {
    return new Problem(at, w -> "unbalanced parenthesis: ')' " + w.at(at) + " closes nothing");
  }

  static Problem unclosedOpen(int at) {
    return new Problem(at, w -> "unbalanced parenthesis: '(' " + w.at(at) + " is never closed");
  }

  static Problem tooDeep(int at) {
    return new Problem(
        at,
        w -> "the store " + w.at(at) + " nests deeper than " + SpecSyntax.MAX_DEPTH + " stores");
  }

  static Problem expectedStoreType(int at) {
    return new Problem(
        at,
        w ->
            "expected a store type "
                + w.at(at)
                + "; a store starts with its type and ':', one of: "
                + w.knownTypes());
  }

  static Problem unexpected(int at, char c, String after, String expected) {
    return new Problem(
        at,
        w ->
            "unexpected "
                + SpecText.describe(c)
                + " "
                + w.at(at)
                + " "
                + after
                + "; expected "
                + expected);
  }

  static Problem missingColon(int at, String name) {
    return new Problem(
        at, w -> "missing ':' after '" + name + "' " + w.at(at) + "; write " + name + ":");
  }

  static Problem emptyArgument(int at) {
    return new Problem(
        at,
        w -> "empty argument " + w.at(at) + "; parentheses hold key=value pairs separated by ','");
  }

  static Problem emptyOption(int at) {
    return new Problem(
        at, w -> "empty option " + w.at(at) + "; a query holds key=value pairs separated by '&'");
  }

  static Problem missingKey(int at) {
    return new Problem(at, w -> "missing option name before '=' " + w.at(at));
  }

  static Problem badEscape(int at, String text) {
    return new Problem(
        at,
        w ->
            "bad percent escape '"
                + printable(text)
                + "' "
                + w.at(at)
                + "; an escape is '%' and two hex digits, and '%' itself is written %25",
        "bad percent escape");
  }

  static Problem notUtf8(int at, String text) {
    return new Problem(
        at,
        w -> "bad percent escape '" + text + "' " + w.at(at) + ": the escaped bytes are not UTF-8",
        "bad percent escape");
  }

  static Problem unpairedSurrogate(int at, char c) {
    return new Problem(
        at,
        w ->
            "unpaired surrogate "
                + SpecText.describe(c)
                + " "
                + w.at(at)
                + "; a spec is Unicode text",
        "unpaired surrogate");
  }

  static Problem mustBeEncoded(int at, char c) {
    return new Problem(
        at,
        w ->
            SpecText.describe(c)
                + " "
                + w.at(at)
                + " must be percent-encoded as "
                + StoreSpec.encode(String.valueOf(c))
                + " in a path or value",
        "a character that must be percent-encoded");
  }

  // Against the registry.

  static Problem unknownType(
      int at, String name, Optional<String> suggestion, List<String> failures) {
    return new Problem(
        at,
        w -> {
          StringBuilder out =
              new StringBuilder("unknown store type '")
                  .append(printable(name))
                  .append("' ")
                  .append(w.at(at))
                  .append("; known: ")
                  .append(w.knownTypes());
          suggestion.ifPresent(s -> out.append(" (did you mean '").append(s).append("'?)"));
          if (!failures.isEmpty()) {
            out.append("; ")
                .append(failures.size() == 1 ? "a provider" : failures.size() + " providers")
                .append(" failed to load: ")
                .append(String.join("; ", failures));
          }
          return out.toString();
        });
  }

  /**
   * {@code key} is not an option of {@code layer}. {@code advice} is filled in after the whole spec
   * is bound (it may quote the rewritten spec), so it is read when rendering.
   */
  static Problem optionNotAccepted(
      int at, String key, String layer, Collection<String> accepts, Message advice) {
    return new Problem(
        at,
        w ->
            "option '"
                + printable(key)
                + "' is not accepted by '"
                + layer
                + "' "
                + w.at(at)
                + "; "
                + layer
                + " accepts "
                + (accepts.isEmpty() ? "no options" : accepts.toString())
                + advice.render(w));
  }

  static Problem givenTwice(int at, String key, String layer) {
    return new Problem(at, w -> "'" + key + "' of '" + layer + "' " + w.at(at) + " is given twice");
  }

  static Problem inParenthesesAndQuery(int at, String key, String layer) {
    return new Problem(
        at,
        w ->
            "option '"
                + key
                + "' of '"
                + layer
                + "' "
                + w.at(at)
                + " is given both in parentheses and in the query");
  }

  static Problem badValue(int at, String key, String layer, String reason) {
    return new Problem(
        at, w -> "option '" + key + "' of '" + layer + "' " + w.at(at) + ": " + reason);
  }

  static Problem missingRoles(int at, String layer, List<String> roles, List<String> missing) {
    return new Problem(
        at,
        w ->
            "'"
                + layer
                + "' "
                + w.at(at)
                + " requires roles "
                + roles
                + "; missing: "
                + String.join(", ", missing));
  }

  static Problem unknownRole(
      int at, String key, String layer, List<String> roles, Optional<String> suggestion) {
    return new Problem(
        at,
        w ->
            "unknown role '"
                + printable(key)
                + "' of '"
                + layer
                + "' "
                + w.at(at)
                + "; "
                + layer
                + " has roles "
                + roles
                + suggestion.map(s -> " (did you mean '" + s + "'?)").orElse(""));
  }

  static Problem roleNeedsStore(int at, String role, String layer) {
    return new Problem(
        at,
        w ->
            "role '"
                + role
                + "' of '"
                + layer
                + "' "
                + w.at(at)
                + " needs a store, written type: or type(...)");
  }

  static Problem storeWithoutRole(int at, String layer, List<String> roles) {
    return new Problem(
        at,
        w ->
            "the store "
                + w.at(at)
                + " inside '"
                + layer
                + "(...)' needs a role: write role=store with a role of "
                + roles);
  }

  static Problem optionWithoutValue(int at, int end) {
    return new Problem(
        at,
        w ->
            "option '"
                + w.text(at, end)
                + "' "
                + w.at(at)
                + " has no value; in parentheses write "
                + w.text(at, end)
                + "=value");
  }

  /** A decorator without a child; {@code [at, end)} is the locator given instead, if any. */
  static Problem decoratorWithoutChild(int at, int end, String layer) {
    return new Problem(
        at,
        w ->
            "decorator '"
                + layer
                + "' "
                + w.at(at)
                + " has no child"
                + (at == end
                    ? ""
                    : "; '"
                        + w.text(at, end)
                        + "' is a locator, which only a"
                        + " leaf store takes")
                + "; write "
                + layer
                + ":<store>");
  }

  static Problem decoratorWithLocator(int at, int end, String layer) {
    return new Problem(
        at,
        w ->
            "decorator '"
                + layer
                + "' "
                + w.at(at)
                + " takes no locator;"
                + " '"
                + w.text(at, end)
                + "' is one, which only a leaf store takes");
  }

  static Problem childGivenTwice(int at, String layer) {
    return new Problem(
        at,
        w ->
            "decorator '"
                + layer
                + "' "
                + w.at(at)
                + " has its child given twice, as child= and after ':'");
  }

  static Problem leafWithChild(int at, String layer) {
    return new Problem(
        at,
        w ->
            "'"
                + layer
                + "' "
                + w.at(at)
                + " is a leaf store and takes"
                + " a locator, not a store; encode the first ':' of a path as %3A");
  }

  static Problem leafWithRole(int at, String role, String layer) {
    return new Problem(
        at,
        w ->
            "'"
                + layer
                + "' "
                + w.at(at)
                + " is a leaf store and takes"
                + " no store"
                + (role.isEmpty() ? " in parentheses" : " '" + printable(role) + "'"));
  }

  static Problem combinatorAfterColon(int at, String layer, List<String> roles) {
    return new Problem(
        at,
        w ->
            "combinator '"
                + layer
                + "' "
                + w.at(at)
                + " takes its stores by role in parentheses, not after ':'; write "
                + layer
                + "("
                + String.join(", ", roles.stream().map(r -> r + "=...").toArray(String[]::new))
                + ")");
  }

  /** {@code text} with anything that would not print replaced by its code point. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !paired(text, i)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static boolean paired(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }
}
