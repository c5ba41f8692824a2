package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.Hash;
import dev.cairn.spi.LinkExtractor;
import dev.cairn.stack.Cairn;

/**
 * A writer JVM for the families "deleted lock files" and "shared archives": opens the spec {@code
 * args[0]} read-write and, for {@code args[2]} seconds, puts the numbered objects {@link
 * RacesWriter#object} from {@code args[1]} on, pointing {@code refs/heads/w<first>} at every tenth
 * and, if the stack collects garbage, collecting every 200 objects. Prints {@code READY} once open,
 * {@code ACK i} after each put returned and {@code REF i} after each ref change; when a write is
 * refused it prints {@code STOPPED <exception class> <message>} and stops writing. Then it closes
 * the store and prints {@code DONE}.
 */
final class LockLossWriter {
  private LockLossWriter() {}

  /** The ref a writer starting at object {@code first} moves. */
  static String refName(long first) {
    return "refs/heads/w" + first;
  }

  public static void main(String[] args) {
    String spec = args[0];
    long first = Long.parseLong(args[1]);
    long deadline = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
    try (Backend store = Cairn.open(spec)) {
      System.out.println("READY");
      System.out.flush();
      try {
        for (long i = first; System.nanoTime() < deadline; i++) {
          Hash hash = store.put(RacesWriter.object(i));
          System.out.println("ACK " + i);
          if (i % 10 == 0) {
            store.setRef(refName(first), hash);
            System.out.println("REF " + i);
          }
          if (i % 200 == 199) {
            store
                .feature(GarbageCollection.class)
                .ifPresent(gc -> gc.gc(GcOptions.defaults().withLinks(LinkExtractor.none())));
          }
        }
      } catch (CairnException e) {
        System.out.println("STOPPED " + e.getClass().getName() + " " + e.getMessage());
      }
      System.out.flush();
    } catch (CairnException e) {
      System.out.println("CLOSE " + e.getClass().getName() + " " + e.getMessage());
    }
    System.out.println("DONE");
    System.out.flush();
  }
}
