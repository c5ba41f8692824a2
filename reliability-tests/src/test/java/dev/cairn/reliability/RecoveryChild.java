package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import java.nio.file.Path;

/**
 * The child JVM of the crash-during-recovery family: opens {@link FullStack} on a directory,
 * which recovers it (the disk store's log and the lower's half-done archive), then closes it.
 * Prints {@code STARTED}, {@code OPENED} and {@code CLOSED} as it gets there; exits 0.
 *
 * <p>Arguments: directory.
 */
public final class RecoveryChild {
  private RecoveryChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    System.out.println("STARTED");
    System.out.flush();
    try (Backend store = FullStack.open(dir)) {
      System.out.println("OPENED");
      System.out.flush();
    }
    System.out.println("CLOSED");
    System.out.flush();
    System.exit(0);
  }
}
