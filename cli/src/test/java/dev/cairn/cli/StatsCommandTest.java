package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stats --json} printed the counters as one string. */
class StatsCommandTest {
  @TempDir
  Path dir;

  @Test
  void countersAreNumbersInJson() {
    CliRun run = CliRun.run(dir, "--store", "stats:memory:", "--json", "stats");
    assertThat(run.exit).as(run.toString()).isZero();
    assertThat(run.out).containsPattern("\"counters\":\\{\"reads\":[0-9]+,\"writes\":[0-9]+,"
        + "\"cacheHits\":[0-9]+,\"cacheMisses\":[0-9]+,\"bytesRead\":[0-9]+,"
        + "\"bytesWritten\":[0-9]+\\}");
    assertThat(CliRun.run(dir, "--store", "stats:memory:", "stats").out)
        .containsPattern("(?m)^reads +[0-9]+$");
  }
}
