package dev.cairn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.cli.CairnCli;
import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.stack.Cairn;
import dev.cairn.testkit.ChildJvm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The family "followers beside compaction" (issue 19, item 6): a writer JVM ({@link RacesWriter}:
 * two threads, 64 KiB segments, compacting now and then) and, in this JVM, {@code mode=read-only}
 * followers opened one after another, each reloading, reading every ref's target and verifying
 * (through the API and through {@code cairn verify}). Files a compaction deletes are no damage:
 * every open must succeed, every verify report nothing, and every ref a follower sees must name an
 * object it can read.
 *
 * <p>Bounded in CI (about 12 s of writing); {@code -Pfull} 2 minutes, {@code
 * -Dcairn.followers.seconds=N} N seconds.
 */
@Tag("reliability")
class FollowerBesideCompactionTest {
  private static final int SECONDS = Budget.scale("cairn.followers.seconds", 12, 120);

  @TempDir Path temp;

  @Test
  void followersOpenVerifyAndReadRefTargetsBesideACompactingWriter() throws Exception {
    Path directory = temp.resolve("store");
    String follower = "disk:" + directory + "?segment-size=64k&mode=read-only";
    Figures figures = Figures.of("followers beside compaction: writer JVM + read-only opens");
    ChildJvm writer =
        ChildJvm.start(
            ChildJvm.command(
                RacesWriter.class,
                "disk:" + directory + "?segment-size=64k",
                Integer.toString(SECONDS)));
    List<String> violations = new ArrayList<>();
    try {
      assertTrue(writer.awaitReady(60), "the writer did not start");
      for (int open = 0; writer.process().isAlive(); open++) {
        String where = "follower " + open;
        try (Backend store = Cairn.open(follower)) {
          figures.add("opens", 1);
          for (int r = 0; r < RacesWriter.REFS; r++) {
            Optional<Hash> target = store.getRef(RacesWriter.refName(r));
            if (target.isPresent() && store.read(target.get()).isEmpty()) {
              violations.add(
                  where
                      + ": "
                      + RacesWriter.refName(r)
                      + " names "
                      + target.get()
                      + ", which it cannot read");
            }
          }
          IntegrityCheck.Summary summary =
              store
                  .feature(IntegrityCheck.class)
                  .orElseThrow()
                  .checkIntegrity(d -> violations.add(where + " verify: " + d.getMessage()));
          figures.add("objects verified", summary.objects());
        } catch (CairnException e) {
          violations.add(where + " failed: " + e);
        }
        if (open % 4 == 0) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          int status =
              CairnCli.commandLine(new ByteArrayInputStream(new byte[0]), out, out, Map.of(), temp)
                  .execute("--store", follower, "verify");
          figures.add("cairn verify runs", 1);
          if (status != 0) {
            violations.add(
                where
                    + ": cairn verify exited "
                    + status
                    + ": "
                    + out.toString(StandardCharsets.UTF_8).trim());
          }
        }
      }
      assertEquals(0, writer.process().waitFor(), "the writer's exit status");
      List<String> lines = writer.finish();
      assertEquals("DONE", lines.get(lines.size() - 1), "the writer's last line");
      long compactions = lines.stream().filter("COMPACTED"::equals).count();
      figures.add("compactions", compactions);
      assertTrue(compactions >= 2, "too few compactions to race with: " + compactions);
    } finally {
      if (writer.process().isAlive()) {
        writer.kill();
      }
      figures.add("runs", 1).add("violations", violations.size()).report();
    }
    assertEquals(List.of(), violations.subList(0, Math.min(20, violations.size())));
    assertTrue(figures.get("opens") > 10, "too few follower opens: " + figures.get("opens"));
  }
}
