package dev.cairn.decorators;

import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreSpec;
import java.util.Map;

/** Finds the children a factory was given, for factories called without the stack's checks. */
final class Roles {
  private Roles() {}

  /**
   * The child under {@code role}.
   *
   * @throws StoreConfigurationException naming the store and the role if there is none
   */
  static Backend required(StoreSpec spec, Map<String, Backend> children, String role) {
    Backend child = children.get(role);
    if (child == null) {
      throw new StoreConfigurationException(
          String.format(
              "'%s' requires a child store for role '%s'; got roles %s",
              spec.name(), role, children.keySet()));
    }
    return child;
  }
}
