package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One node of a parsed stack spec: the store type's name, its options, and either a locator (a leaf
 * such as {@code disk:/var/cairn}) or children by role (a decorator's single child under {@link
 * #CHILD}, a combinator's named roles). Immutable.
 *
 * <p>{@link #toString()} prints the canonical form of the stack-spec grammar: leaf options as a
 * {@code ?query}, other options in parentheses, reserved characters percent-encoded, and the values
 * of {@linkplain #withSensitiveOptions sensitive} options as {@code ****}. Equality ignores which
 * options are sensitive and the order of options and children.
 *
 * <p>The static factories throw {@link IllegalArgumentException} for what the canonical form could
 * not print and read back: a store type, option name or role that is not a name, a key that is both
 * an option and a role, or a locator or value with an unpaired surrogate.
 */
public final class StoreSpec {
  /** The role of a decorator's only child: {@code cache:memory:} has a {@code "child"}. */
  public static final String CHILD = "child";

  /** What every printed spec shows instead of the value of a sensitive option. */
  public static final String MASK = "****";

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,31}");
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]{0,63}");
  private static final int MAX_NAME = 32;

  private final String name;
  private final @Nullable String locator;
  private final Map<String, String> options;
  private final Map<String, StoreSpec> children;
  private final Set<String> sensitiveOptions;

  private StoreSpec(
      String name,
      @Nullable String locator,
      Map<String, String> options,
      Map<String, StoreSpec> children,
      Set<String> sensitiveOptions) {
    requireNonNull(name, "name");
    if (!isStoreTypeName(name)) {
      throw new IllegalArgumentException(
          String.format(
              "store type name %s must be a lowercase letter then 1 to 31 of [a-z0-9-]",
              Quote.of(name)));
    }
    this.name = name;
    this.locator = wellFormed("locator", locator);
    options.forEach(
        (k, v) -> {
          key("option name", k);
          wellFormed("value of option " + k, requireNonNull(v, () -> "value of option " + k));
        });
    this.options = Collections.unmodifiableMap(new TreeMap<>(options));
    children.forEach(
        (k, v) -> {
          key("role", k);
          requireNonNull(v, () -> "child for role " + k);
          if (options.containsKey(k)) {
            // The canonical form prints both in one parenthesis; the key would read as given twice.
            throw new IllegalArgumentException(
                String.format("%s is both an option and a role of '%s'", Quote.of(k), name));
          }
        });
    this.children = Collections.unmodifiableMap(new LinkedHashMap<>(children));
    this.sensitiveOptions = Set.copyOf(sensitiveOptions);
  }

  /** Option and role names are printed as they are, so they must read back as names. */
  private static void key(String what, String key) {
    requireNonNull(key, what);
    if (!isKey(key)) {
      throw new IllegalArgumentException(
          String.format(
              "%s %s must be a lowercase letter then up to 63 of [a-z0-9-]", what, Quote.of(key)));
    }
  }

  /**
   * Text of a spec is UTF-8 once printed; an unpaired surrogate has no UTF-8 form, so a spec
   * holding one could not be printed and read back.
   */
  private static @Nullable String wellFormed(String what, @Nullable String text) {
    if (text == null) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            String.format("%s %s has an unpaired surrogate at index %d", what, Quote.of(text), i));
      }
    }
    return text;
  }

  /** A leaf: a store with no children, a locator (may be {@code null}) and options. */
  public static StoreSpec leaf(String name, @Nullable String locator, Map<String, String> options) {
    return new StoreSpec(name, locator, options, Map.of(), Set.of());
  }

  /** A decorator: a store with options over one child. */
  public static StoreSpec decorator(String name, Map<String, String> options, StoreSpec child) {
    return new StoreSpec(
        name, null, options, Map.of(CHILD, requireNonNull(child, "child")), Set.of());
  }

  /** A combinator: a store with options over children by role, in the roles' order. */
  public static StoreSpec combinator(
      String name, Map<String, String> options, Map<String, StoreSpec> children) {
    return new StoreSpec(name, null, options, children, Set.of());
  }

  /** This spec with the given options printed as {@code ****}. */
  public StoreSpec withSensitiveOptions(Set<String> names) {
    return new StoreSpec(name, locator, options, children, names);
  }

  /** The store type, e.g. {@code "disk"}. */
  public String name() {
    return name;
  }

  /** The leaf's locator (a path, a name), decoded; empty for {@code memory:} and non-leaves. */
  public Optional<String> locator() {
    return Optional.ofNullable(locator).filter(l -> !l.isEmpty());
  }

  /** The options as given, decoded, by name. */
  public Map<String, String> options() {
    return options;
  }

  /** The children by role; a decorator's only child is under {@link #CHILD}. */
  public Map<String, StoreSpec> children() {
    return children;
  }

  /** Whether this node has no children. */
  public boolean isLeaf() {
    return children.isEmpty();
  }

  /**
   * The value of {@code option}: the given one parsed, else its default.
   *
   * @throws StoreConfigurationException if the value is malformed, or absent with no default
   */
  public <T> T get(StoreOption<T> option) {
    return given(option)
        .orElseGet(
            () ->
                option
                    .defaultValue()
                    .orElseThrow(
                        () ->
                            new StoreConfigurationException(
                                String.format(
                                    "'%s' requires option '%s' (%s)",
                                    name, option.name(), option.type()))));
  }

  /**
   * The value of {@code option} if the spec gives it, parsed; empty if it does not (its default is
   * not used). For an option whose absence means something of its own, such as {@link
   * StoreOption#hashAlgorithm} ("the store's own"), or to tell a default from the same value given.
   *
   * @throws StoreConfigurationException if the given value is malformed
   */
  public <T> Optional<T> given(StoreOption<T> option) {
    requireNonNull(option, "option");
    String raw = options.get(option.name());
    if (raw == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(option.parse(raw));
    } catch (StoreConfigurationException e) {
      throw new StoreConfigurationException("in '" + name + "': " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof StoreSpec)) {
      return false;
    }
    StoreSpec s = (StoreSpec) o;
    return name.equals(s.name)
        && locator().equals(s.locator())
        && options.equals(s.options)
        && children.equals(s.children);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, locator(), options, children);
  }

  /** The canonical form, with sensitive values masked. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(name);
    if (isLeaf()) {
      out.append(':');
      String path = locator == null ? "" : encode(locator);
      if (startsLikeTerm(path, 0, path.length())) {
        // Keep a path such as "ab:c" from reading as a child term "ab:".
        int colon = path.indexOf(':');
        int paren = path.indexOf('(');
        int at = colon < 0 ? paren : paren < 0 ? colon : Math.min(colon, paren);
        path =
            path.substring(0, at)
                + (path.charAt(at) == ':' ? "%3A" : "%28")
                + path.substring(at + 1);
      }
      out.append(path);
      String separator = "?";
      for (Map.Entry<String, String> option : options.entrySet()) {
        out.append(separator).append(option.getKey()).append('=').append(value(option));
        separator = "&";
      }
      return out.toString();
    }
    boolean decorator = children.size() == 1 && children.containsKey(CHILD);
    if (!options.isEmpty() || !decorator) {
      out.append('(');
      String separator = "";
      for (Map.Entry<String, String> option : options.entrySet()) {
        out.append(separator).append(option.getKey()).append('=').append(value(option));
        separator = ", ";
      }
      if (!decorator) {
        for (Map.Entry<String, StoreSpec> child : children.entrySet()) {
          out.append(separator).append(child.getKey()).append('=').append(child.getValue());
          separator = ", ";
        }
      }
      out.append(')');
    }
    if (decorator) {
      out.append(':').append(children.get(CHILD));
    }
    return out.toString();
  }

  private String value(Map.Entry<String, String> option) {
    return sensitiveOptions.contains(option.getKey()) ? MASK : encode(option.getValue());
  }

  // The lexical rules of the stack-spec grammar: the one place that defines them, for this
  // class's canonical form, the parser in cairn-stack and StoreOption's names.

  /** Whether {@code name} is a store type's name: a lowercase letter, then 1 to 31 of [a-z0-9-]. */
  public static boolean isStoreTypeName(String name) {
    return NAME.matcher(name).matches();
  }

  /**
   * Whether {@code key} is an option or role name: a lowercase letter, then up to 63 of [a-z0-9-].
   */
  public static boolean isKey(String key) {
    return KEY.matcher(key).matches();
  }

  /**
   * Whether the code point {@code c} may not appear as itself in a path or value: {@code % ( ) , ?
   * & = #}, white space and control characters. The canonical form encodes exactly these, plus
   * unpaired surrogates (which have no UTF-8 form at all).
   */
  public static boolean mustBeEncoded(int c) {
    if (c < 0x80) {
      return c <= 0x20 || c == 0x7f || "%(),?&=#".indexOf(c) >= 0;
    }
    return Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c);
  }

  /**
   * Whether {@code text[from, to)} starts with {@code name:} or {@code name(} (white space may come
   * before the parenthesis) for a well-formed store type name. This alone decides whether what
   * follows a colon is a child store or a locator, which is why {@link #toString()} escapes a
   * locator's first colon or parenthesis where the locator would start like this.
   */
  public static boolean startsLikeTerm(CharSequence text, int from, int to) {
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
    while (i < to && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i < to && text.charAt(i) == '(';
  }

  private static boolean isNameChar(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-';
  }

  /**
   * {@code text} percent-encoded as the canonical form prints paths and values: every code point
   * that {@linkplain #mustBeEncoded must be encoded}, and unpaired surrogates, as UTF-8 bytes
   * {@code %XX}; the rest as itself.
   */
  public static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            cp -> {
              boolean reserved =
                  mustBeEncoded(cp)
                      || cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE;
              if (!reserved) {
                out.appendCodePoint(cp);
                return;
              }
              for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
              }
            });
    return out.toString();
  }
}
