package dev.cairn.it;

import static dev.cairn.it.GitRepo.cairn;
import static dev.cairn.it.GitRepo.cairnOk;
import static dev.cairn.it.GitRepo.fsck;
import static dev.cairn.it.GitRepo.git;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corners of import and export on small repositories made by the test. */
class SmallRepositoryTest {
  @TempDir Path dir;

  private Path repository(String... initOptions) throws IOException {
    Path repo = dir.resolve("repo");
    String[] init = new String[initOptions.length + 3];
    init[0] = "init";
    init[1] = "-q";
    System.arraycopy(initOptions, 0, init, 2, initOptions.length);
    init[init.length - 1] = repo.toString();
    git(dir, init);
    for (String file : new String[] {"a", "b"}) {
      Files.writeString(repo.resolve(file), file + "\n");
      git(repo, "add", file);
      git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", file);
    }
    return repo;
  }

  @Test
  void aSha256RepositoryWithADetachedHeadMakesASha256StoreAndExportsBack() throws IOException {
    Path repo = repository("--object-format=sha256");
    git(repo, "checkout", "-q", "--detach", "HEAD~1");
    String store = "--store=disk:" + dir.resolve("store");
    cairnOk(dir, store, "import-git", "repo");
    String head = git(repo, "rev-parse", "HEAD").trim();
    assertThat(head).hasSize(64);
    assertThat(cairnOk(dir, store, "ref", "get", "HEAD").out().trim()).isEqualTo(head);
    assertThat(cairnOk(dir, store, "--json", "stats").out()).contains("\"hash\":\"sha256\"");

    Path export = dir.resolve("export.git");
    cairnOk(dir, store, "export-git", export.toString());
    fsck(export);
    assertThat(Files.readString(export.resolve("HEAD"))).isEqualTo(head + "\n");
    assertThat(GitRepo.refs(export)).isEqualTo(GitRepo.refs(repo));
    assertThat(GitRepo.objects(export)).isEqualTo(GitRepo.objects(repo));
  }

  @Test
  void aStoreThatRefusesWritesFailsTheImportWithOneLine() throws IOException {
    repository();
    GitRepo.Run run = cairn(dir, "--store", "read-only:memory:?hash=sha1", "import-git", "repo");
    assertThat(run.exit()).as("%s", run).isEqualTo(1);
    assertThat(run.err().lines().count()).as("%s", run).isEqualTo(1);
    assertThat(run.err()).startsWith("cairn: ");
  }

  @Test
  void reimportingIsIdempotentAndMovesRefs() throws IOException {
    Path repo = repository();
    String store = "--store=disk:" + dir.resolve("store");
    cairnOk(dir, store, "-q", "import-git", "repo");
    Files.writeString(repo.resolve("c"), "c\n");
    git(repo, "add", "c");
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "c");
    cairnOk(dir, store, "-q", "import-git", "repo");
    String branch = git(repo, "symbolic-ref", "HEAD").trim();
    assertThat(cairnOk(dir, store, "ref", "get", branch).out().trim())
        .isEqualTo(git(repo, "rev-parse", "HEAD").trim());
    assertThat(cairnOk(dir, store, "verify").out()).startsWith("ok: ");
  }

  @Test
  void verifyNamesTheDamagedFileAndObject() throws IOException {
    repository();
    Path storeDir = dir.resolve("store");
    String store = "--store=disk:" + storeDir;
    cairnOk(dir, store, "-q", "import-git", "repo");
    assertThat(cairnOk(dir, store, "verify").out()).startsWith("ok: 7 objects");
    Path segment;
    try (var files = Files.list(storeDir)) {
      segment =
          files.filter(f -> f.getFileName().toString().endsWith(".data")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segment);
    bytes[bytes.length / 2] ^= (byte) 0xff;
    Files.write(segment, bytes);

    GitRepo.Run verify = cairn(dir, store, "verify");
    assertThat(verify.exit()).as("%s", verify).isEqualTo(1);
    assertThat(verify.out())
        .containsPattern(
            "damaged: object [0-9a-f]{40} in .*" + segment.getFileName() + "@[0-9]+: ");
    assertThat(verify.out()).contains("DAMAGED: 7 objects").contains("1 damaged");
    assertThat(cairn(dir, store, "--json", "verify").out()).contains("\"damaged\":[{\"object\":\"");
  }
}
