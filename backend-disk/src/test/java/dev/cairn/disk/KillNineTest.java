package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.DirectoryLock;
import dev.cairn.testkit.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 at random instants: a child JVM ({@link CrashChild}) writes single objects and batches
 * from several threads and moves refs; it is killed with {@code destroyForcibly()} (SIGKILL). After
 * each kill the store opens, every object the child acknowledged reads back byte-identical and
 * hash-verified, and every ref holds its last acknowledged value or the one in flight.
 */
class KillNineTest {
  @TempDir Path dir;

  private void killRepeatedly(int kills) throws Exception {
    Random random = new Random(99);
    List<String> acknowledged = new ArrayList<>();
    Map<String, String> refs = new HashMap<>();
    Map<String, String> inFlight = new HashMap<>();
    long totalLines = 0;
    for (int kill = 0; kill < kills; kill++) {
      DiskOptions.Fsync fsync = kill % 2 == 0 ? DiskOptions.Fsync.ALWAYS : DiskOptions.Fsync.BATCH;
      ChildJvm child =
          ChildJvm.start(
              ChildJvm.command(
                  CrashChild.class,
                  dir.toString(),
                  fsync.name(),
                  "k" + kill,
                  "4",
                  Integer.toString(64 * 1024),
                  "large"));
      assertThat(child.awaitReady(60)).as("child %d started", kill).isTrue();
      Thread.sleep(random.nextInt(250));
      List<String> lines = child.kill();
      totalLines += lines.size();
      Set<String> fresh = new HashSet<>();
      for (String line : lines) {
        String[] words = line.split(" ");
        switch (words[0]) {
          case "O":
            acknowledged.add(words[1]);
            fresh.add(words[1]);
            break;
          case "I":
            inFlight.put(words[1], words[2]);
            break;
          case "R":
            refs.put(words[1], words[2]);
            inFlight.remove(words[1]);
            break;
          case "READY":
            break;
          default:
            throw new AssertionError("child " + kill + " reported: " + line);
        }
      }
      try (DiskBackend store =
          DiskBackend.open(
              dir, DiskOptions.builder().segmentSize(64 * 1024).verify(true).build())) {
        List<String> toCheck = new ArrayList<>(fresh);
        for (int i = 0; i < 100 && !acknowledged.isEmpty(); i++) {
          toCheck.add(acknowledged.get(random.nextInt(acknowledged.size())));
        }
        for (String key : toCheck) {
          byte[] data = Workload.object(key);
          assertThat(store.read(HashAlgorithm.SHA256.hash(data)))
              .as("acknowledged %s after kill %d", key, kill)
              .hasValue(data);
        }
        for (String ref : store.listRefs()) {
          String now = store.getRef(ref).map(Hash::toString).orElse(null);
          assertThat(now)
              .as("ref %s after kill %d", ref, kill)
              .isIn(refs.get(ref), inFlight.get(ref));
          refs.put(ref, now);
          inFlight.remove(ref);
        }
        assertThat(store.problems()).isEmpty();
      }
    }
    try (DiskBackend store =
        DiskBackend.open(dir, DiskOptions.builder().segmentSize(64 * 1024).verify(true).build())) {
      for (String key : acknowledged) {
        byte[] data = Workload.object(key);
        assertThat(store.read(HashAlgorithm.SHA256.hash(data)))
            .as("acknowledged %s", key)
            .hasValue(data);
      }
    }
    long large = acknowledged.stream().filter(k -> k.endsWith(Workload.LARGE)).count();
    assertThat(large)
        .as("acknowledged objects of batches written past the page cache")
        .isPositive();
    System.out.printf(
        "kill -9: %d kills, %d acknowledged objects all intact (%d of them in batches written"
            + " direct), %d refs old or new (%d lines of acknowledgements)%n",
        kills, acknowledged.size(), large, refs.size(), totalLines);
  }

  @Test
  void aWriterInAnotherProcessLocksOutWritersButNotReaders() throws Exception {
    ChildJvm child =
        ChildJvm.start(ChildJvm.command(CrashChild.class, dir.toString(), "ALWAYS", "lock", "2"));
    try {
      assertThat(child.awaitReady(60)).isTrue();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> DiskBackend.open(dir))
          .isInstanceOf(DirectoryLock.LockedException.class)
          .hasMessageContaining("locked by another process");
      try (DiskBackend reader =
          DiskBackend.open(
              dir, DiskOptions.builder().readOnly(true).segmentSize(64 * 1024).build())) {
        dev.cairn.spi.Reloadable reloadable =
            reader.feature(dev.cairn.spi.Reloadable.class).orElseThrow();
        int seen = 0;
        for (int attempt = 0; attempt < 200 && seen < 3; attempt++) {
          Thread.sleep(20);
          List<String> lines = child.lines(); // acknowledged before the reload began
          reloadable.reload();
          seen = 0;
          for (String line : lines) {
            if (line.startsWith("O ")) {
              byte[] data = Workload.object(line.substring(2));
              assertThat(reader.read(HashAlgorithm.SHA256.hash(data))).hasValue(data);
              seen++;
            }
          }
        }
        assertThat(seen).as("objects the reader saw the writer acknowledge").isGreaterThan(2);
        assertThat(reader.problems()).isEmpty();
      }
    } finally {
      child.kill();
    }
  }

  @Test
  void acknowledgedWritesSurviveKillNine() throws Exception {
    killRepeatedly(Budget.isFull() ? 100 : 100);
  }

  @Test
  @Tag("long")
  void acknowledgedWritesSurviveManyKillNines() throws Exception {
    killRepeatedly(Budget.scale(300, 2000));
  }
}
