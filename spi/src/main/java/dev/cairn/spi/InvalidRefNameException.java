package dev.cairn.spi;

import org.jspecify.annotations.Nullable;

/** A ref name broke the rules of {@link RefName}. Nothing was read or written. */
public class InvalidRefNameException extends CairnException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String name;

  /**
   * Creates the exception.
   *
   * @param name the rejected name (may be {@code null})
   * @param reason which rule it broke
   */
  public InvalidRefNameException(@Nullable String name, String reason) {
    super(String.format("invalid ref name %s: %s", Quote.of(name), reason));
    this.name = name;
  }

  /** The rejected name, or {@code null} if none was given. */
  public @Nullable String name() {
    return name;
  }
}
