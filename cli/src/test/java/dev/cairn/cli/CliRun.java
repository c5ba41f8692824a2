package dev.cairn.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** One in-process run of the command, its streams captured. */
final class CliRun {
  final int exit;
  final byte[] outBytes;
  final String out;
  final String err;

  private CliRun(int exit, byte[] out, String err) {
    this.exit = exit;
    this.outBytes = out;
    this.out = new String(out, StandardCharsets.UTF_8);
    this.err = err;
  }

  static CliRun run(Path cwd, byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        CairnCli.commandLine(new ByteArrayInputStream(stdin), out, err, Map.of(), cwd)
            .execute(args);
    return new CliRun(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  static CliRun run(Path cwd, String... args) {
    return run(cwd, new byte[0], args);
  }

  @Override
  public String toString() {
    return "exit " + exit + "\nout: " + out + "\nerr: " + err;
  }
}
