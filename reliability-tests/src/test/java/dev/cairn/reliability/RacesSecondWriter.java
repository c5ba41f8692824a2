package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.stack.Cairn;

/**
 * A second writer JVM (family 7): opens the spec {@code args[0]} read-write and prints one line,
 * {@code OPENED} (then closes it) or {@code REFUSED <exception class> <message>}.
 */
final class RacesSecondWriter {
  private RacesSecondWriter() {}

  public static void main(String[] args) {
    try (Backend store = Cairn.open(args[0])) {
      store.listRefs(); // the store is usable, not just constructed
      System.out.println("OPENED");
    } catch (CairnException e) {
      System.out.println("REFUSED " + e.getClass().getName() + " " + e.getMessage());
    }
    System.out.flush();
  }
}
