package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stats} printed per-process counters (always zero in a new process, and a string in {@code
 * --json}); it now reports facts of the store, as numbers.
 */
class StatsCommandTest {
  @TempDir Path dir;

  @Test
  void reportsWhatTheStoreHoldsAsNumbersAndNoPerProcessCounters() throws Exception {
    String store = "stats:disk:" + dir.resolve("store");
    Path file = dir.resolve("a.txt");
    Files.writeString(file, "hello, stats\n");
    CliRun put = CliRun.run(dir, "--store", store, "put", file.toString());
    assertThat(put.exit).as(put.toString()).isZero();
    CliRun ref = CliRun.run(dir, "--store", store, "ref", "set", "refs/heads/main", put.out.trim());
    assertThat(ref.exit).as(ref.toString()).isZero();

    CliRun json = CliRun.run(dir, "--store", store, "--json", "stats");
    assertThat(json.exit).as(json.toString()).isZero();
    assertThat(json.out)
        .contains("\"refs\":1,")
        .contains("\"objects\":1,")
        .containsPattern("\"objectBytes\":[1-9][0-9]*,")
        .containsPattern("\"diskBytes\":\\{\"[^\"]+\":[1-9][0-9]*\\}")
        .doesNotContain("counters")
        .doesNotContain("reads");

    CliRun text = CliRun.run(dir, "--store", store, "stats");
    assertThat(text.exit).as(text.toString()).isZero();
    assertThat(text.out)
        .containsPattern("(?m)^objects +1$")
        .containsPattern("(?m)^refs +1$")
        .doesNotContainPattern("(?m)^(reads|writes|cacheHits) ");
  }
}
