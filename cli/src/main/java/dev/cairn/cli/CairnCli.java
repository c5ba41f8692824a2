package dev.cairn.cli;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CairnException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.storage.DirectoryLock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code cairn} command line. {@link #run(String...)} runs it on the process's streams; {@link
 * #commandLine} builds one over given streams, for embedding and tests:
 *
 * <pre>{@code
 * CommandLine cairn = CairnCli.commandLine(in, out, err, Map.of(), Path.of("."));
 * int exit = cairn.execute("--store", "memory:", "put", "-");
 * }</pre>
 *
 * <p>Exit codes: 0 success; 1 failure (an object or ref that is not there, damage found by {@code
 * verify}, a store or Git error); 2 usage (an unknown option, a bad stack spec, a malformed hash, a
 * missing file, directory or repository). A failure prints one line on standard error; its stack
 * trace only with {@code --verbose}. Progress goes to standard error, so standard output carries
 * only results.
 *
 * <p>Each {@code CommandLine} runs one command at a time.
 */
public final class CairnCli {
  private CairnCli() {}

  /**
   * Runs {@code args} on {@code System.in}, {@code System.out}, {@code System.err}, the environment
   * ({@code CAIRN_STORE}) and the working directory.
   *
   * @param args the command line
   * @return the exit code
   */
  public static int run(String... args) {
    requireNonNull(args, "args");
    return commandLine(
            System.in,
            System.out,
            System.err,
            System.getenv(),
            Path.of("").toAbsolutePath(),
            System.console() != null)
        .execute(args);
  }

  /**
   * A {@code cairn} command line over the given streams, that never exits the JVM: {@link
   * CommandLine#execute} returns the exit code. Progress is printed as plain lines.
   *
   * @param in standard input (for {@code put -})
   * @param out standard output: results, and object bytes for {@code cat}
   * @param err standard error: progress, warnings and errors
   * @param environment where {@code CAIRN_STORE} is looked up
   * @param workingDirectory what relative paths and the default store {@code disk:.cairn} resolve
   *     against
   * @return a new command line
   */
  public static CommandLine commandLine(
      InputStream in,
      OutputStream out,
      OutputStream err,
      Map<String, String> environment,
      Path workingDirectory) {
    return commandLine(in, out, err, environment, workingDirectory, false);
  }

  static CommandLine commandLine(
      InputStream in,
      OutputStream out,
      OutputStream err,
      Map<String, String> environment,
      Path workingDirectory,
      boolean terminal) {
    requireNonNull(in, "in");
    requireNonNull(out, "out");
    requireNonNull(err, "err");
    requireNonNull(environment, "environment");
    requireNonNull(workingDirectory, "workingDirectory");
    PrintStream outText =
        out instanceof PrintStream
            ? (PrintStream) out
            : new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errText =
        err instanceof PrintStream
            ? (PrintStream) err
            : new PrintStream(err, true, StandardCharsets.UTF_8);
    Terminal io =
        new Terminal(
            in, outText, errText, environment, workingDirectory.toAbsolutePath(), terminal);
    CairnCommand root = new CairnCommand(io);
    CommandLine line = new CommandLine(root);
    line.setOut(new PrintWriter(outText, true));
    line.setErr(new PrintWriter(errText, true));
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          String message =
              FailureText.escaped(
                  String.valueOf(e.getMessage()).strip().replace(System.lineSeparator(), "; "));
          errText.println(
              "cairn: "
                  + message
                  + " (see '"
                  + failed.getCommandSpec().qualifiedName()
                  + " --help')");
          if (root.verbose) {
            e.printStackTrace(errText);
          }
          return CliFailure.USAGE;
        });
    line.setExecutionExceptionHandler(
        (e, failed, parseResult) -> {
          int code = exitCode(e);
          errText.println("cairn: " + message(e));
          if (root.verbose) {
            e.printStackTrace(errText);
          }
          return code;
        });
    return line;
  }

  private static int exitCode(Exception e) {
    if (e instanceof CliFailure) {
      return ((CliFailure) e).exitCode();
    }
    if (e instanceof DirectoryLock.LockedException) {
      // Another process holds the store: nothing about the command line is wrong.
      return CliFailure.FAILURE;
    }
    if (e instanceof StoreConfigurationException) {
      // A bad spec, or options its store rejects: the command line is wrong.
      return CliFailure.USAGE;
    }
    return CliFailure.FAILURE;
  }

  private static String message(Exception e) {
    if (e instanceof CliFailure || e instanceof CairnException) {
      String m = e.getMessage();
      return FailureText.of(m == null ? e.getClass().getSimpleName() : m, e);
    }
    if (e instanceof UncheckedIOException || e instanceof IOException) {
      IOException io =
          e instanceof UncheckedIOException u
              ? requireNonNull(u.getCause(), "cause")
              : (IOException) e;
      return "I/O error: " + FailureText.escaped(FailureText.words(io));
    }
    return FailureText.escaped(
        "internal error: " + e + " (run with --verbose for the stack trace)");
  }
}
