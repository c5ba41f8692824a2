package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 2: objects lost from a store went unnoticed because {@code cairn verify} checked
 * only the objects still listed. A ref naming an object the store does not hold is damage, and
 * verify says so.
 */
class VerifyRefTargetTest {
  @TempDir Path dir;

  @Test
  void verifyReportsARefWhoseTargetIsMissing() {
    String store = "disk:" + dir.resolve("store");
    CliRun put = CliRun.run(dir, "x".getBytes(StandardCharsets.UTF_8), "--store", store, "put");
    assertThat(put.exit).as(put.toString()).isZero();
    String missing = "ab".repeat(32);
    CliRun set = CliRun.run(dir, "--store", store, "ref", "set", "refs/heads/lost", missing);
    assertThat(set.exit).as(set.toString()).isZero();
    CliRun verify = CliRun.run(dir, "--store", store, "verify");
    assertThat(verify.exit).as(verify.toString()).isEqualTo(1);
    assertThat(verify.out)
        .contains("object " + missing)
        .contains("ref refs/heads/lost")
        .contains("the ref names an object the store does not hold");
  }
}
