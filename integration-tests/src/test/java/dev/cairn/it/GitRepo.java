package dev.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CairnCli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Runs git and the cairn command in-process for the end-to-end tests. */
final class GitRepo {
  private GitRepo() {}

  /** What one run printed. */
  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\nout: " + out + "\nerr: " + err;
    }
  }

  /** {@code cairn ARGS} in-process, working directory {@code cwd}. */
  static Run cairn(Path cwd, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        CairnCli.commandLine(new ByteArrayInputStream(new byte[0]), out, err, Map.of(), cwd)
            .execute(args);
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code cairn ARGS}, which must succeed. */
  static Run cairnOk(Path cwd, String... args) {
    Run run = cairn(cwd, args);
    assertThat(run.exit()).as("cairn %s\n%s", String.join(" ", args), run).isZero();
    return run;
  }

  /** The command lines of the {@code git cat-file} processes still running on {@code repo}. */
  static java.util.List<String> catFiles(Path repo) {
    return ProcessHandle.allProcesses()
        .map(p -> p.info().commandLine().orElse(""))
        .filter(line -> line.contains("cat-file") && line.contains(repo.toString()))
        .toList();
  }

  /** {@code git ARGS} in {@code dir}, its output; fails the test if git fails. */
  static String git(Path dir, String... args) {
    return git(dir, null, args);
  }

  static String git(Path dir, byte[] input, String... args) {
    Run run = gitRun(dir, input, args);
    assertThat(run.exit()).as("git %s\n%s", String.join(" ", args), run).isZero();
    return run.out();
  }

  static Run gitRun(Path dir, byte[] input, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
      builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
      Process process = builder.start();
      Thread feeder =
          new Thread(
              () -> {
                try (OutputStream stdin = process.getOutputStream()) {
                  if (input != null) {
                    stdin.write(input);
                  }
                } catch (IOException e) {
                  // git exited early; its exit code tells.
                }
              });
      feeder.start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread errReader =
          new Thread(
              () -> {
                try {
                  process.getErrorStream().transferTo(err);
                } catch (IOException e) {
                  // ended
                }
              });
      errReader.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = process.waitFor();
      feeder.join();
      errReader.join();
      return new Run(exit, out, err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every ref of a repository: name to object id. */
  static Map<String, String> refs(Path repo) {
    Map<String, String> refs = new TreeMap<>();
    for (String line : git(repo, "for-each-ref", "--format=%(refname) %(objectname)").split("\n")) {
      if (!line.isEmpty()) {
        int space = line.indexOf(' ');
        refs.put(line.substring(0, space), line.substring(space + 1));
      }
    }
    return refs;
  }

  /** {@code git rev-list --all --objects}, sorted (its order depends on the walk). */
  static List<String> objects(Path repo, String... revisions) {
    List<String> args = new ArrayList<>(List.of("rev-list", "--objects"));
    args.addAll(revisions.length == 0 ? List.of("--all") : List.of(revisions));
    List<String> lines =
        new ArrayList<>(List.of(git(repo, args.toArray(new String[0])).split("\n")));
    lines.sort(null);
    return lines;
  }

  /** {@code git fsck --strict --full}; returns its output after asserting no error. */
  static String fsck(Path repo) {
    Run run = gitRun(repo, null, "fsck", "--strict", "--full");
    assertThat(run.exit()).as("git fsck --strict --full in %s\n%s", repo, run).isZero();
    assertThat(run.err() + run.out()).doesNotContain("error").doesNotContain("warning");
    return run.err();
  }

  /**
   * A {@code git fast-import} stream of {@code commits} commits: most on main, the rest on branches
   * (one of them, {@code doomed}, never merged and with only its own blobs), some merges, annotated
   * and lightweight tags, text, binary and empty blobs. Each commit changes files in two
   * directories, so it adds about six objects.
   */
  static byte[] fastImportStream(int commits, long seed) {
    Random random = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream(commits * 400);
    int mark = 0;
    int[] branchHead = new int[5];
    String[] branches = {"main", "dev", "feature/a", "feature/b", "doomed"};
    long time = 1_600_000_000L;
    for (int i = 0; i < commits; i++) {
      int branch;
      if (i < 10) {
        branch = 0;
      } else {
        int r = random.nextInt(100);
        branch = r < 60 ? 0 : r < 75 ? 1 : r < 85 ? 2 : r < 95 ? 3 : 4;
      }
      mark++;
      StringBuilder c = new StringBuilder();
      c.append("commit refs/heads/").append(branches[branch]).append('\n');
      c.append("mark :").append(mark).append('\n');
      c.append("author A U Thor <author@example.com> ").append(time).append(" +0000\n");
      c.append("committer C O Mitter <committer@example.com> ").append(time).append(" +0000\n");
      time += 60;
      String message = "commit " + i + " on " + branches[branch] + "\n";
      c.append("data ")
          .append(message.getBytes(StandardCharsets.UTF_8).length)
          .append('\n')
          .append(message);
      if (branchHead[branch] == 0 && branch != 0) {
        c.append("from :").append(branchHead[0]).append('\n');
      } else if (branch == 0 && i % 50 == 49 && branchHead[1] != 0) {
        c.append("merge :").append(branchHead[1]).append('\n');
      }
      write(out, c.toString());
      String prefix = branch == 4 ? "doomed/" : "";
      for (int f = 0; f < 2; f++) {
        String path =
            prefix
                + "d"
                + random.nextInt(20)
                + "/f"
                + random.nextInt(30)
                + (f == 0 ? ".txt" : ".bin");
        byte[] content;
        if (i % 97 == 5 && f == 0) {
          content = new byte[0];
        } else if (f == 1) {
          content = new byte[64 + random.nextInt(512)];
          random.nextBytes(content);
        } else {
          content =
              ("line " + i + " of " + branches[branch] + "\n")
                  .repeat(1 + random.nextInt(8))
                  .getBytes(StandardCharsets.UTF_8);
        }
        write(out, "M 100644 inline " + path + "\ndata " + content.length + "\n");
        out.write(content, 0, content.length);
        write(out, "\n");
      }
      branchHead[branch] = mark;
      if (i % 1000 == 999 && branchHead[0] != 0) {
        String tag = "v" + (i / 1000) + ".0";
        String tagMessage = "release " + tag + "\n";
        write(
            out,
            "tag "
                + tag
                + "\nfrom :"
                + branchHead[0]
                + "\ntagger T A Gger <tagger@example.com> "
                + time
                + " +0000\ndata "
                + tagMessage.length()
                + "\n"
                + tagMessage);
      } else if (i % 500 == 3) {
        write(out, "reset refs/tags/light-" + i + "\nfrom :" + mark + "\n\n");
      }
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
