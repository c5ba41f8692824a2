package dev.cairn.gc;

import dev.cairn.decorators.LayeredStore;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.HashAlgorithm;
import java.nio.file.Path;

/**
 * Runs one collection of {@code layered(upper=disk:<root>/upper, lower=lower:<root>/lower)} in a
 * child JVM, printing each phase as it begins; at the phase named by the second argument it prints
 * {@code PAUSED} and waits to be killed.
 */
public final class GcCrashChild {
  private GcCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String pauseAt = args[1];
    try (LayeredStore stack = Stacks.archived(root, HashAlgorithm.SHA256)) {
      Stacks.gc(stack)
          .gc(
              GcOptions.defaults()
                  .withListener(
                      phase -> {
                        System.out.println(phase.name());
                        System.out.flush();
                        if (phase.name().equals(pauseAt)) {
                          System.out.println("PAUSED");
                          System.out.flush();
                          try {
                            Thread.sleep(Long.MAX_VALUE);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }
                      }));
      System.out.println("DONE");
      System.out.flush();
    }
  }
}
