package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a {@link PackWriter} stores its records: the value of a store's {@code compression=} option.
 * Whatever is chosen, a record is stored raw where compressing it does not make it smaller, and
 * every reader decodes every codec, so one pack (or store) can hold both.
 */
public enum Compression {
  /** Every record raw. */
  NONE("none"),
  /** Each record compressed with zstd on its own. */
  ZSTD("zstd"),
  /**
   * zstd, with a dictionary trained from the pack's first objects and stored in the pack when it
   * saves more than it costs (small objects compress several times better with one): the default.
   */
  AUTO("auto");

  private final String optionValue;

  Compression(String optionValue) {
    this.optionValue = optionValue;
  }

  /** The default of a store's {@code compression=} option: {@link #AUTO}. */
  public static Compression defaultValue() {
    return AUTO;
  }

  /**
   * The compression named {@code value} ({@code none}, {@code zstd} or {@code auto}, any case).
   *
   * @throws IllegalArgumentException naming the value and the known ones if it is none of them
   */
  public static Compression parse(String value) {
    requireNonNull(value, "value");
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    for (Compression c : values()) {
      if (c.optionValue.equals(wanted)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "unknown compression '"
            + value
            + "'; known: "
            + Arrays.stream(values())
                .map(Compression::optionValue)
                .collect(Collectors.joining(", ")));
  }

  /** The option value that names this compression, e.g. {@code "zstd"}. */
  public String optionValue() {
    return optionValue;
  }
}
