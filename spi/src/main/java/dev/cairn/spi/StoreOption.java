package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One option a {@link StoreFactory} declares: its name, what values it takes, its default, its
 * documentation, and whether it is sensitive (printed as {@code ****}). Immutable.
 *
 * <p>Values arrive as strings from a stack spec; {@link #parse(String)} turns one into a {@code T}
 * or throws {@link StoreConfigurationException} quoting the option and the value.
 *
 * @param <T> the type of the parsed value
 */
public final class StoreOption<T> {
  /** The option names may use: a lowercase letter, then lowercase letters, digits, '-'. */
  private final String name;

  private final String description;
  private final String type;
  private final @Nullable T defaultValue;
  private final Function<String, T> parser;
  private final boolean sensitive;

  private StoreOption(
      String name,
      String description,
      String type,
      @Nullable T defaultValue,
      Function<String, T> parser,
      boolean sensitive) {
    requireNonNull(name, "name");
    if (!StoreSpec.isKey(name)) {
      throw new IllegalArgumentException(
          "option name "
              + Quote.of(name)
              + " must be a lowercase letter then up to 63 of [a-z0-9-]");
    }
    this.name = name;
    this.description = requireNonNull(description, "description");
    this.type = requireNonNull(type, "type");
    this.defaultValue = defaultValue;
    this.parser = requireNonNull(parser, "parser");
    this.sensitive = sensitive;
  }

  /** A free-form string option; {@code defaultValue} may be null (no default). */
  public static StoreOption<String> string(
      String name, @Nullable String defaultValue, String description) {
    return new StoreOption<>(name, description, "string", defaultValue, s -> s, false);
  }

  /**
   * The option {@code mode}, spelled alike by every store that can be opened for reading only:
   * {@code read-write} (the default) or {@code read-only}. Read it with {@link
   * #isReadOnly(String)}.
   *
   * @param description what each mode means for the store, e.g. "read-write (one writer process) or
   *     read-only (beside a writer)"
   */
  public static StoreOption<String> mode(String description) {
    return choice("mode", "read-write", description, "read-write", "read-only");
  }

  /** Whether {@code mode}, a value of a {@link #mode} option, is {@code read-only}. */
  public static boolean isReadOnly(String mode) {
    return "read-only".equals(requireNonNull(mode, "mode"));
  }

  /** An option that takes one of {@code choices} (case-sensitive). */
  public static StoreOption<String> choice(
      String name, @Nullable String defaultValue, String description, String... choices) {
    String[] allowed = choices.clone();
    String type = "one of [" + String.join(", ", allowed) + "]";
    return new StoreOption<>(
        name,
        description,
        type,
        defaultValue,
        value -> {
          if (Arrays.asList(allowed).contains(value)) {
            return value;
          }
          throw new IllegalArgumentException("expected " + type);
        },
        false);
  }

  /**
   * The option {@code hash}: the algorithm that names a store's objects, with no default value,
   * since its absence means "the store's own" (that of an existing store; the store type's choice
   * for a new one). Read it with {@link StoreSpec#given} and turn the name into an algorithm with
   * {@link StoreContext#hashAlgorithm(String)}, which knows the algorithms plugins provide as well
   * and names the known ones when it is not one of them:
   *
   * <pre>{@code
   * HashAlgorithm algorithm = spec.given(HASH).map(context::hashAlgorithm)
   *     .orElse(existingStoresAlgorithmOr(HashAlgorithm.SHA256));
   * }</pre>
   *
   * <p>Its {@link #type()} lists the algorithms built in and installed where the SPI was loaded,
   * and says what its absence means. A value that is not an algorithm name (a lowercase letter,
   * then lowercase letters, digits and '-') is refused by {@link #parse}.
   *
   * @param description what the algorithm is for, e.g. "the hash algorithm of a new store"
   */
  public static StoreOption<String> hashAlgorithm(String description) {
    List<String> names = new ArrayList<>();
    HashAlgorithms.standard().all().forEach(algorithm -> names.add(algorithm.name()));
    String type =
        "a hash algorithm: one of ["
            + String.join(", ", names)
            + "] or one a plugin provides; default: the store's own";
    return new StoreOption<>(
        "hash",
        description,
        type,
        null,
        value -> {
          if (!value.matches("[a-z][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("expected " + type);
          }
          return value;
        },
        false);
  }

  /** A {@code true}/{@code false} option. */
  public static StoreOption<Boolean> bool(String name, boolean defaultValue, String description) {
    return new StoreOption<>(
        name,
        description,
        "true or false",
        defaultValue,
        value -> {
          switch (value) {
            case "true":
              return true;
            case "false":
              return false;
            default:
              throw new IllegalArgumentException("expected true or false");
          }
        },
        false);
  }

  /** A whole number in {@code [min, max]}. */
  public static StoreOption<Long> number(
      String name, long defaultValue, long min, long max, String description) {
    String type = "a whole number from " + min + " to " + max;
    return new StoreOption<>(
        name,
        description,
        type,
        defaultValue,
        value -> {
          long parsed;
          try {
            parsed = Long.parseLong(value.replace("_", ""));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + type);
          }
          if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("expected " + type);
          }
          return parsed;
        },
        false);
  }

  /**
   * A size in bytes in {@code [min, max]}, written as a number with an optional unit {@code k},
   * {@code m}, {@code g} (powers of 1024; {@code KiB}, {@code MiB}, {@code GiB} and {@code
   * KB}/{@code MB}/{@code GB} are read the same way).
   */
  public static StoreOption<Long> size(
      String name, long defaultValue, long min, long max, String description) {
    String type = "a size from " + min + " to " + max + " bytes (units k, m, g)";
    return new StoreOption<>(
        name,
        description,
        type,
        defaultValue,
        value -> {
          long parsed =
              parseSize(value).orElseThrow(() -> new IllegalArgumentException("expected " + type));
          if (parsed < min || parsed > max) {
            throw new IllegalArgumentException("expected " + type);
          }
          return parsed;
        },
        false);
  }

  private static Optional<Long> parseSize(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT).replace("_", "");
    long unit = 1;
    for (String[] suffix :
        new String[][] {
          {"kib", "1024"},
          {"mib", "1048576"},
          {"gib", "1073741824"},
          {"kb", "1024"},
          {"mb", "1048576"},
          {"gb", "1073741824"},
          {"k", "1024"},
          {"m", "1048576"},
          {"g", "1073741824"},
          {"b", "1"}
        }) {
      if (v.endsWith(suffix[0])) {
        v = v.substring(0, v.length() - suffix[0].length()).trim();
        unit = Long.parseLong(suffix[1]);
        break;
      }
    }
    try {
      return Optional.of(Math.multiplyExact(Long.parseLong(v), unit));
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** A copy of this option that is sensitive: its values print as {@code ****}. */
  public StoreOption<T> asSensitive() {
    return new StoreOption<>(name, description, type, defaultValue, parser, true);
  }

  /** The option's name in specs, e.g. {@code "capacity"}. */
  public String name() {
    return name;
  }

  /** What the option does, for listings and help. */
  public String description() {
    return description;
  }

  /** What values it takes, e.g. {@code "one of [always, batch, never]"}. */
  public String type() {
    return type;
  }

  /** The value used when a spec does not give one, if any. */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** Whether values are secrets, masked in every printed form. */
  public boolean isSensitive() {
    return sensitive;
  }

  /**
   * Parses a value.
   *
   * @throws StoreConfigurationException quoting the option and the value (masked if sensitive) if
   *     it is not acceptable
   */
  public T parse(String value) {
    requireNonNull(value, "value");
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new StoreConfigurationException(
          String.format(
              "bad value %s for option '%s': %s",
              sensitive ? StoreSpec.MASK : Quote.of(value), name, e.getMessage()));
    }
  }

  /** {@code value} as it may be printed: itself, or {@code ****} if sensitive. */
  public String display(String value) {
    return sensitive ? StoreSpec.MASK : value;
  }

  @Override
  public String toString() {
    return name + " (" + type + defaultValue().map(d -> ", default " + d).orElse("") + ")";
  }
}
