package dev.cairn.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paths of pg-server.sh that this machine does not take: where PostgreSQL is missing, a
 * non-root build fails in one line naming it and the command that installs it, and a root build
 * installs it from Debian's packages.
 */
class ServerScriptIT {
  @TempDir Path state;

  private static Result run(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PG_SEARCH", "/nonexistent/*/bin");
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    return new Result(p.waitFor(), out, err);
  }

  private record Result(int exit, String out, String err) {}

  private String script() {
    return System.getProperty("cairn.pg.script");
  }

  @Test
  void withoutPostgresqlAndWithoutRootTheBuildFailsInOneLineNamingTheInstallCommand()
      throws Exception {
    java.nio.file.Files.setPosixFilePermissions(
        state, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    // A copy nobody can read: the checkout may sit in a directory only its owner can enter
    // (a clone into mktemp -d, say).
    Path copy = java.nio.file.Files.copy(Path.of(script()), state.resolve("pg-server.sh"));
    java.nio.file.Files.setPosixFilePermissions(
        copy, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> command =
        isRoot()
            ? List.of(
                "runuser",
                "-u",
                "nobody",
                "--",
                "env",
                "PG_SEARCH=/nonexistent/*/bin",
                "bash",
                copy.toString(),
                "start",
                state.resolve("s").toString())
            : List.of("bash", script(), "start", state.resolve("s").toString());
    Result result = run(command);
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err().strip())
        .doesNotContain("\n")
        .contains("PostgreSQL is not installed")
        .contains("apt-get install -y postgresql-15");
  }

  @Test
  void withoutPostgresqlAsRootTheScriptInstallsItFromDebiansPackages() throws Exception {
    if (!isRoot()) {
      withoutPostgresqlAndWithoutRootTheBuildFailsInOneLineNamingTheInstallCommand();
      return; // not root: the script must refuse, as above
    }
    Result result =
        run(
            List.of(
                "env",
                "PG_INSTALL_DRY_RUN=1",
                "bash",
                script(),
                "start",
                state.resolve("s").toString()));
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.out()).contains("apt-get install -y --no-install-recommends postgresql-15");
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
