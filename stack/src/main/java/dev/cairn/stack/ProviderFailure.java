package dev.cairn.stack;

import static java.util.Objects.requireNonNull;

import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ServiceConfigurationError;

/**
 * A {@link dev.cairn.spi.StoreFactory} provider that was found but could not be used: its class is
 * missing or fails to link, its constructor throws, or it describes itself wrongly. Remembered so
 * that the "unknown store type" error can name it. Compared by identity.
 */
final class ProviderFailure {
  private static final String SERVICE_PREFIX = dev.cairn.spi.StoreFactory.class.getName() + ": ";

  private final String description;

  ProviderFailure(String description) {
    this.description = requireNonNull(description, "description");
  }

  /** A failure {@link java.util.ServiceLoader} reported while looking for providers. */
  static ProviderFailure of(Throwable error) {
    String message = String.valueOf(error.getMessage());
    if (error instanceof ServiceConfigurationError) {
      if (message.startsWith(SERVICE_PREFIX)) {
        message = message.substring(SERVICE_PREFIX.length());
      }
      if (message.startsWith("Provider ")) {
        message = message.substring("Provider ".length());
      }
    } else {
      message = "a provider failed to link: " + error.getClass().getSimpleName() + ": " + message;
    }
    // The direct cause says what went wrong in the provider's own terms (a
    // NoClassDefFoundError rather than the ClassNotFoundException beneath it).
    Throwable cause = error.getCause();
    if (cause != null) {
      message +=
          " ("
              + cause.getClass().getSimpleName()
              + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
              + ")";
    }
    return new ProviderFailure(message);
  }

  /** A provider that loaded but whose description of itself cannot be used. */
  static ProviderFailure invalid(Class<?> provider, String problem) {
    return new ProviderFailure(provider.getName() + " (" + origin(provider) + ") " + problem);
  }

  /**
   * Where {@code type} was loaded from, for messages: the jar's file name, a directory's name, or
   * "unknown location".
   */
  static String origin(Class<?> type) {
    ProtectionDomain domain = type.getProtectionDomain();
    CodeSource source = domain == null ? null : domain.getCodeSource();
    URL location = source == null ? null : source.getLocation();
    if (location == null) {
      return "unknown location";
    }
    String path = location.getPath();
    while (path.endsWith("/") && path.length() > 1) {
      path = path.substring(0, path.length() - 1);
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.isEmpty() ? location.toString() : name;
  }

  @Override
  public String toString() {
    return description;
  }
}
