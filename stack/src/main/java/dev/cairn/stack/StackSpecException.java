package dev.cairn.stack;

import dev.cairn.spi.StoreConfigurationException;
import java.util.List;

/**
 * A stack spec, or the set of store types it is read against, is wrong. Carries every problem
 * found, not only the first: each names its position in the spec, what is known there (store types,
 * options, roles) and, where one is close, the name probably meant. Values of sensitive options
 * never appear in a message; they print as {@code ****}.
 *
 * <p>A {@link StoreConfigurationException}: like the errors a factory raises for a bad option
 * value, it means the store could not be built from its description and nothing stored was touched,
 * so a caller handles both the same way.
 */
public final class StackSpecException extends StoreConfigurationException {
  private static final long serialVersionUID = 1L;

  /** The problems, in the order of their positions in the spec. */
  private final List<String> problems;

  StackSpecException(List<String> problems) {
    this(problems, false);
  }

  /** One problem a factory reported as {@code cause}. */
  StackSpecException(List<String> problems, Throwable cause) {
    super(message(problems, false), cause);
    this.problems = List.copyOf(problems);
  }

  /** {@code more}: the spec has more problems than {@code problems} lists. */
  StackSpecException(List<String> problems, boolean more) {
    super(message(problems, more));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<String> problems, boolean more) {
    if (problems.size() == 1 && !more) {
      return problems.get(0);
    }
    return problems.size()
        + (more ? " problems, and more not listed:" : " problems:")
        + "\n  "
        + String.join("\n  ", problems);
  }

  /**
   * Each problem's message, in the order of their positions in the spec; never empty. A spec with
   * very many problems lists only the first twenty (the message says there are more).
   */
  public List<String> problems() {
    return problems;
  }
}
