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

/**
 * One node of a parsed stack spec: the store type's name, its options, and either a locator
 * (a leaf such as {@code disk:/var/cairn}) or children by role (a decorator's single child
 * under {@link #CHILD}, a combinator's named roles). Immutable.
 *
 * <p>{@link #toString()} prints the canonical form of the stack-spec grammar: leaf options as a
 * {@code ?query}, other options in parentheses, reserved characters percent-encoded, and the
 * values of {@linkplain #withSensitiveOptions sensitive} options as {@code ****}. Equality
 * ignores which options are sensitive and the order of options and children.
 */
public final class StoreSpec {
  /** The role of a decorator's only child: {@code cache:memory:} has a {@code "child"}. */
  public static final String CHILD = "child";

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,31}");
  private static final Pattern LOOKS_LIKE_TERM = Pattern.compile("^[a-z][a-z0-9-]{1,31}[:(].*",
      Pattern.DOTALL);

  private final String name;
  private final String locator;
  private final Map<String, String> options;
  private final Map<String, StoreSpec> children;
  private final Set<String> sensitiveOptions;

  private StoreSpec(
      String name, String locator, Map<String, String> options, Map<String, StoreSpec> children,
      Set<String> sensitiveOptions) {
    requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(String.format(
          "store type name %s must be a lowercase letter then 1 to 31 of [a-z0-9-]",
          Quote.of(name)));
    }
    this.name = name;
    this.locator = locator;
    this.options = Collections.unmodifiableMap(new TreeMap<>(options));
    this.options.forEach((k, v) -> {
      requireNonNull(k, "option name");
      requireNonNull(v, () -> "value of option " + k);
    });
    this.children = Collections.unmodifiableMap(new LinkedHashMap<>(children));
    this.children.forEach((k, v) -> {
      requireNonNull(k, "role");
      requireNonNull(v, () -> "child for role " + k);
    });
    this.sensitiveOptions = Set.copyOf(sensitiveOptions);
  }

  /** A leaf: a store with no children, a locator (may be {@code null}) and options. */
  public static StoreSpec leaf(String name, String locator, Map<String, String> options) {
    return new StoreSpec(name, locator, options, Map.of(), Set.of());
  }

  /** A decorator: a store with options over one child. */
  public static StoreSpec decorator(String name, Map<String, String> options, StoreSpec child) {
    return new StoreSpec(name, null, options, Map.of(CHILD, requireNonNull(child, "child")),
        Set.of());
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
    requireNonNull(option, "option");
    String raw = options.get(option.name());
    if (raw == null) {
      return option.defaultValue().orElseThrow(() -> new StoreConfigurationException(
          String.format("'%s' requires option '%s' (%s)", name, option.name(), option.type())));
    }
    try {
      return option.parse(raw);
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
    return name.equals(s.name) && locator().equals(s.locator()) && options.equals(s.options)
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
      if (LOOKS_LIKE_TERM.matcher(path).matches()) {
        // Keep a path such as "ab:c" from reading as a child term "ab:".
        int colon = path.indexOf(':');
        int paren = path.indexOf('(');
        int at = colon < 0 ? paren : paren < 0 ? colon : Math.min(colon, paren);
        path = path.substring(0, at) + (path.charAt(at) == ':' ? "%3A" : "%28")
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
    return sensitiveOptions.contains(option.getKey()) ? "****" : encode(option.getValue());
  }

  /**
   * Percent-encodes what the grammar reserves in paths and values: {@code % ( ) , ? & = #},
   * white space and control characters, as UTF-8.
   */
  static String encode(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> {
      boolean reserved = cp < 0x80
          ? cp <= 0x20 || cp == 0x7f || "%(),?&=#".indexOf(cp) >= 0
          : Character.isWhitespace(cp) || Character.isISOControl(cp)
              || Character.isSpaceChar(cp) || cp >= Character.MIN_SURROGATE
              && cp <= Character.MAX_SURROGATE;
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
