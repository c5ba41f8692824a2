package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the hostile-input table (family 8) caught: a relative {@code --store} directory was opened
 * against the JVM's working directory, not the command line's, so an in-process command created its
 * store outside the directory it was given.
 */
class RelativeStoreTest {
  @TempDir Path dir;

  @Test
  void aRelativeStoreResolvesAgainstTheCommandLinesWorkingDirectory() {
    String name = "relative-store-" + ProcessHandle.current().pid();
    Path jvmDirectory = Path.of("").toAbsolutePath();
    CliRun put =
        CliRun.run(dir, "x".getBytes(StandardCharsets.UTF_8), "--store", "disk:" + name, "put");
    assertThat(put.exit).as(put.toString()).isZero();
    assertThat(dir.resolve(name).resolve("MANIFEST")).exists();
    assertThat(Files.exists(jvmDirectory.resolve(name), LinkOption.NOFOLLOW_LINKS)).isFalse();
    // A read command creates no store (the lower 'l' does not exist yet): a put does.
    String layered = "layered(upper=disk:" + name + ", lower=lower:l)";
    assertThat(
            CliRun.run(dir, "x".getBytes(StandardCharsets.UTF_8), "--store", layered, "put").exit)
        .isZero();
    CliRun cat = CliRun.run(dir, "--store", layered, "cat", put.out.strip());
    assertThat(cat.exit).as(cat.toString()).isZero();
    assertThat(cat.out).isEqualTo("x");
    assertThat(dir.resolve("l")).isDirectory();
  }

  @Test
  void aRelativeStoreThatClimbsOutIsRejected() {
    CliRun put =
        CliRun.run(
            dir.resolve("a"),
            "x".getBytes(StandardCharsets.UTF_8),
            "--store",
            "disk:../../outside",
            "put");
    assertThat(put.exit).as(put.toString()).isEqualTo(2);
    assertThat(put.err).startsWith("cairn: ").contains("'..'");
    assertThat(Files.exists(dir.resolve("outside"))).isFalse();
    assertThat(Files.exists(dir.getParent().resolve("outside"))).isFalse();
  }
}
