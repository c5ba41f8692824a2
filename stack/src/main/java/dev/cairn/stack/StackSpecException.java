package dev.cairn.stack;

import dev.cairn.spi.StoreConfigurationException;
import java.util.List;

/**
 * A stack spec, or the set of store types it is read against, is wrong. Carries every problem
 * found, not only the first: each names its position in the spec, what is known there (store
 * types, options, roles) and, where one is close, the name probably meant. Values of sensitive
 * options never appear in a message; they print as {@code ****}.
 *
 * <p>A {@link StoreConfigurationException}: like the errors a factory raises for a bad option
 * value, it means the store could not be built from its description and nothing stored was
 * touched, so a caller handles both the same way.
 */
public final class StackSpecException extends StoreConfigurationException {
  private static final long serialVersionUID = 1L;

  /** The problems, in the order of their positions in the spec. */
  private final List<String> problems;

  StackSpecException(List<String> problems) {
    this(problems, problems.size());
  }

  /** {@code problems} lists the first of {@code total}, and then how many more there are. */
  StackSpecException(List<String> problems, int total) {
    super(message(problems, total));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<String> problems, int total) {
    if (problems.size() == 1) {
      return problems.get(0);
    }
    return total + " problems:\n  " + String.join("\n  ", problems);
  }

  /**
   * Each problem's message, in the order of their positions in the spec; never empty. A spec
   * with very many problems lists the first ones and then how many more there are.
   */
  public List<String> problems() {
    return problems;
  }
}
