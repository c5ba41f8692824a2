package dev.cairn.it;

import static dev.cairn.it.GitRepo.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.Main;
import dev.cairn.testkit.ChildJvm;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import-git} of a repository holding a blob larger than the importing JVM's heap hung (3 of
 * 4 runs, once for 48 minutes: {@code git cat-file} blocked writing to a pipe nobody read) or said
 * only "git cat-file failed". It must exit 1 with one line saying the object does not fit, leave no
 * {@code git cat-file} behind, and never hang.
 */
class ImportTooLargeBlobTest {
  private static final int BLOB_BYTES = 100 << 20;

  @TempDir Path dir;

  @Test
  void blobLargerThanTheHeapFailsWithOneLineAndLeavesNoGitBehind() throws Exception {
    Path repo = dir.resolve("repo");
    git(dir, "init", "-q", "-b", "main", repo.toString());
    Random random = new Random(19);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(repo.resolve("big.bin"))) {
      for (int i = 0; i < BLOB_BYTES / chunk.length; i++) {
        random.nextBytes(chunk); // incompressible: git cannot make it small
        out.write(chunk);
      }
    }
    Files.writeString(repo.resolve("small.txt"), "small\n");
    git(repo, "add", "big.bin", "small.txt");
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "big");
    String big = git(repo, "rev-parse", "HEAD:big.bin").trim();

    List<String> command =
        ChildJvm.command(
            List.of("-Xmx64m"),
            System.getProperty("java.class.path"),
            Main.class,
            "--store=disk:" + dir.resolve("store"),
            "-q",
            "import-git",
            repo.toString());
    Process cairn =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    cairn.getOutputStream().close();
    if (!cairn.waitFor(120, TimeUnit.SECONDS)) {
      cairn.destroyForcibly().waitFor();
      throw new AssertionError(
          "import-git of a blob larger than the heap still ran after 120 s;"
              + " git processes: "
              + GitRepo.catFiles(repo));
    }
    String output = new String(cairn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cairn.exitValue()).as(output).isEqualTo(1);
    assertThat(output)
        .as(output)
        .matches(
            "cairn: object "
                + big
                + " is 104,857,600 bytes: more than the [0-9,]+ bytes"
                + " this JVM's heap \\(-Xmx\\) can hold for one object\n");
    assertThat(GitRepo.catFiles(repo)).as("git cat-file processes left on %s", repo).isEmpty();
  }
}
