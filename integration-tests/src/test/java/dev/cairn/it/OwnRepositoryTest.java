package dev.cairn.it;

import static dev.cairn.it.GitRepo.cairnOk;
import static dev.cairn.it.GitRepo.fsck;
import static dev.cairn.it.GitRepo.git;
import static dev.cairn.it.GitRepo.gitRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project's own history, when the checkout is a Git repository (full or shallow), and a shallow
 * clone of it: import, export, {@code git fsck --strict --full}, same objects and refs.
 */
class OwnRepositoryTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  @TempDir Path dir;

  private static Path checkout() {
    GitRepo.Run top = gitRun(ROOT, null, "rev-parse", "--show-toplevel");
    assumeTrue(top.exit() == 0, "the checkout has no Git repository");
    return Path.of(top.out().trim());
  }

  @Test
  void theProjectsOwnRepositoryRoundTrips() throws IOException {
    Path repo = checkout();
    roundTrip(repo);
  }

  @Test
  void aShallowCloneRoundTripsWithItsBoundary() throws IOException {
    Path repo = checkout();
    Path shallow = dir.resolve("shallow");
    git(
        dir,
        "clone",
        "-q",
        "--no-local",
        "--depth",
        "5",
        "--no-single-branch",
        "file://" + repo,
        shallow.toString());
    Path shallowFile = Path.of(git(shallow, "rev-parse", "--git-path", "shallow").trim());
    shallowFile = shallowFile.isAbsolute() ? shallowFile : shallow.resolve(shallowFile);
    assertThat(shallowFile).exists();
    Path export = roundTrip(shallow);
    // Git's list may name commits cut at the depth whose parents arrived through another
    // path; the export lists exactly the commits whose parents are missing.
    TreeSet<String> cut = new TreeSet<>();
    for (String commit : lines(shallowFile)) {
      for (String line : git(shallow, "cat-file", "commit", commit).split("\n")) {
        if (line.isEmpty()) {
          break;
        }
        if (line.startsWith("parent ")
            && gitRun(shallow, null, "cat-file", "-e", line.substring(7).trim()).exit() != 0) {
          cut.add(commit);
        }
      }
    }
    assertThat(cut).isNotEmpty();
    assertThat(lines(export.resolve("shallow"))).isEqualTo(cut);
  }

  private Path roundTrip(Path repo) throws IOException {
    String store = "disk:" + dir.resolve("store-" + repo.getFileName());
    cairnOk(dir, "--store", store, "-q", "import-git", repo.toString());
    Path export = dir.resolve("export-" + repo.getFileName() + ".git");
    cairnOk(dir, "--store", store, "export-git", export.toString());
    fsck(export);
    Map<String, String> refs = new TreeMap<>(GitRepo.refs(repo));
    // A clone's remote-tracking HEAD is symbolic; Git lists it by its target's id.
    assertThat(GitRepo.refs(export)).isEqualTo(refs);
    assertThat(GitRepo.objects(export)).isEqualTo(GitRepo.objects(repo));
    assertThat(git(export, "log", "--all", "--format=%H %s"))
        .isEqualTo(git(repo, "log", "--all", "--format=%H %s"));
    return export;
  }

  private static TreeSet<String> lines(Path file) throws IOException {
    return new TreeSet<>(Arrays.asList(Files.readString(file).split("\n")));
  }
}
