package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's pieces in one JVM, on a few hundred objects: the ingest and reopen phases, the
 * result lines the driver parses, figures and ratios, and the report. The timed passes themselves
 * run only from bench/run.sh.
 */
class HarnessTest {
  @TempDir Path temp;

  @Test
  void ingestThenReopenMeasuresAStoreThatHoldsTheWorkload() {
    Target target = Targets.named("rocksdb");
    Workload workload = new Workload(1024, 2_500, 1);
    Path dir = temp.resolve("store");
    Map<String, Object> ingest = PhaseMain.ingest(target, dir, Durability.DURABLE, workload, 300);
    assertThat(ingest)
        .containsEntry("objects", 2_500L)
        .containsEntry("payloadBytes", 2_500L * 1024);
    assertThat((Double) ingest.get("objectsPerSecond")).isPositive();
    assertThat((Double) ingest.get("diskRatio")).isGreaterThan(1.0);
    assertThat(Files.exists(dir.resolveSibling("store.warmup"))).isFalse();

    Path keys = temp.resolve("keys.bin");
    workload.writeKeys(keys);
    byte[][] read = Workload.readKeys(keys);
    assertThat(read).hasNumberOfRows(2_500);
    try (Store store = target.open(new StoreSetup(dir, Durability.DURABLE, 0))) {
      assertThat(store.get(read[2_499])).isEqualTo(workload.value(2_499));
    }

    Map<String, Object> reopen = PhaseMain.reopen(target, dir, workload);
    assertThat((Double) reopen.get("openMillis")).isPositive();
    assertThat(reopen).containsEntry("probe", false).containsKey("heapPerObject");
  }

  @Test
  void theLayeredStackIsReadWithHalfItsObjectsArchived() {
    Target target = Targets.named("cairn-layered");
    Workload workload = new Workload(100, 300, 5);
    Path dir = temp.resolve("layered");
    PhaseMain.ingest(target, dir, Durability.DURABLE, workload, 0);
    Map<String, Object> prepared = PhaseMain.prepare(target, dir, workload);
    assertThat((Double) prepared.get("diskRatio")).isPositive();

    try (Store store = target.open(new StoreSetup(dir, Durability.DURABLE, 0))) {
      for (long i = 0; i < workload.count(); i++) {
        byte[] value = workload.value(i);
        assertThat(store.get(Workload.key(value))).as("object %d", i).isEqualTo(value);
      }
    }
    try (dev.cairn.disk.DiskBackend upper =
        dev.cairn.disk.DiskBackend.open(dir.resolve(LayeredArchive.UPPER))) {
      for (long i = 0; i < 10; i++) {
        dev.cairn.spi.Hash hash =
            dev.cairn.spi.Hash.of(
                dev.cairn.spi.HashAlgorithm.SHA256, Workload.key(workload.value(i)));
        assertThat(upper.exists(hash)).as("object %d in the upper", i).isEqualTo(i % 2 == 1);
      }
    }
  }

  @Test
  void resultLinesRoundTrip() {
    String line =
        PhaseMain.format(
            new java.util.LinkedHashMap<>(Map.of("objects", 10L, "seconds", 0.25, "probe", true)));
    assertThat(Bench.parse(line))
        .containsEntry("objects", 10.0)
        .containsEntry("seconds", 0.25)
        .containsEntry("probe", 1.0);
  }

  @Test
  void figuresKeepTheMedianAndTheRange() {
    Figure f = Figure.of(3, 1, 2, 10);
    assertThat(f).isEqualTo(new Figure(2.5, 1, 10, 4));
    Figure ratio = Figure.of(4, 6).over(Figure.of(2, 3));
    assertThat(ratio.median()).isEqualTo(2.0);
    assertThat(ratio.min()).isEqualTo(4.0 / 3);
    assertThat(ratio.max()).isEqualTo(3.0);
    assertThat(Figure.compact(123_456)).isEqualTo("123k");
    assertThatThrownBy(Figure::of).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theReportHasFiguresRatiosAndGoals() {
    Plan plan = Plan.named("smoke");
    Results results = new Results();
    Target cairn = Targets.all().stream().filter(t -> !t.peer()).findFirst().orElseThrow();
    results.put(1024, "rocksdb", Metric.INGEST_DURABLE, Figure.of(100, 110, 90));
    results.put(1024, cairn.name(), Metric.INGEST_DURABLE, Figure.of(300, 310, 290));
    String md =
        new Report(
                plan,
                List.of(Targets.named("rocksdb"), cairn),
                results,
                "bench/run.sh smoke",
                Instant.EPOCH,
                Instant.EPOCH.plusSeconds(61))
            .markdown();
    assertThat(md)
        .contains("Command: `bench/run.sh smoke`", "took 1 min 01 s", "JDK: ", "CPU: ")
        .contains("| `rocksdb` | 100 (90.0–110) |")
        .contains("| `" + cairn.name() + "` | `rocksdb` | 3.00× (2.64–3.44) |")
        .doesNotContain("## Failures");

    results.fail(1024, "lmdb", "java.lang.IllegalStateException: MDB_MAP_FULL");
    assertThat(
            new Report(
                    plan,
                    List.of(Targets.named("rocksdb")),
                    results,
                    "x",
                    Instant.EPOCH,
                    Instant.EPOCH)
                .markdown())
        .contains("## Failures", "* lmdb, 1024 B: `java.lang.IllegalStateException: MDB_MAP_FULL`");
  }

  @Test
  void directoriesArePercentEncodedIntoSpecs() {
    assertThat(Targets.spec("disk:{dir}?fsync=always", Path.of("/data/My Blobs/set,2024(old)")))
        .isEqualTo("disk:/data/My%20Blobs/set%2C2024%28old%29?fsync=always");
  }

  @Test
  void unknownTargetsAndPassesAreNamed() {
    assertThatThrownBy(() -> Targets.named("rocks"))
        .hasMessageContaining("\"rocks\"")
        .hasMessageContaining("rocksdb");
    assertThatThrownBy(() -> Plan.named("huge")).hasMessageContaining("\"huge\"");
  }
}
