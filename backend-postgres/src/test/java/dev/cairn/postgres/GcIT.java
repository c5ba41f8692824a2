package dev.cairn.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.stack.Cairn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction of a postgres: store alone, and GC of layered stacks with postgres: in them. */
class GcIT {
  @TempDir Path root;

  private static List<Hash> write(Backend store, String prefix, int n) {
    List<Hash> hashes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hashes.add(store.put((prefix + " " + i).getBytes(UTF_8)));
    }
    return hashes;
  }

  @Test
  void droppedObjectsAreMarkedThenDeletedAfterTheGraceUnlessWrittenAgain() throws Exception {
    String schema = TestServer.freshSchema();
    try (PostgresBackend store =
        PostgresBackend.open(
            TestServer.options(schema)
                .hashAlgorithm(HashAlgorithm.SHA256)
                .gcGrace(Duration.ofSeconds(3))
                .build())) {
      List<Hash> live = write(store, "live", 20);
      List<Hash> garbage = write(store, "garbage", 20);
      List<Hash> rescued = write(store, "rescued", 20);
      Thread.sleep(1100); // written before the compaction began, less its second of margin
      Compaction.Result first = store.compact(live::contains);
      assertThat(first.dropped()).as("marked only, within the grace period").isZero();
      assertThat(first.kept()).isEqualTo(60);
      for (Hash hash : rescued) {
        assertThat(store.read(hash)).isPresent();
      }
      write(store, "rescued", 20); // writing them again clears their marks
      Thread.sleep(3100);
      Compaction.Result second = store.compact(live::contains);
      assertThat(second.dropped()).isEqualTo(20);
      for (Hash hash : garbage) {
        assertThat(store.exists(hash)).isFalse();
      }
      for (Hash hash : live) {
        assertThat(store.exists(hash)).isTrue();
      }
      for (Hash hash : rescued) {
        assertThat(store.exists(hash)).as("rescued by a write: marked anew, not yet due").isTrue();
      }
    }
  }

  @Test
  void anObjectTheCollectorKeepsAgainLosesItsMark() throws Exception {
    String schema = TestServer.freshSchema();
    try (PostgresBackend store =
        PostgresBackend.open(
            TestServer.options(schema)
                .hashAlgorithm(HashAlgorithm.SHA256)
                .gcGrace(Duration.ofSeconds(1))
                .build())) {
      List<Hash> objects = write(store, "object", 10);
      Thread.sleep(1100);
      assertThat(store.compact(hash -> false).dropped()).isZero();
      assertThat(store.compact(hash -> true).dropped()).isZero(); // a ref reaches them now
      Thread.sleep(1100);
      assertThat(store.compact(objects.subList(0, 5)::contains).dropped()).isZero();
      Thread.sleep(1100);
      assertThat(store.compact(objects.subList(0, 5)::contains).dropped()).isEqualTo(5);
    }
  }

  @Test
  void layeredDiskOverPostgresArchivesIntoTheDatabase() throws Exception {
    String spec =
        "layered(upper=disk:"
            + root.resolve("upper")
            + "?hash=sha1&fsync=batch, lower="
            + TestServer.spec(TestServer.freshSchema(), "hash=sha1")
            + ")";
    try (Backend store = Cairn.open(spec)) {
      List<Hash> live = write(store, "live", 10);
      List<Hash> garbage = write(store, "garbage", 10);
      for (int i = 0; i < live.size(); i++) {
        store.setRef("refs/live/" + i, live.get(i));
      }
      GcReport report =
          store.feature(GarbageCollection.class).orElseThrow().gc(GcOptions.defaults());
      // A lower that keeps its objects gets what no ref reaches, keyed by hash.
      assertThat(report.mode()).isEqualTo(GarbageCollection.Mode.ARCHIVE);
      assertThat(report.archived()).isEqualTo(garbage.size());
      assertThat(report.dropped()).isEqualTo(garbage.size());
      for (Hash hash : live) {
        assertThat(store.read(hash)).isPresent();
      }
      for (Hash hash : garbage) {
        assertThat(store.read(hash)).as("read from the database").isPresent();
      }
    }
  }

  @Test
  void postgresAsTheUpperOfLayeredIsCollectedByItsCompaction() throws Exception {
    collectsWhatNoRefReaches(
        "layered(upper="
            + TestServer.spec(TestServer.freshSchema(), "hash=sha1&gc-grace=0")
            + ", lower=memory:?hash=sha1)");
  }

  /** A rolling GC of the stack {@code spec} keeps what refs reach and drops the rest. */
  private static void collectsWhatNoRefReaches(String spec) throws InterruptedException {
    try (Backend store = Cairn.open(spec)) {
      List<Hash> live = write(store, "live", 10);
      List<Hash> garbage = write(store, "garbage", 10);
      for (int i = 0; i < live.size(); i++) {
        store.setRef("refs/live/" + i, live.get(i));
      }
      Thread.sleep(1100); // the compaction keeps what was written in its last second
      GcReport report =
          store.feature(GarbageCollection.class).orElseThrow().gc(GcOptions.defaults());
      assertThat(report.mode()).isEqualTo(GarbageCollection.Mode.ROLLING);
      for (Hash hash : live) {
        assertThat(store.read(hash)).isPresent();
      }
      for (Hash hash : garbage) {
        assertThat(store.exists(hash)).isFalse();
      }
    }
  }
}
