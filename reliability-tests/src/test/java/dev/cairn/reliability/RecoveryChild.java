package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.testkit.FaultyFileSystem;
import java.nio.file.Path;

/**
 * The child JVM of the crash-during-recovery family: opens {@link FullStack} on a directory, which
 * recovers it (the disk store's log, the lower's half-done archive), then closes it — all through a
 * {@link FaultyFileSystem} that halts the JVM, as kill -9 would, right before I/O operation number
 * k. Prints {@code STARTED}, then {@code OPENED n} and {@code CLOSED n} (n: the operations so far)
 * as it gets there; exits 0 if k was never reached, else {@link FaultyFileSystem#HALT_STATUS}.
 *
 * <p>Arguments: directory, k (0: never halt).
 */
public final class RecoveryChild {
  private RecoveryChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long haltAt = Long.parseLong(args[1]);
    System.out.println("STARTED");
    System.out.flush();
    try (FaultyFileSystem fs = FaultyFileSystem.create(haltAt)) {
      if (haltAt > 0) {
        fs.haltAtOperation(haltAt);
      }
      try (Backend store = FullStack.open(dir, fs)) {
        System.out.println("OPENED " + fs.operations());
        System.out.flush();
      }
      System.out.println("CLOSED " + fs.operations());
      System.out.flush();
    }
    System.exit(0);
  }
}
