package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private long now;

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plainLinesEveryFewSecondsWhenNotATerminal() {
    Progress progress = new Progress("import", 1000, err, false, false, () -> now);
    now = 1_000_000_000L;
    progress.advance(100, 1_000_000);
    assertThat(printed()).isEmpty();
    now = 5_000_000_000L;
    progress.advance(150, 1_500_000);
    assertThat(printed()).isEqualTo("import: 250/1,000 50/s 0.5 MB/s ETA 0:15\n");
    progress.finish();
    assertThat(printed()).doesNotContain("\r");
  }

  @Test
  void aBarWithRateAndEtaOnATerminal() {
    Progress progress = new Progress("verify", 200, err, true, false, () -> now);
    now = 2_000_000_000L;
    progress.advance(100, 2_000_000);
    assertThat(printed())
        .isEqualTo("\r\033[Kverify [############............]  50% 100/200 50/s 1.0 MB/s ETA 0:02");
    progress.finish();
    assertThat(printed()).endsWith("\r\033[K");
  }

  @Test
  void unknownTotalHasNoEtaAndQuietPrintsNothing() {
    Progress progress = new Progress("export", -1, err, false, false, () -> now);
    now = 10_000_000_000L;
    progress.advance(1000, 0);
    assertThat(printed()).isEqualTo("export: 1,000 100/s 0.0 MB/s\n");
    bytes.reset();
    Progress quiet = new Progress("export", -1, err, true, true, () -> now);
    now = 20_000_000_000L;
    quiet.advance(1000, 0);
    quiet.finish();
    assertThat(printed()).isEmpty();
  }
}
