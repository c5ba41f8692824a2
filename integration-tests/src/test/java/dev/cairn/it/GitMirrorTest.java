package dev.cairn.it;

import static dev.cairn.it.GitRepo.cairn;
import static dev.cairn.it.GitRepo.cairnOk;
import static dev.cairn.it.GitRepo.fsck;
import static dev.cairn.it.GitRepo.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import-git} as a mirror (incremental, deleting what the source deleted, refusing a second
 * repository, never hanging on a damaged one), symbolic refs, names as Git reads them and {@code
 * export-git}'s pack.
 */
class GitMirrorTest {
  @TempDir Path dir;

  private Path repository(String name) throws IOException {
    Path repo = dir.resolve(name);
    git(dir, "init", "-q", "-b", "main", repo.toString());
    for (String file : new String[] {"a", "b"}) {
      commit(repo, file, file + "\n");
    }
    return repo;
  }

  private static void commit(Path repo, String file, String content) throws IOException {
    Path path = repo.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content);
    git(repo, "add", file);
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", file);
  }

  private String store() {
    return "--store=disk:" + dir.resolve("store");
  }

  @Test
  void reimportWithNothingNewReadsNothingAndReportsNothingNew() throws IOException {
    Path repo = repository("repo");
    assertThat(cairnOk(dir, store(), "--json", "import-git", "repo").out())
        .contains("\"objects\":6,")
        .contains("\"alreadyStored\":0,");
    assertThat(cairnOk(dir, store(), "--json", "import-git", "repo").out())
        .contains("\"objects\":0,")
        .contains("\"alreadyStored\":6,")
        .contains("\"refsSet\":0,");
    commit(repo, "c", "c\n");
    assertThat(cairnOk(dir, store(), "--json", "import-git", "repo").out())
        .contains("\"objects\":3,")
        .contains("\"alreadyStored\":6,")
        .contains("\"refsSet\":1,");
  }

  @Test
  void refsDeletedInTheSourceAreDeletedByReimport() throws IOException {
    Path repo = repository("repo");
    git(repo, "branch", "topic");
    git(repo, "tag", "v1");
    cairnOk(dir, store(), "-q", "import-git", "repo");
    assertThat(cairnOk(dir, store(), "ref", "list").out())
        .contains("refs/heads/topic")
        .contains("refs/tags/v1");
    git(repo, "branch", "-D", "topic");
    git(repo, "tag", "-d", "v1");
    assertThat(cairnOk(dir, store(), "--json", "import-git", "repo").out())
        .contains("\"refsDeleted\":2,");
    assertThat(cairnOk(dir, store(), "ref", "list").out())
        .doesNotContain("refs/heads/topic")
        .doesNotContain("refs/tags/v1")
        .contains("refs/heads/main");
  }

  @Test
  void importingASecondRepositoryIsRefusedUnlessReplaceRefsIsGiven() throws IOException {
    repository("first");
    Path second = repository("second");
    commit(second, "other", "other\n");
    cairnOk(dir, store(), "-q", "import-git", "first");
    String main = cairnOk(dir, store(), "ref", "get", "refs/heads/main").out();
    GitRepo.Run refused = cairn(dir, store(), "import-git", "second");
    assertThat(refused.exit()).as("%s", refused).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("cairn: the store ")
        .contains("mirrors the Git" + " repository " + dir.resolve("first/.git"))
        .contains("--replace-refs");
    assertThat(refused.err().lines().count()).isEqualTo(1);
    assertThat(cairnOk(dir, store(), "ref", "get", "refs/heads/main").out()).isEqualTo(main);
    cairnOk(dir, store(), "-q", "import-git", "--replace-refs", "second");
    assertThat(cairnOk(dir, store(), "ref", "get", "HEAD").out().trim())
        .isEqualTo(git(second, "rev-parse", "HEAD").trim());
  }

  @Test
  void refsMadeByHandAreNotReplacedSilently() throws IOException {
    repository("repo");
    String sha1Store = store() + "?hash=sha1";
    String blob = cairnOk(dir, sha1Store, "put", "-").out().trim();
    cairnOk(dir, sha1Store, "ref", "set", "refs/heads/main", blob);
    GitRepo.Run refused = cairn(dir, store(), "import-git", "repo");
    assertThat(refused.exit()).as("%s", refused).isEqualTo(1);
    assertThat(refused.err()).contains("refs/heads/main").contains("--replace-refs");
  }

  /**
   * A loose object whose bytes are another object's: import-git printed the right message and then
   * waited forever for git, blocked writing to a pipe nobody read.
   */
  @Test
  void damagedRepositoryFailsWithOneLineAndDoesNotHang() throws IOException {
    Path repo = repository("repo");
    Random random = new Random(1);
    for (int i = 0; i < 8; i++) {
      byte[] big = new byte[1 << 20];
      random.nextBytes(big);
      Files.write(repo.resolve("big" + i), big);
      git(repo, "add", "big" + i);
    }
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "b");
    git(repo, "repack", "-q", "-a", "-d");
    String victim = git(repo, "hash-object", "-w", "--stdin").trim();
    Path loose = repo.resolve(".git/objects/" + victim.substring(0, 2) + "/" + victim.substring(2));
    loose.toFile().setWritable(true);
    ByteArrayOutputStream wrong = new ByteArrayOutputStream();
    try (DeflaterOutputStream out = new DeflaterOutputStream(wrong)) {
      out.write("blob 5\0wrong".getBytes(StandardCharsets.US_ASCII));
    }
    Files.write(loose, wrong.toByteArray());
    GitRepo.Run run =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60), () -> cairn(dir, store(), "import-git", "repo"));
    assertThat(run.exit()).as("%s", run).isEqualTo(1);
    assertThat(run.err())
        .as("%s", run)
        .startsWith("cairn: object " + victim + " of 'repo' hashes to ")
        .endsWith(": the repository is damaged\n");
    assertThat(GitRepo.catFiles(repo)).as("git cat-file processes left on %s", repo).isEmpty();
  }

  /** {@code ref get HEAD} returned a synthetic blob "ref: refs/heads/main". */
  @Test
  void headResolvesToItsBranchsCommitAndOtherSymbolicRefsExportAsSymbolic() throws IOException {
    Path repo = repository("repo");
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/heads/main");
    cairnOk(dir, store(), "-q", "import-git", "repo");
    String head = git(repo, "rev-parse", "HEAD").trim();
    assertThat(cairnOk(dir, store(), "ref", "get", "HEAD").out().trim()).isEqualTo(head);
    assertThat(cairnOk(dir, store(), "cat", "-p", "HEAD").out()).startsWith("tree ");
    assertThat(cairnOk(dir, store(), "ref", "list").out())
        .contains(head + " HEAD\n")
        .contains(head + " refs/remotes/origin/HEAD\n");
    Path export = dir.resolve("export.git");
    cairnOk(dir, store(), "-q", "export-git", export.toString());
    fsck(export);
    assertThat(git(export, "symbolic-ref", "HEAD").trim()).isEqualTo("refs/heads/main");
    assertThat(git(export, "symbolic-ref", "refs/remotes/origin/HEAD").trim())
        .isEqualTo("refs/heads/main");
    assertThat(GitRepo.objects(export)).isEqualTo(GitRepo.objects(repo));
  }

  @Test
  void catReadsHeadRefNamesAndAbbreviationsAsGitDoes() throws IOException {
    Path repo = repository("repo");
    git(repo, "tag", "v1", "HEAD~1");
    cairnOk(dir, store(), "-q", "import-git", "repo");
    String head = git(repo, "rev-parse", "HEAD").trim();
    String first = git(repo, "rev-parse", "HEAD~1").trim();
    String printed = cairnOk(dir, store(), "cat", "-p", head).out();
    assertThat(cairnOk(dir, store(), "cat", "-p", "main").out()).isEqualTo(printed);
    assertThat(cairnOk(dir, store(), "cat", "-p", "refs/heads/main").out()).isEqualTo(printed);
    assertThat(cairnOk(dir, store(), "cat", "-p", head.substring(0, 7)).out()).isEqualTo(printed);
    assertThat(cairnOk(dir, store(), "cat", "-p", "v1").out())
        .isEqualTo(git(repo, "cat-file", "-p", first));
    GitRepo.Run unknown = cairn(dir, store(), "cat", "nosuchref");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("cairn: no ref or object 'nosuchref' in the store\n");
  }

  /** {@code cat -p} of a tree printed its binary form; git prints a listing. */
  @Test
  void catPOfATreeListsItAsGitCatFileDoes() throws IOException {
    Path repo = repository("repo");
    commit(repo, "dir/x", "x\n");
    cairnOk(dir, store(), "-q", "import-git", "repo");
    String tree = git(repo, "rev-parse", "HEAD^{tree}").trim();
    assertThat(cairnOk(dir, store(), "cat", "-p", tree).out())
        .isEqualTo(git(repo, "cat-file", "-p", tree));
  }

  /** export-git wrote one loose file per object (6.86 GB for a 520 MB source). */
  @Test
  void exportIsOnePackWithItsIndexThatGitVerifies() throws IOException {
    Path repo = repository("repo");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      text.append("line ").append(i).append('\n');
      if (i % 30 == 0) {
        commit(repo, "grows.txt", text.toString());
      }
    }
    cairnOk(dir, store(), "-q", "import-git", "repo");
    Path export = dir.resolve("export.git");
    assertThat(cairnOk(dir, store(), "--json", "export-git", export.toString()).out())
        .containsPattern("\"deltas\":[1-9]");
    try (var files = Files.list(export.resolve("objects/pack"))) {
      assertThat(files.map(f -> f.getFileName().toString().replaceAll("[0-9a-f]{40}", "H")))
          .containsExactlyInAnyOrder("pack-H.pack", "pack-H.idx");
    }
    assertThat(Files.list(export.resolve("objects")).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("pack", "info");
    fsck(export);
    String verify =
        git(
            export,
            "verify-pack",
            "-v",
            Files.list(export.resolve("objects/pack"))
                .filter(f -> f.toString().endsWith(".idx"))
                .findFirst()
                .orElseThrow()
                .toString());
    assertThat(verify).contains("chain length = 1");
    assertThat(GitRepo.refs(export)).isEqualTo(GitRepo.refs(repo));
    assertThat(GitRepo.objects(export)).isEqualTo(GitRepo.objects(repo));
  }
}
