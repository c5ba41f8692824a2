package dev.cairn.it;

import static dev.cairn.it.GitRepo.cairn;
import static dev.cairn.it.GitRepo.cairnOk;
import static dev.cairn.it.GitRepo.git;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each bad input gets one clear line on standard error and exit code 2 (usage) or 1. */
class CliExitCodesTest {
  @TempDir Path dir;

  private void expect(int exit, String message, String... args) {
    GitRepo.Run run = cairn(dir, args);
    assertThat(run.exit()).as("%s", run).isEqualTo(exit);
    assertThat(run.err().lines().count()).as("%s", run).isEqualTo(1);
    assertThat(run.err()).as("%s", run).startsWith("cairn: " + message).doesNotContain("Exception");
  }

  @Test
  void badSpec() {
    expect(2, "unknown store type 'disc' at 0 in \"disc:/x\"", "--store", "disc:/x", "stats");
    expect(2, "", "--store", "disk:/x?fsync=sometimes", "stats");
  }

  @Test
  void missingRepositoryAndNonGitDirectory() throws IOException {
    String store = "--store=disk:" + dir.resolve("s");
    expect(2, "no such directory: 'nowhere'", store, "import-git", "nowhere");
    Files.createDirectories(dir.resolve("plain"));
    expect(2, "'plain' is not a Git repository", store, "import-git", "plain");
    assertThat(dir.resolve("s")).doesNotExist();
  }

  @Test
  void unknownAndMalformedHashes() {
    String store = "--store=disk:" + dir.resolve("s");
    cairnOk(dir, store, "put", "-"); // only a command that writes creates the store
    expect(1, "no object " + "12".repeat(32) + " in the store", store, "cat", "12".repeat(32));
    expect(2, "'12' is not a sha256 hash (64 hex digits)", store, "cat", "12");
    expect(2, "'zz' is not a sha256 hash", store, "ref", "set", "refs/heads/x", "zz");
    expect(1, "no ref 'refs/heads/none'", store, "ref", "get", "refs/heads/none");
  }

  @Test
  void importIntoAnExistingSha256StoreIsRefused() throws IOException {
    Path repo = dir.resolve("repo");
    git(dir, "init", "-q", "--bare", repo.toString());
    String store = "--store=disk:" + dir.resolve("s256");
    cairnOk(dir, store, "put", "-");
    expect(
        1,
        "the store disk:"
            + dir.resolve("s256")
            + " holds sha256 objects but 'repo' is a"
            + " sha1 repository",
        store,
        "import-git",
        "repo");
  }

  @Test
  void exportIntoANonEmptyDirectoryAndGcOfAPlainStore() throws IOException {
    Files.createDirectories(dir.resolve("full"));
    Files.writeString(dir.resolve("full/file"), "x");
    String store = "--store=disk:" + dir.resolve("s");
    cairnOk(dir, store, "put", "-"); // only a command that writes creates the store
    expect(2, "'full' is not empty", store, "export-git", "full");
    expect(1, "the store disk:" + dir.resolve("s") + " has no garbage collection", store, "gc");
    expect(2, "--links: no link extractor called \"nope\"", store, "gc", "--links", "nope");
    expect(2, "'zz' is not a sha256 hash", store, "gc", "--pin", "zz");
    expect(
        2, "--mode must be auto, archive or rolling, not 'later'", store, "gc", "--mode", "later");
  }

  @Test
  void unknownCommandAndOption() {
    expect(2, "Unmatched argument at index 0: 'frobnicate'", "frobnicate");
    GitRepo.Run run = cairn(dir, "--frobnicate");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("cairn: Unknown option: '--frobnicate'");
  }
}
