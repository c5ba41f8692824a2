package dev.cairn.stack;

import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import java.util.List;

/**
 * Fakes with public no-argument constructors, as {@link java.util.ServiceLoader} needs, for the
 * tests that go through {@link Cairn}'s class-loader entry points.
 */
public final class PublicFakes {
  private PublicFakes() {}

  /** A {@code memory:} leaf. */
  public static final class Memory extends Fakes.Factory {
    public Memory() {
      super("memory", StoreFactory.Shape.LEAF, List.of(), List.of(), Fakes.newLog());
    }
  }

  /** A {@code cache(capacity=…)} decorator. */
  public static final class Cache extends Fakes.Factory {
    public Cache() {
      super(
          "cache",
          StoreFactory.Shape.DECORATOR,
          List.of(),
          List.of(
              StoreOption.number("capacity", 10_000, 1, Long.MAX_VALUE, "Entries kept."),
              StoreOption.string("token", null, "An access token.").asSensitive()),
          Fakes.newLog());
    }
  }
}
