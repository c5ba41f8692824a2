package dev.cairn.cli;

/** The entry point of the runnable jar: {@code java -jar cairn-cli-VERSION-all.jar ARGS}. */
public final class Main {
  private Main() {}

  /**
   * Runs the {@code cairn} command on the process's standard streams and exits with its code: 0
   * success, 1 failure, 2 usage error.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(CairnCli.run(args));
  }
}
