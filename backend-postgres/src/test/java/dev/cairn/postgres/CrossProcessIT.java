package dev.cairn.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Compaction;
import dev.cairn.spi.Hash;
import dev.cairn.testkit.ChildJvm;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Several JVMs on one store: CAS races, a writer killed mid-batch, compaction beside a writer. */
class CrossProcessIT {
  private static final int JVMS = 4;
  private static final boolean FULL = "full".equals(System.getProperty("cairn.budget", "ci"));

  /** A {@link Child} JVM running {@code args}, told where the test server is. */
  private static ChildJvm child(String... args) throws IOException {
    List<String> options =
        new ArrayList<>(List.of(System.getProperty("cairn.child.argLine", "-Xmx256m").split(" ")));
    options.add("-Dcairn.pg.dir=" + TestServer.STATE);
    return ChildJvm.start(
        ChildJvm.command(options, System.getProperty("java.class.path"), Child.class, args));
  }

  @Test
  void fourJvmsOfFourThreadsIncrementOneRefByCasWithoutLosingAnUpdate() throws Exception {
    String schema = TestServer.freshSchema();
    int increments = FULL ? 100 : 15;
    try (PostgresBackend store = TestServer.open(schema, Child.ALGORITHM)) {
      store.setRef("refs/counter", store.put(Child.counter(0)));
    }
    long startAt = System.currentTimeMillis() + 4000;
    List<ChildJvm> children = new ArrayList<>();
    for (int i = 0; i < JVMS; i++) {
      children.add(child("cas", schema, String.valueOf(increments), String.valueOf(startAt)));
    }
    long successes = 0;
    long failures = 0;
    for (ChildJvm child : children) {
      String[] words = child.await(120).get(0).split(" ");
      successes += Long.parseLong(words[1]);
      failures += Long.parseLong(words[3]);
    }
    assertThat(successes).isEqualTo((long) JVMS * Child.THREADS * increments);
    try (PostgresBackend store = TestServer.open(schema, Child.ALGORITHM)) {
      Hash last = store.getRef("refs/counter").orElseThrow();
      assertThat(new String(store.read(last).orElseThrow())).isEqualTo("counter " + successes);
    }
    assertThat(failures).as("the threads raced (some CAS lost)").isPositive();
  }

  @Test
  void aCreateRaceOfSixteenThreadsInFourJvmsHasExactlyOneWinnerPerRound() throws Exception {
    String schema = TestServer.freshSchema();
    int rounds = FULL ? 500 : 60;
    try (PostgresBackend store = TestServer.open(schema, Child.ALGORITHM)) {
      assertThat(store.listRefs()).isEmpty();
    }
    long startAt = System.currentTimeMillis() + 4000;
    List<ChildJvm> children = new ArrayList<>();
    for (int i = 0; i < JVMS; i++) {
      children.add(child("create", schema, String.valueOf(rounds), String.valueOf(startAt)));
    }
    Map<Integer, Integer> winners = new HashMap<>();
    for (ChildJvm child : children) {
      for (String line : child.await(120)) {
        winners.merge(Integer.parseInt(line.substring("WON ".length())), 1, Integer::sum);
      }
    }
    assertThat(winners).hasSize(rounds);
    assertThat(new HashSet<>(winners.values())).containsExactly(1);
    try (PostgresBackend store = TestServer.open(schema, Child.ALGORITHM)) {
      assertThat(store.listRefs()).hasSize(rounds);
    }
  }

  @Test
  void aWriterKilledMidBatchTenTimesLeavesEveryAcknowledgedBatchWholeAndNoPartialOne()
      throws Exception {
    String schema = TestServer.freshSchema();
    Random random = new Random(15);
    int kills = FULL ? 30 : 10;
    int partial = 0;
    int acknowledged = 0;
    for (int k = 0; k < kills; k++) {
      String tag = "writer " + k;
      ChildJvm child = child("writer", schema, tag);
      assertThat(child.awaitReady(60)).as("writer %d started", k).isTrue();
      Thread.sleep(150 + random.nextInt(400));
      List<String> lines = child.kill();
      int lastAck = -1;
      for (String line : lines) {
        if (line.startsWith("ACK ")) {
          lastAck = Integer.parseInt(line.substring(4));
        }
      }
      acknowledged += lastAck + 1;
      try (PostgresBackend store = TestServer.open(schema, Child.ALGORITHM)) {
        for (int b = 0; b <= lastAck; b++) {
          for (Hash hash : Child.batch(tag, b).keySet()) {
            assertThat(store.exists(hash)).as("kill %d: acknowledged batch %d", k, b).isTrue();
          }
        }
        // The batch in flight when the writer died: all or nothing.
        Set<Boolean> present = new HashSet<>();
        for (Hash hash : Child.batch(tag, lastAck + 1).keySet()) {
          present.add(store.exists(hash));
        }
        assertThat(present).as("kill %d: batch %d in flight", k, lastAck + 1).hasSize(1);
        if (present.contains(true)) {
          partial++; // committed, the acknowledgement lost with the process: allowed
        }
        assertThat(store.exists(Child.batch(tag, lastAck + 2).keySet().iterator().next()))
            .isFalse();
      }
    }
    assertThat(acknowledged).as("batches acknowledged over all kills").isPositive();
    System.out.println(
        "kill -9 of the writer: "
            + kills
            + " kills, "
            + acknowledged
            + " batches acknowledged, "
            + partial
            + " in-flight batches committed whole");
  }

  @Test
  void compactionInOneJvmWhileAnotherRewritesTheObjectsItDropsLosesNothingRewritten()
      throws Exception {
    String schema = TestServer.freshSchema();
    int count = 3000;
    try (PostgresBackend store =
        PostgresBackend.open(
            TestServer.options(schema)
                .hashAlgorithm(Child.ALGORITHM)
                .gcGrace(Duration.ZERO)
                .build())) {
      Map<Hash, byte[]> all = new HashMap<>();
      for (int i = 0; i < count; i++) {
        all.put(Child.ALGORITHM.hash(Child.object(i)), Child.object(i));
      }
      store.writeBatch(all);
      ChildJvm rewriter = child("rewriter", schema, String.valueOf(count));
      assertThat(rewriter.awaitReady(60)).isTrue();
      Thread.sleep(1500); // objects written before the compaction began may be dropped
      long compactionCalled = System.currentTimeMillis();
      Compaction.Result result = store.compact(hash -> false);
      rewriter.process().getOutputStream().close();
      List<String> lines = rewriter.await(30);
      Set<Integer> rewrittenAfter = new HashSet<>();
      for (String line : lines) {
        if (line.startsWith("W ")) {
          String[] words = line.split(" ");
          if (Long.parseLong(words[2]) > compactionCalled) {
            rewrittenAfter.add(Integer.parseInt(words[1]));
          }
        }
      }
      int lost = 0;
      for (int i : rewrittenAfter) {
        if (!store.exists(Child.ALGORITHM.hash(Child.object(i)))) {
          lost++;
        }
      }
      assertThat(lost)
          .as("of %d objects rewritten after compact() was called", rewrittenAfter.size())
          .isZero();
      assertThat(rewrittenAfter).isNotEmpty();
      assertThat(result.dropped()).as("objects nobody wrote again were dropped").isPositive();
      System.out.println(
          "compaction beside a rewriter: "
              + result
              + ", "
              + rewrittenAfter.size()
              + " objects rewritten meanwhile, none lost");
    }
  }
}
