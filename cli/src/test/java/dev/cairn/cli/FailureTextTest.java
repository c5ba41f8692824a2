package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.disk.DiskBackend;
import dev.cairn.spi.StoreIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, items 10, 11 and 14: failures a user can act on. A locked store is a runtime failure
 * (exit 1), not a usage error; Java exception names become one line in words naming the path;
 * control characters from a spec are shown escaped.
 */
class FailureTextTest {
  @TempDir Path dir;

  private CliRun failing(int exit, String... args) {
    CliRun run = CliRun.run(dir, args);
    assertThat(run.exit).as("%s", run).isEqualTo(exit);
    assertThat(run.err.lines().count()).as("%s", run).isEqualTo(1);
    assertThat(run.err)
        .as("%s", run)
        .startsWith("cairn: ")
        .doesNotContain("Exception")
        .doesNotContain("java.");
    return run;
  }

  @Test
  void aLockedStoreExitsOneNotTwo() {
    Path store = dir.resolve("store");
    try (DiskBackend writer = DiskBackend.open(store)) {
      CliRun run = failing(1, "--store", "disk:" + store, "ref", "list");
      assertThat(run.err).contains(store.toString()).contains("mode=read-only");
    }
  }

  @Test
  void aStorePathThatIsAFileADanglingLinkOrALoopIsSaidInWords() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
    Path loop = Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
    CliRun run = failing(1, "--store", "disk:" + file, "put", "-");
    assertThat(run.err).contains("'" + file + "' exists and is not a directory");
    // Refused before anything is touched: no store can be created at a link to nothing.
    run = failing(2, "--store", "disk:" + dangling, "put", "-");
    assertThat(run.err).contains("disk:" + dangling + " is not a directory");
    run = failing(1, "--store", "disk:" + loop, "put", "-");
    assertThat(run.err)
        .contains("'" + loop)
        .contains("too many levels of symbolic links")
        .doesNotContain("Exception");
  }

  @Test
  void aStorePathThroughAFileIsSaidInWords() throws Exception {
    Files.writeString(dir.resolve("file"), "x");
    CliRun run = failing(1, "--store", "disk:" + dir.resolve("file/sub"), "stats");
    assertThat(run.err).contains("a part of '" + dir.resolve("file/sub") + "' is a file");
    // A read command never creates an archive, so the lower says that there is none there.
    run = failing(2, "--store", "lower:" + dir.resolve("file/sub"), "stats");
    assertThat(run.err).contains("no archive at lower:" + dir.resolve("file/sub"));
  }

  @Test
  void controlCharactersOfASpecAreQuotedInTheMessage() {
    CliRun run = failing(2, "--store", "disk:" + dir + "/a%00b", "stats");
    assertThat(run.err).contains("a\\u0000b").doesNotContain("\0");
    run = failing(2, "--store", "memory:?hash=md%0A5", "stats");
    assertThat(run.err).contains("md\\n5");
  }

  @Test
  void anotherUsersLockFileHintsAtReadOnly() {
    String text =
        FailureText.of(
            "opening disk:/srv/s: java.nio.file.AccessDeniedException:" + " /srv/s/LOCK",
            new StoreIOException("opening disk:/srv/s", new AccessDeniedException("/srv/s/LOCK")));
    assertThat(text)
        .isEqualTo(
            "opening disk:/srv/s: permission denied on '/srv/s/LOCK'; the"
                + " store belongs to another user: to read it, add ?mode=read-only to its disk: spec");
  }

  @Test
  void anImmutableFileIsSaidInWords() {
    FileSystemException immutable =
        new FileSystemException("/srv/s/seg-1.data", null, "Operation not permitted");
    assertThat(
            FailureText.of(
                new StoreIOException("appending to /srv/s", immutable).getMessage(),
                new StoreIOException("appending to /srv/s", immutable)))
        .isEqualTo(
            "appending to /srv/s: '/srv/s/seg-1.data' cannot be changed: operation not"
                + " permitted (is it immutable?)");
  }
}
