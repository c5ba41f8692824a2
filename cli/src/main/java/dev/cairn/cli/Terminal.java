package dev.cairn.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** What a command runs against: its streams, environment and working directory. */
final class Terminal {
  final InputStream in;
  final PrintStream out;
  final PrintStream err;
  final Map<String, String> environment;
  final Path workingDirectory;

  /** Whether a person watches: progress is a redrawn bar rather than periodic lines. */
  final boolean interactive;

  Terminal(
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> environment,
      Path workingDirectory,
      boolean interactive) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.environment = environment;
    this.workingDirectory = workingDirectory;
    this.interactive = interactive;
  }

  /** {@code path} resolved against the working directory. */
  Path resolve(String path) {
    return workingDirectory.resolve(path).normalize();
  }
}
