package dev.cairn.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.testkit.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs on one store on the build's RGW: CAS races on the same refs (linearizable: every
 * successful CAS observed exactly once), and a writer killed with kill -9 mid-batch (the index is
 * the commit point: no partial batch is ever visible, everything acknowledged stays readable from a
 * fresh process). Each JVM has its own index cache, as two machines would.
 */
class S3CrossProcessIT {
  private static final int JVMS = 2;
  private static final boolean FULL = "full".equals(System.getProperty("cairn.budget", "ci"));

  @TempDir Path dir;

  private Path cache(String name) {
    return dir.resolve(name);
  }

  /** A {@link Child} JVM running {@code args}, told where the build's RGW is. */
  private static ChildJvm child(String... args) throws IOException {
    return ChildJvm.start(
        ChildJvm.command(
            List.of("-Dcairn.rgw.dir=" + System.getProperty("cairn.rgw.dir")),
            System.getProperty("java.class.path"),
            Child.class,
            args));
  }

  @Test
  void twoJvmsOfFourThreadsIncrementOneRefByCasAndEveryIncrementHappensExactlyOnce()
      throws Exception {
    String prefix = Rgw.freshPrefix("cross-cas");
    int increments = FULL ? 50 : 12;
    int total = JVMS * Child.THREADS * increments;
    try (S3Backend store = Child.open(prefix, cache("parent"))) {
      Map<Hash, byte[]> counters = new LinkedHashMap<>();
      for (int n = 0; n <= total; n++) {
        counters.put(Child.ALGORITHM.hash(Child.counter(n)), Child.counter(n));
      }
      store.writeBatch(counters);
      store.setRef("refs/counter", Child.ALGORITHM.hash(Child.counter(0)));
    }
    long startAt = System.currentTimeMillis() + 5000;
    List<ChildJvm> children = new ArrayList<>();
    for (int i = 0; i < JVMS; i++) {
      children.add(
          child(
              "cas",
              prefix,
              cache("child-" + i).toString(),
              String.valueOf(increments),
              String.valueOf(total),
              String.valueOf(startAt)));
    }
    Map<Integer, Integer> moves = new HashMap<>();
    long failures = 0;
    for (ChildJvm child : children) {
      for (String line : child.await(300)) {
        if (line.startsWith("MOVED ")) {
          moves.merge(Integer.parseInt(line.substring("MOVED ".length())), 1, Integer::sum);
        } else if (line.startsWith("FAILED ")) {
          failures += Long.parseLong(line.substring("FAILED ".length()));
        }
      }
    }
    assertThat(moves.keySet())
        .as("the values moved from")
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, total).boxed().toList());
    assertThat(new HashSet<>(moves.values()))
        .as("times each value was moved from")
        .containsExactly(1);
    try (S3Backend store = Child.open(prefix, cache("check"))) {
      Hash last = store.getRef("refs/counter").orElseThrow();
      assertThat(store.read(last)).hasValue(Child.counter(total));
    }
    assertThat(failures).as("the threads raced (some CAS lost)").isPositive();
    System.out.println(
        "CAS race on RGW: "
            + JVMS
            + " JVMs x "
            + Child.THREADS
            + " threads, "
            + total
            + " increments each seen once, "
            + failures
            + " CAS lost to another");
  }

  @Test
  void aCreateRaceOfEightThreadsInTwoJvmsHasExactlyOneWinnerPerRound() throws Exception {
    String prefix = Rgw.freshPrefix("cross-create");
    int rounds = FULL ? 200 : 40;
    try (S3Backend store = Child.open(prefix, cache("parent"))) {
      assertThat(store.listRefs()).isEmpty();
    }
    long startAt = System.currentTimeMillis() + 5000;
    List<ChildJvm> children = new ArrayList<>();
    for (int i = 0; i < JVMS; i++) {
      children.add(
          child(
              "create",
              prefix,
              cache("child-" + i).toString(),
              String.valueOf(rounds),
              String.valueOf(startAt)));
    }
    Map<Integer, Integer> winners = new HashMap<>();
    for (ChildJvm child : children) {
      for (String line : child.await(300)) {
        winners.merge(Integer.parseInt(line.substring("WON ".length())), 1, Integer::sum);
      }
    }
    assertThat(winners).hasSize(rounds);
    assertThat(new HashSet<>(winners.values())).containsExactly(1);
    try (S3Backend store = Child.open(prefix, cache("check"))) {
      assertThat(store.listRefs()).hasSize(rounds);
    }
  }

  @Test
  void aWriterKilledMidBatchLeavesEveryAcknowledgedBatchReadableAndNoPartialOneVisible()
      throws Exception {
    String prefix = Rgw.freshPrefix("cross-kill");
    Random random = new Random(15);
    int kills = FULL ? 30 : 8;
    int committedInFlight = 0;
    int acknowledged = 0;
    for (int k = 0; k < kills; k++) {
      String tag = "writer " + k;
      ChildJvm child = child("writer", prefix, cache("writer").toString(), tag);
      assertThat(child.awaitReady(60)).as("writer %d started", k).isTrue();
      Thread.sleep(200 + random.nextInt(600));
      List<String> lines = child.kill();
      int lastAck = -1;
      for (String line : lines) {
        if (line.startsWith("ACK ")) {
          lastAck = Integer.parseInt(line.substring(4));
        }
      }
      acknowledged += lastAck + 1;
      // A fresh process's view: an index cache of its own, empty. What its committed indexes
      // list comes from one enumeration (indexes only): asking exists() of each object of the
      // batch in flight would list the bucket again for every absent one.
      try (S3Backend store = Child.open(prefix, cache("check-" + k))) {
        Set<Hash> listed = new HashSet<>();
        store.forEachObject(o -> listed.add(o.hash()));
        for (int b = 0; b <= lastAck; b++) {
          int i = 0;
          for (Map.Entry<Hash, byte[]> e : Child.batch(tag, b).entrySet()) {
            // Every object is listed by a committed index; every 20th is read back (one GET).
            assertThat(listed.contains(e.getKey()) && store.exists(e.getKey()))
                .as("kill %d: acknowledged batch %d", k, b)
                .isTrue();
            if (i++ % 20 == 0) {
              assertThat(store.read(e.getKey()))
                  .as("kill %d: acknowledged batch %d", k, b)
                  .hasValue(e.getValue());
            }
          }
        }
        Set<Boolean> present = new HashSet<>();
        for (Hash hash : Child.batch(tag, lastAck + 1).keySet()) {
          present.add(listed.contains(hash));
        }
        assertThat(present)
            .as("kill %d: batch %d in flight, all or nothing", k, lastAck + 1)
            .hasSize(1);
        if (present.contains(true)) {
          committedInFlight++; // its index was PUT, the acknowledgement lost with the process
        }
        Hash never = Child.batch(tag, lastAck + 2).keySet().iterator().next();
        assertThat(listed).doesNotContain(never);
        assertThat(store.exists(never)).isFalse();
      }
    }
    assertThat(acknowledged).as("batches acknowledged over all kills").isPositive();
    long packs;
    long indexes;
    try (var client = Rgw.get().client()) {
      List<String> keys =
          client
              .listObjectsV2Paginator(b -> b.bucket(Rgw.BUCKET).prefix(prefix + "/"))
              .contents()
              .stream()
              .map(o -> o.key())
              .toList();
      packs = keys.stream().filter(key -> key.contains("/packs/")).count();
      indexes = keys.stream().filter(key -> key.contains("/indexes/")).count();
    }
    assertThat(indexes).as("committed packs").isEqualTo(acknowledged + committedInFlight);
    System.out.println(
        "kill -9 of an s3 writer: "
            + kills
            + " kills, "
            + acknowledged
            + " batches acknowledged, "
            + committedInFlight
            + " in-flight batches committed whole, "
            + (packs - indexes)
            + " packs left without an index (invisible; compaction deletes"
            + " them after the grace period)");
  }
}
