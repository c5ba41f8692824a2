package dev.cairn.cli;

/**
 * A failure the command reports as one line and an exit code: {@link #USAGE} when the command line
 * is wrong (a bad spec, hash, path or repository), {@link #FAILURE} when the work failed.
 */
final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final int FAILURE = 1;
  static final int USAGE = 2;

  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  CliFailure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  static CliFailure usage(String message) {
    return new CliFailure(USAGE, message);
  }

  static CliFailure failure(String message) {
    return new CliFailure(FAILURE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
