package dev.cairn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.Reloadable;
import dev.cairn.stack.Cairn;
import dev.cairn.testkit.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Family 7 (races), part two: two JVMs on one store directory. A writer JVM ({@link RacesWriter})
 * writes, moves refs, seals small segments and compacts; this JVM holds the same directory open
 * read-only and reloads in a loop. After each reload it checks that every object the writer
 * acknowledged before the reload is there with its bytes, that nothing read has wrong bytes, and
 * that each ref names an object the writer made for that ref, at a step no earlier than the last
 * one seen nor than the last one acknowledged. Meanwhile a second writer JVM ({@link
 * RacesSecondWriter}) must be refused with {@code DirectoryLock.LockedException}, and be let in
 * once the first has exited, normally or by SIGKILL.
 *
 * <p>Bounded in CI (about 25 s of writing); {@code -Pfull} writes for 4 minutes, {@code
 * -Dcairn.races.seconds=N} for N seconds.
 */
@Tag("reliability")
class RacesTwoJvmTest {
  private static final int SECONDS = Budget.scale("cairn.races.seconds", 25, 240);
  private static final Pattern REF_OBJECT = Pattern.compile("ref (\\d+) step (\\d+) .*");
  private static final String LOCKED = "REFUSED dev.cairn.storage.DirectoryLock$LockedException ";

  @TempDir Path temp;

  @Test
  void readOnlyReloaderSeesWhatTheWriterAcknowledged() throws Exception {
    Path directory = temp.resolve("store");
    String spec = "disk:" + directory + "?segment-size=64k";
    Figures figures = Figures.of("races two-jvm disk: writer + read-only reloader");
    ChildJvm writer =
        ChildJvm.start(ChildJvm.command(RacesWriter.class, spec, Integer.toString(SECONDS)));
    List<String> violations = new ArrayList<>();
    try {
      assertTrue(writer.awaitReady(60), "the writer did not start");
      Reader reader = new Reader(violations, figures);
      long startedAt = System.nanoTime();
      boolean lockChecked = false;
      try (Backend store = Cairn.open("disk:" + directory + "?mode=read-only")) {
        Reloadable reloadable =
            store
                .feature(Reloadable.class)
                .orElseThrow(
                    () -> new AssertionError("a read-only disk store offers no Reloadable"));
        while (writer.process().isAlive()) {
          reader.round(store, reloadable, lines(writer));
          if (!lockChecked && System.nanoTime() - startedAt > SECONDS * 500_000_000L) {
            String answer = secondWriter(spec);
            figures.add("second writers refused", answer.startsWith(LOCKED) ? 1 : 0);
            assertTrue(
                answer.startsWith(LOCKED) && answer.contains("locked by another process"),
                "a second writer beside a live one: " + answer);
            lockChecked = true;
          }
        }
        assertEquals(0, writer.process().waitFor(), "the writer's exit status");
        List<String> all = writer.finish();
        assertEquals("DONE", all.get(all.size() - 1), "the writer's last line");
        reader.round(store, reloadable, all); // everything acknowledged, after the last reload
        reader.recheckAll(store);
      }
      assertTrue(lockChecked, "the writer ended before the second writer was tried");
      String after = secondWriter(spec);
      figures.add("second writers accepted", after.equals("OPENED") ? 1 : 0);
      assertEquals("OPENED", after, "a second writer once the first has exited");
    } finally {
      if (writer.process().isAlive()) {
        writer.kill();
      }
      figures.add("runs", 1).add("violations", violations.size()).report();
    }
    assertEquals(List.of(), violations.subList(0, Math.min(20, violations.size())));
    assertTrue(
        figures.get("objects checked") > 1000,
        "too little was checked: " + figures.get("objects checked"));
  }

  @Test
  void secondWriterIsLetInAfterTheFirstIsKilled() throws Exception {
    Path directory = temp.resolve("killed");
    String spec = "disk:" + directory + "?segment-size=64k";
    Figures figures = Figures.of("races second writer after SIGKILL");
    ChildJvm writer = ChildJvm.start(ChildJvm.command(RacesWriter.class, spec, "600"));
    try {
      assertTrue(writer.awaitReady(60), "the writer did not start");
      while (lines(writer).stream().filter(l -> l.startsWith("ACK")).count() < 100) {
        assertTrue(writer.process().isAlive(), "the writer died: " + lines(writer));
        Thread.sleep(20);
      }
      String beside = secondWriter(spec);
      assertTrue(beside.startsWith(LOCKED), "a second writer beside a live one: " + beside);
      figures.add("second writers refused", 1);
    } finally {
      writer.kill();
    }
    assertEquals(137, writer.process().exitValue(), "SIGKILL's exit status");
    String after = secondWriter(spec);
    assertEquals("OPENED", after, "a second writer once the first was killed");
    figures.add("second writers accepted", 1).add("runs", 1).add("violations", 0).report();
  }

  /** Runs a second writer JVM on {@code spec}; its one line. */
  static String secondWriter(String spec) throws Exception {
    ChildJvm probe = ChildJvm.start(ChildJvm.command(RacesSecondWriter.class, spec));
    assertTrue(
        probe.process().waitFor(120, java.util.concurrent.TimeUnit.SECONDS),
        "the second writer hung");
    List<String> out = probe.finish();
    assertEquals(0, probe.process().exitValue(), "the second writer's exit status: " + out);
    assertEquals(1, out.size(), "the second writer's output: " + out);
    return out.get(0);
  }

  private static List<String> lines(ChildJvm child) {
    return child.lines();
  }

  /** The read-only side: what it has seen so far and its checks. */
  private static final class Reader {
    private final List<String> violations;
    private final Figures figures;
    private final List<Long> acked = new ArrayList<>();
    private final long[] ackedStep = new long[RacesWriter.REFS];
    private final long[] seenStep = new long[RacesWriter.REFS];
    private final Random random = new Random(8);
    private int consumed;
    private long maxAcked = -1;

    Reader(List<String> violations, Figures figures) {
      this.violations = violations;
      this.figures = figures;
    }

    /**
     * Takes in the acknowledgements in {@code lines} (all printed before this call), reloads, and
     * checks the store against them.
     */
    void round(Backend store, Reloadable reloadable, List<String> lines) {
      int firstNew = acked.size();
      for (; consumed < lines.size(); consumed++) {
        String[] words = lines.get(consumed).split(" ");
        if (words[0].equals("ACK")) {
          long i = Long.parseLong(words[1]);
          acked.add(i);
          maxAcked = Math.max(maxAcked, i);
        } else if (words[0].equals("REF")) {
          int r = Integer.parseInt(words[1]);
          ackedStep[r] = Math.max(ackedStep[r], Long.parseLong(words[2]));
        }
      }
      reloadable.reload();
      figures.add("reloads", 1);
      for (int k = firstNew; k < acked.size(); k++) {
        checkAcked(store, acked.get(k), "acknowledged before the reload");
      }
      for (int k = 0; k < 20 && !acked.isEmpty(); k++) {
        checkAcked(store, acked.get(random.nextInt(acked.size())), "acknowledged earlier");
      }
      for (long i = maxAcked + 1; i <= maxAcked + 4; i++) {
        // Perhaps written, not yet acknowledged: absent or whole.
        byte[] expected = RacesWriter.object(i);
        Optional<byte[]> read = store.read(store.hashAlgorithm().hash(expected));
        if (read.isPresent() && !Arrays.equals(read.get(), expected)) {
          violations.add("object " + i + " (unacknowledged) read with wrong bytes");
        }
        figures.add("objects checked", 1);
      }
      for (int r = 0; r < RacesWriter.REFS; r++) {
        checkRef(store, r);
      }
    }

    void recheckAll(Backend store) {
      for (long i : acked) {
        checkAcked(store, i, "acknowledged before the writer exited");
      }
    }

    private void checkAcked(Backend store, long i, String when) {
      byte[] expected = RacesWriter.object(i);
      Optional<byte[]> read = store.read(store.hashAlgorithm().hash(expected));
      figures.add("objects checked", 1);
      if (read.isEmpty()) {
        violations.add("object " + i + " " + when + " is missing");
      } else if (!Arrays.equals(read.get(), expected)) {
        violations.add("object " + i + " " + when + " has wrong bytes");
      }
    }

    private void checkRef(Backend store, int r) {
      String name = RacesWriter.refName(r);
      Optional<Hash> value = store.getRef(name);
      figures.add("refs checked", 1);
      if (value.isEmpty()) {
        if (ackedStep[r] > 0) {
          violations.add(name + " is missing after step " + ackedStep[r] + " was acknowledged");
        }
        return;
      }
      Optional<byte[]> bytes = store.read(value.get());
      HashAlgorithm algorithm = store.hashAlgorithm();
      if (bytes.isEmpty()) {
        violations.add(name + " names " + value.get() + ", which the reader cannot read");
        return;
      }
      if (!algorithm.hash(bytes.get()).equals(value.get())) {
        violations.add(name + " names " + value.get() + ", read with wrong bytes");
        return;
      }
      Matcher m = REF_OBJECT.matcher(new String(bytes.get(), StandardCharsets.US_ASCII));
      if (!m.matches() || Integer.parseInt(m.group(1)) != r) {
        violations.add(
            name
                + " names an object the writer never made for it: "
                + new String(bytes.get(), StandardCharsets.US_ASCII));
        return;
      }
      long step = Long.parseLong(m.group(2));
      if (step < seenStep[r]) {
        violations.add(name + " went back from step " + seenStep[r] + " to " + step);
      }
      if (step < ackedStep[r]) {
        violations.add(
            name + " is at step " + step + " after step " + ackedStep[r] + " was acknowledged");
      }
      seenStep[r] = Math.max(seenStep[r], step);
    }
  }
}
