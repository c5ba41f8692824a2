package dev.cairn.it;

import static dev.cairn.it.GitRepo.cairnOk;
import static dev.cairn.it.GitRepo.git;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 7: {@code import-git} into a new {@code layered(upper=disk:…, lower=lower:…)}
 * stack created the upper as SHA-1 while the lower, which archives nothing on import, opened as
 * SHA-256 the next time: every later command failed ("upper … uses sha1 but lower … uses sha256").
 * Every store of the stack that did not exist keeps the repository's hash.
 */
class LayeredImportTest {
  @TempDir Path dir;

  @Test
  void importGitIntoANewLayeredStackLeavesItUsable() throws IOException {
    Path repo = dir.resolve("repo");
    git(dir, "init", "-q", repo.toString());
    Files.writeString(repo.resolve("a"), "a\n");
    git(repo, "add", "a");
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "a");
    String store =
        "--store=layered(upper=disk:"
            + dir.resolve("up")
            + ", lower=lower:"
            + dir.resolve("low")
            + ")";

    cairnOk(dir, store, "-q", "import-git", "repo");

    String head = git(repo, "rev-parse", "HEAD").trim();
    String branch = git(repo, "symbolic-ref", "HEAD").trim();
    assertThat(cairnOk(dir, store, "ref", "get", branch).out().trim()).isEqualTo(head);
    assertThat(cairnOk(dir, store, "--json", "stats").out()).contains("\"hash\":\"sha1\"");
    assertThat(cairnOk(dir, store, "gc").out()).contains("archive");
    assertThat(cairnOk(dir, store, "verify").out()).startsWith("ok: ");
  }
}
