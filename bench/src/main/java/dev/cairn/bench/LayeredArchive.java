package dev.cairn.bench;

import dev.cairn.disk.DiskBackend;
import dev.cairn.disk.DiskOptions;
import dev.cairn.lower.VolumeArchive;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Puts the layered stack in the state its garbage collection leaves: every other object of the
 * workload (the even-numbered ones) archived into the lower ({@code archive} then {@code swap}, one
 * generation) and compacted out of the upper. Reads through the stack then find half of the objects
 * in the upper and half in the lower, and absent keys are looked up in both.
 */
final class LayeredArchive implements Preparation {
  /** The upper's directory under the target's directory. */
  static final String UPPER = "upper";

  /** The lower's directory under the target's directory. */
  static final String LOWER = "lower";

  @Override
  public String prepare(Path directory, Workload workload) {
    Path upperDir = directory.resolve(UPPER);
    Set<Hash> archived = new HashSet<>();
    Archived done;
    Compaction.Result compacted;
    try (DiskBackend upper =
            DiskBackend.open(
                upperDir,
                DiskOptions.builder()
                    .fsync(DiskOptions.Fsync.ALWAYS)
                    .hashAlgorithm(HashAlgorithm.SHA256)
                    .build());
        VolumeArchive lower =
            VolumeArchive.builder(directory.resolve(LOWER))
                .hashAlgorithm(HashAlgorithm.SHA256)
                .open()) {
      if (lower.volumeNum() == 0) {
        lower.addVolume();
      }
      Iterator<ArchiveEntry> evenObjects =
          new Iterator<>() {
            private long next = 0;

            @Override
            public boolean hasNext() {
              return next < workload.count();
            }

            @Override
            public ArchiveEntry next() {
              if (!hasNext()) {
                throw new NoSuchElementException();
              }
              byte[] value = workload.value(next);
              next += 2;
              Hash hash = Hash.of(HashAlgorithm.SHA256, Workload.key(value));
              archived.add(hash);
              return new ArchiveEntry(hash, value);
            }
          };
      done = lower.archive(upperDir, 1, 0, evenObjects);
      lower.swap(done.volumeId(), 1, lower.volumeNum());
      compacted =
          upper
              .feature(Compaction.class)
              .orElseThrow(() -> new IllegalStateException("the disk store cannot compact"))
              .compact(hash -> !archived.contains(hash));
    }
    return done.objectCount()
        + " objects archived into the lower, upper compacted to "
        + compacted.kept()
        + " objects ("
        + compacted.dropped()
        + " dropped)";
  }
}
