package dev.cairn.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.stack.Cairn;
import dev.cairn.storage.DirectoryLock;
import dev.cairn.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The families "deleted lock files" and "shared archives" (issue 19, items 2 and 3): writer JVMs
 * ({@link LockLossWriter}) on one directory. A cleaner deletes the live writer's {@code LOCK}; a
 * second writer JVM gets in (nothing on disk says the store is held), and the first must stop at
 * its next commit, so that everything either acknowledged is there afterwards and a verify finds no
 * damage. Two layered stacks sharing one {@code lower:} archive: the second is refused while the
 * first runs, and let in once it was killed; nothing acknowledged by either (their collections
 * archive into the shared lower) is lost.
 *
 * <p>Bounded in CI (a few seconds of writing per run); {@code -Pfull} writes longer.
 */
@Tag("reliability")
class LockLossTwoJvmTest {
  private static final int SECONDS = Budget.scale("cairn.locks.seconds", 3, 30);
  private static final long SECOND_FIRST = 1_000_000;

  @TempDir Path temp;

  @Test
  void aWriterWhoseLockFileIsDeletedStopsAndNothingEitherAcknowledgedIsLost() throws Exception {
    Path directory = temp.resolve("store");
    String spec = "disk:" + directory + "?segment-size=64k";
    Figures figures = Figures.of("deleted lock files: writer, cleaner, second writer");
    ChildJvm first = ChildJvm.start(ChildJvm.command(LockLossWriter.class, spec, "0", "600"));
    ChildJvm second = null;
    try {
      assertTrue(first.awaitReady(60), "the first writer did not start");
      awaitAcks(first, 200);
      Files.delete(directory.resolve(DirectoryLock.FILE_NAME)); // the /tmp cleaner
      second =
          ChildJvm.start(
              ChildJvm.command(
                  LockLossWriter.class,
                  spec,
                  Long.toString(SECOND_FIRST),
                  Integer.toString(SECONDS)));
      assertTrue(second.awaitReady(60), "the second writer did not open: " + lines(second));
      assertTrue(second.process().waitFor(120, TimeUnit.SECONDS), "the second writer hung");
      assertTrue(
          first.process().waitFor(60, TimeUnit.SECONDS),
          "the first writer went on writing beside the second: " + tail(first));
      List<String> firstLines = first.finish();
      List<String> secondLines = second.finish();
      String stopped =
          firstLines.stream().filter(l -> l.startsWith("STOPPED ")).findFirst().orElse("(none)");
      assertTrue(
          stopped.contains(DirectoryLock.LostException.class.getName())
              && stopped.contains("was deleted"),
          "why the first writer stopped: " + stopped);
      assertEquals("DONE", secondLines.get(secondLines.size() - 1), "the second writer's end");
      figures
          .add("first writer acknowledgements", acks(firstLines).size())
          .add("second writer acknowledgements", acks(secondLines).size());
      List<String> lost = new ArrayList<>();
      try (Backend store = Cairn.open(spec + "&verify=true")) {
        lost.addAll(missing(store, firstLines, 0, false));
        lost.addAll(missing(store, secondLines, SECOND_FIRST, false));
        IntegrityCheck.Summary summary =
            store
                .feature(IntegrityCheck.class)
                .orElseThrow()
                .checkIntegrity(d -> lost.add("damage: " + d.getMessage()));
        figures.add("objects verified", summary.objects());
      }
      figures.add("lost or damaged", lost.size());
      assertEquals(List.of(), lost.subList(0, Math.min(20, lost.size())));
      assertTrue(acks(secondLines).size() > 100, "the second writer wrote too little");
    } finally {
      kill(first);
      kill(second);
      figures.add("runs", 1).report();
    }
  }

  @Test
  void aSecondStackSharingTheArchiveIsRefusedAndNothingAcknowledgedIsLost() throws Exception {
    Path lower = temp.resolve("lower");
    String specA =
        "layered(upper=disk:" + temp.resolve("a") + "?segment-size=64k, lower=lower:" + lower + ")";
    String specB =
        "layered(upper=disk:" + temp.resolve("b") + "?segment-size=64k, lower=lower:" + lower + ")";
    Figures figures = Figures.of("shared archives: two layered stacks, one lower");
    ChildJvm a = ChildJvm.start(ChildJvm.command(LockLossWriter.class, specA, "0", "600"));
    try {
      assertTrue(a.awaitReady(60), "the first stack did not start");
      awaitAcks(a, 250); // past its first collection into the archive
      String beside = RacesTwoJvmTest.secondWriter(specB);
      assertTrue(
          beside.startsWith("REFUSED " + DirectoryLock.LockedException.class.getName())
              && beside.contains("archive lower:" + lower)
              && beside.contains("locked by another process"),
          "a second stack: " + beside);
      figures.add("second stacks refused", 1);
      List<String> aLines = a.kill(); // kill -9 in the middle of its writes and collections
      ChildJvm b =
          ChildJvm.start(
              ChildJvm.command(
                  LockLossWriter.class,
                  specB,
                  Long.toString(SECOND_FIRST),
                  Integer.toString(SECONDS)));
      assertTrue(b.process().waitFor(120, TimeUnit.SECONDS), "the second stack hung");
      List<String> bLines = b.finish();
      assertEquals(
          "DONE",
          bLines.get(bLines.size() - 1),
          "the second stack's end: "
              + bLines.subList(Math.max(0, bLines.size() - 3), bLines.size()));
      List<String> lost = new ArrayList<>();
      try (Backend store = Cairn.open(specA)) {
        lost.addAll(missing(store, aLines, 0, true)); // killed: a ref change may be in flight
      }
      try (Backend store = Cairn.open(specB)) {
        lost.addAll(missing(store, bLines, SECOND_FIRST, false));
      }
      figures
          .add("acknowledged", acks(aLines).size() + acks(bLines).size())
          .add("lost", lost.size());
      assertEquals(List.of(), lost.subList(0, Math.min(20, lost.size())));
    } finally {
      kill(a);
      figures.add("runs", 1).report();
    }
  }

  /**
   * The acknowledged objects of {@code lines} that {@code store} lacks or holds wrongly, and the
   * writer's ref if it does not name the last object its lines say it was set to. A writer that was
   * {@code killed} may have had its next ref change (ten objects on) reach the store before it
   * printed it: that value is allowed too, as the kill -9 family allows either side of a change in
   * flight.
   */
  private static List<String> missing(
      Backend store, List<String> lines, long first, boolean killed) {
    List<String> lost = new ArrayList<>();
    for (long i : acks(lines)) {
      Optional<byte[]> bytes = store.read(store.hashAlgorithm().hash(RacesWriter.object(i)));
      if (bytes.isEmpty()) {
        lost.add("object " + i + " is missing");
      } else {
        assertArrayEquals(RacesWriter.object(i), bytes.get(), "object " + i);
      }
    }
    long lastRef = -1;
    for (String line : lines) {
      if (line.startsWith("REF ")) {
        lastRef = Long.parseLong(line.substring(4));
      }
    }
    if (lastRef >= 0) {
      Optional<Hash> ref = store.getRef(LockLossWriter.refName(first));
      boolean acknowledged = ref.equals(Optional.of(objectHash(store, lastRef)));
      boolean inFlight = killed && ref.equals(Optional.of(objectHash(store, lastRef + 10)));
      if (!acknowledged && !inFlight) {
        lost.add(LockLossWriter.refName(first) + " does not name object " + lastRef);
      }
    }
    return lost;
  }

  private static Hash objectHash(Backend store, long i) {
    return store.hashAlgorithm().hash(RacesWriter.object(i));
  }

  private static List<Long> acks(List<String> lines) {
    List<Long> acked = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("ACK ")) {
        acked.add(Long.parseLong(line.substring(4)));
      }
    }
    return acked;
  }

  private static void awaitAcks(ChildJvm child, int count) throws InterruptedException {
    while (acks(lines(child)).size() < count) {
      assertTrue(child.process().isAlive(), "the writer died: " + tail(child));
      Thread.sleep(10);
    }
  }

  private static List<String> lines(ChildJvm child) {
    return child.lines();
  }

  private static List<String> tail(ChildJvm child) {
    List<String> all = lines(child);
    return all.subList(Math.max(0, all.size() - 3), all.size());
  }

  private static void kill(ChildJvm child) throws InterruptedException {
    if (child != null && child.process().isAlive()) {
      child.kill();
    }
  }
}
