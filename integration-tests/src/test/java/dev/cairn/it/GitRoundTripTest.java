package dev.cairn.it;

import static dev.cairn.it.GitRepo.cairn;
import static dev.cairn.it.GitRepo.cairnOk;
import static dev.cairn.it.GitRepo.fsck;
import static dev.cairn.it.GitRepo.git;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Git data end to end: a repository generated with {@code git fast-import} (10,000 commits,
 * about 60,000 objects, five branches, tags, text, binary and empty blobs) goes through {@code
 * cairn import-git}, {@code export-git} and {@code git fsck --strict --full}; a smaller one of the
 * same shape (2,000 commits) through garbage collection of a layered store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitRoundTripTest {
  private static final int COMMITS = 10_000;

  @TempDir static Path dir;

  /** Commits of the smaller repository the GC test collects (one export less of 60,000). */
  private static final int GC_COMMITS = 2_000;

  private Path original;
  private Map<String, String> originalRefs;
  private Path small;

  @BeforeAll
  void generate() {
    original = dir.resolve("original.git");
    git(dir, "init", "-q", "--bare", original.toString());
    git(original, GitRepo.fastImportStream(COMMITS, 42), "fast-import", "--quiet");
    originalRefs = GitRepo.refs(original);
    assertThat(git(original, "rev-list", "--all", "--count").trim())
        .isEqualTo(Integer.toString(COMMITS));
    assertThat(originalRefs.keySet())
        .contains(
            "refs/heads/main",
            "refs/heads/dev",
            "refs/heads/doomed",
            "refs/tags/v0.0",
            "refs/tags/v9.0");
    assertThat(originalRefs.keySet().stream().filter(r -> r.startsWith("refs/tags/light-")))
        .isNotEmpty();
    small = dir.resolve("small.git");
    git(dir, "init", "-q", "--bare", small.toString());
    git(small, GitRepo.fastImportStream(GC_COMMITS, 7), "fast-import", "--quiet");
  }

  @Test
  void importExportAndFsckKeepEveryObjectAndRef() throws IOException {
    long objects =
        Long.parseLong(
            git(original, "count-objects", "-v")
                .lines()
                .filter(l -> l.startsWith("in-pack: "))
                .findFirst()
                .orElseThrow()
                .substring(9)
                .trim());
    assertThat(objects).isGreaterThanOrEqualTo(50_000);
    assertThat(git(original, "cat-file", "-t", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391").trim())
        .isEqualTo("blob");

    // The source's own speed, then ours on the same repository, same run (reported, not
    // asserted: a test never asserts a time).
    long gitStart = System.nanoTime();
    Process catFile =
        new ProcessBuilder(
                "git", "-C", original.toString(), "cat-file", "--batch-all-objects", "--batch")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      assertThat(catFile.waitFor()).isZero();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    double gitSeconds = (System.nanoTime() - gitStart) / 1e9;

    String store = "disk:" + dir.resolve("store");
    String summary =
        cairnOk(dir, "--store", store, "--json", "import-git", original.toString()).out();
    assertThat(field(summary, "objects")).isEqualTo(objects);
    assertThat(field(summary, "refs")).isEqualTo(originalRefs.size() + 1); // and HEAD
    double cairnSeconds = Double.parseDouble(text(summary, "seconds"));
    System.out.printf(
        Locale.ROOT,
        "import-git: %d objects in %.2f s; git cat-file --batch"
            + " alone: %.2f s; ratio %.2f (goal >= 0.5)%n",
        objects,
        cairnSeconds,
        gitSeconds,
        gitSeconds / cairnSeconds);

    Path export = dir.resolve("export.git");
    cairnOk(dir, "--store", store, "export-git", export.toString());
    fsck(export);
    assertThat(GitRepo.refs(export)).isEqualTo(originalRefs);
    assertThat(GitRepo.objects(export)).isEqualTo(GitRepo.objects(original));
    assertThat(git(export, "log", "--all", "--format=%H %P %s"))
        .isEqualTo(git(original, "log", "--all", "--format=%H %P %s"));
    assertThat(git(export, "symbolic-ref", "HEAD"))
        .isEqualTo(git(original, "symbolic-ref", "HEAD"));
    assertThat(cairnOk(dir, "--store", store, "verify").out()).startsWith("ok: ");
  }

  @Test
  void gcOfALayeredStoreArchivesADeletedBranch() throws IOException {
    Path upper = dir.resolve("gc/upper");
    Path lower = dir.resolve("gc/lower");
    // An empty lower archive records no algorithm yet, so the spec names it.
    String stack = "layered(upper=disk:" + upper + ", lower=lower:" + lower + "?hash=sha1)";
    cairnOk(dir, "--store", stack, "-q", "import-git", small.toString());
    Map<String, String> smallRefs = GitRepo.refs(small);
    assertThat(smallRefs).containsKey("refs/heads/doomed");

    List<String> unique =
        new ArrayList<>(
            List.of(
                git(
                        small,
                        "rev-list",
                        "--objects",
                        "refs/heads/doomed",
                        "--not",
                        "refs/heads/main",
                        "refs/heads/dev",
                        "refs/heads/feature/a",
                        "refs/heads/feature/b",
                        "--tags")
                    .split("\n")));
    assertThat(unique).hasSizeGreaterThan(200);
    List<String> uniqueIds = unique.stream().map(l -> l.split(" ")[0]).toList();
    long upperBefore = size(upper);

    cairnOk(dir, "--store", stack, "ref", "delete", "refs/heads/doomed");
    String report = cairnOk(dir, "--store", stack, "--json", "gc", "--links", "git").out();
    assertThat(text(report, "mode")).isEqualTo("archive");
    assertThat(field(report, "archived")).isGreaterThanOrEqualTo(uniqueIds.size());
    assertThat(size(upper)).isLessThan(upperBefore);

    // The archived objects still read through the stack, byte for byte as Git has them.
    for (String id : uniqueIds.subList(0, 50)) {
      String cat = cairnOk(dir, "--store", stack, "--json", "cat", "-p", id).out();
      assertThat(field(cat, "size"))
          .as(id)
          .isEqualTo(Long.parseLong(git(small, "cat-file", "-s", id).trim()));
    }
    String commit = uniqueIds.get(0);
    assertThat(cairnOk(dir, "--store", stack, "cat", "-p", commit).out())
        .isEqualTo(git(small, "cat-file", "commit", commit));
    // ... and they live in the lower, no longer in the upper.
    assertThat(cairn(dir, "--store", "disk:" + upper, "exists", commit).exit()).isEqualTo(1);
    assertThat(cairn(dir, "--store", "lower:" + lower, "exists", commit).exit()).isZero();

    Path export = dir.resolve("after-gc.git");
    cairnOk(dir, "--store", stack, "export-git", export.toString());
    fsck(export);
    Map<String, String> expected = new TreeMap<>(smallRefs);
    expected.remove("refs/heads/doomed");
    assertThat(GitRepo.refs(export)).isEqualTo(expected);
    List<String> revisions = new ArrayList<>(expected.values());
    assertThat(GitRepo.objects(export))
        .isEqualTo(GitRepo.objects(small, revisions.toArray(new String[0])));
  }

  private static long size(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static long field(String json, String name) {
    return Long.parseLong(text(json, name));
  }

  private static String text(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"?([^,\"}]*)").matcher(json);
    assertThat(m.find()).as("%s in %s", name, json).isTrue();
    return m.group(1);
  }
}
