package dev.cairn.spi;

/** A ref name broke the rules of {@link RefName}. Nothing was read or written. */
public class InvalidRefNameException extends CairnException {
  private static final long serialVersionUID = 1L;

  private final String name;

  /**
   * Creates the exception.
   *
   * @param name the rejected name (may be {@code null})
   * @param reason which rule it broke
   */
  public InvalidRefNameException(String name, String reason) {
    super(String.format("invalid ref name %s: %s", Quote.of(name), reason));
    this.name = name;
  }

  /** The rejected name. */
  public String name() {
    return name;
  }
}
