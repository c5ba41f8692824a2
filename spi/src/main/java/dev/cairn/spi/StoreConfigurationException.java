package dev.cairn.spi;

/**
 * A store could not be built from its description: an option value is malformed, a required option
 * or locator is missing, an existing store conflicts with what was asked. Nothing stored was
 * changed.
 */
public class StoreConfigurationException extends CairnException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the store, the option and the bad value. */
  public StoreConfigurationException(String message) {
    super(message);
  }

  /** Same as {@link #StoreConfigurationException(String)}, with the underlying cause. */
  public StoreConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
