package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.IntegrityCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 6: a {@code mode=read-only} follower beside a writer that compacts. Files the
 * compaction deletes are no damage: the follower opens, reloads and verifies from one snapshot,
 * reports only real damage, and never sees a ref whose target it cannot read.
 */
class FollowerBesideCompactionTest {
  private static final DiskOptions WRITER =
      DiskOptions.builder().segmentSize(DiskOptions.MIN_SEGMENT_SIZE).build();
  private static final DiskOptions FOLLOWER = WRITER.toBuilder().readOnly(true).build();

  @TempDir Path dir;

  @Test
  void verifyOnAFollowerWhoseSegmentsWereCompactedAwayReportsNoDamage() {
    try (DiskBackend writer = DiskBackend.open(dir, WRITER)) {
      Hash kept = fill(writer, 0, 200);
      writer.flush();
      try (DiskBackend follower = DiskBackend.open(dir, FOLLOWER)) {
        writer.compact(kept::equals); // deletes every segment the follower has mapped
        List<CorruptionException> found = new ArrayList<>();
        IntegrityCheck.Summary summary = follower.checkIntegrity(found::add);
        assertThat(found).isEmpty();
        assertThat(summary.damaged()).isZero();
        assertThat(follower.read(kept)).isPresent();
      }
    }
  }

  @Test
  void aFollowerBesideACompactingWriterOpensVerifiesAndSeesOnlyReadableRefTargets()
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    List<String> violations = new ArrayList<>();
    int opens = 0;
    int reloads = 0;
    try (DiskBackend writer = DiskBackend.open(dir, WRITER)) {
      writer.setRef("refs/heads/main", fill(writer, 0, 50));
      Thread writing =
          new Thread(
              () -> {
                try {
                  for (int round = 1; !stop.get(); round++) {
                    Hash head = fill(writer, round * 50, 50);
                    writer.setRef("refs/heads/main", head);
                    writer.compact(head::equals); // drops what the ref no longer names
                  }
                } catch (Throwable t) {
                  writerFailure.set(t);
                }
              },
              "compacting writer");
      writing.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      try {
        while (System.nanoTime() < deadline && writerFailure.get() == null) {
          try (DiskBackend follower = DiskBackend.open(dir, FOLLOWER)) {
            opens++;
            for (int i = 0; i < 5; i++) {
              follower.reload();
              reloads++;
              Optional<Hash> head = follower.getRef("refs/heads/main");
              if (head.isEmpty() || follower.read(head.get()).isEmpty()) {
                violations.add(
                    "reload "
                        + reloads
                        + ": ref names "
                        + head
                        + ", which the follower cannot read");
              }
            }
            int open = opens;
            follower.checkIntegrity(
                d -> violations.add("verify after open " + open + ": " + d.getMessage()));
          } catch (RuntimeException e) {
            violations.add("open " + opens + ": " + e);
          }
        }
      } finally {
        stop.set(true);
        writing.join(30_000);
      }
    }
    assertThat(writerFailure.get()).isNull();
    assertThat(violations.subList(0, Math.min(10, violations.size()))).isEmpty();
    assertThat(opens).as("follower opens").isGreaterThan(5);
    System.out.printf(
        "follower beside compaction: %d opens, %d reloads, 0 violations%n", opens, reloads);
  }

  /** Puts {@code count} objects of about 100 bytes; the last one's hash. */
  private static Hash fill(DiskBackend store, int from, int count) {
    Hash last = null;
    for (int i = from; i < from + count; i++) {
      last = store.put(("object " + i + " ").repeat(10).getBytes(StandardCharsets.UTF_8));
    }
    return last;
  }
}
