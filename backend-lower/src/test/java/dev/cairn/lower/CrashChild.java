package dev.cairn.lower;

import dev.cairn.spi.volume.Archived;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process {@link CrashTest} kills: archives and swaps generation 2 (or makes the first volume
 * with createFrom), and at the given occurrence of the given step prints {@code CRASH-POINT} and
 * waits to be killed.
 */
public final class CrashChild {
  private CrashChild() {}

  /** Arguments: root, step, occurrence, and for createFrom: src, dead header size, size. */
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String step = args[1];
    int occurrence = Integer.parseInt(args[2]);
    AtomicInteger seen = new AtomicInteger();
    ArchiveSteps.listen(
        reached -> {
          if (reached.equals(step) && seen.incrementAndGet() == occurrence) {
            System.out.println("CRASH-POINT " + reached);
            System.out.flush();
            try {
              Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    if (args.length > 3) {
      try (VolumeArchive lower = VolumeArchive.open(root, 0, false)) {
        lower.createFrom(Path.of(args[3]), Integer.parseInt(args[4]), Long.parseLong(args[5]));
      }
      System.out.println("FINISHED");
      return;
    }
    try (VolumeArchive lower = VolumeArchive.open(root, 1, false)) {
      Archived archived =
          lower.archive(root, 2, lower.volumes().get(0).endOffset(), CrashTest.second().iterator());
      lower.swap(archived.volumeId(), 2, 1);
    }
    System.out.println("FINISHED");
  }
}
