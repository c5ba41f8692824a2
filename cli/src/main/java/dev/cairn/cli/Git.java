package dev.cairn.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the {@code git} executable on one repository. */
final class Git {
  final Path directory;
  final String name;

  private Git(Path directory, String name) {
    this.directory = directory;
    this.name = name;
  }

  /**
   * The repository at {@code directory} (a work tree or a bare repository), checked.
   *
   * @throws CliFailure (usage) if the directory is missing or not a Git repository; (failure) if
   *     {@code git} cannot be run
   */
  static Git open(Path directory, String name) {
    if (!Files.exists(directory)) {
      throw CliFailure.usage("no such directory: '" + name + "'");
    }
    if (!Files.isDirectory(directory)) {
      throw CliFailure.usage("'" + name + "' is not a directory");
    }
    Git git = new Git(directory, name);
    Result result = git.run("rev-parse", "--git-dir");
    if (result.exit != 0) {
      throw CliFailure.usage("'" + name + "' is not a Git repository");
    }
    return git;
  }

  /** The repository's object format: {@code sha1} or {@code sha256}. */
  String objectFormat() {
    Result result = run("rev-parse", "--show-object-format");
    String format = result.exit == 0 ? result.out.trim() : "";
    // Git older than 2.29 does not know the option and only has SHA-1 repositories.
    return format.isEmpty() || format.startsWith("--") ? "sha1" : format;
  }

  /** Starts {@code git ARGS} in the repository, its standard error kept for messages. */
  Process start(String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.add("-C");
    command.add(directory.toString());
    command.addAll(List.of(args));
    try {
      return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new CliFailure(
          CliFailure.FAILURE,
          "cannot run git (is it installed and on PATH?): " + e.getMessage(),
          e);
    }
  }

  /** Runs {@code git ARGS} to its end. */
  Result run(String... args) {
    Process process = start(args);
    try {
      process.getOutputStream().close();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread errReader = drain(process.getErrorStream(), err);
      byte[] out = process.getInputStream().readAllBytes();
      int exit = process.waitFor();
      errReader.join();
      return new Result(
          exit, new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliFailure.failure("interrupted while running git");
    } finally {
      process.destroy();
    }
  }

  /** Runs {@code git ARGS}, failing with its error message if it fails. */
  String output(String... args) {
    Result result = run(args);
    if (result.exit != 0) {
      throw CliFailure.failure(
          "git " + String.join(" ", args) + " failed in '" + name + "': " + firstLine(result.err));
    }
    return result.out;
  }

  /** Copies {@code in} into {@code sink} on a daemon thread. */
  static Thread drain(InputStream in, ByteArrayOutputStream sink) {
    Thread thread =
        new Thread(
            () -> {
              try {
                in.transferTo(sink);
              } catch (IOException e) {
                // The process ended; what was read is kept.
              }
            },
            "git-stderr");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  static String firstLine(String text) {
    String trimmed = text.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline);
  }

  /** What a finished git process printed. */
  static final class Result {
    final int exit;
    final String out;
    final String err;

    Result(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }
  }
}
