package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM for cross-process tests (kill loops, races between processes): started on the
 * test's class path, its standard output collected line by line as it comes, its standard error
 * passed through. A child reports on standard output; the line {@code READY} tells {@link
 * #awaitReady} that it has started. Thread-safe.
 */
public final class ChildJvm {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
          if (line.equals("READY")) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // The pipe broke with the process: what was read is what was acknowledged.
      } finally {
        ready.countDown();
      }
    }, "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The java command that runs {@code mainClass} with {@code args} on this JVM's class path,
   * with a small heap ({@code -Xmx256m}) and quick start-up (C1 only, the serial collector).
   */
  public static List<String> command(Class<?> mainClass, String... args) {
    return command(List.of(), System.getProperty("java.class.path"), mainClass, args);
  }

  /**
   * As {@link #command(Class, String...)}, on {@code classPath}, with {@code jvmOptions} (a
   * system property, a class-data archive) before the main class.
   */
  public static List<String> command(List<String> jvmOptions, String classPath,
      Class<?> mainClass, String... args) {
    requireNonNull(jvmOptions, "jvmOptions");
    requireNonNull(classPath, "classPath");
    requireNonNull(mainClass, "mainClass");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:-UsePerfData");
    command.add("-Xmx256m");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Starts {@code command} (from {@link #command}).
   *
   * @throws IOException if the process cannot be started
   */
  public static ChildJvm start(List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(requireNonNull(command, "command"));
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    return new ChildJvm(builder.start());
  }

  /** The process. */
  public Process process() {
    return process;
  }

  /** Whether the child printed {@code READY} within {@code seconds} and is still alive. */
  public boolean awaitReady(long seconds) throws InterruptedException {
    return ready.await(seconds, TimeUnit.SECONDS) && process.isAlive();
  }

  /** The lines the child has printed so far. */
  public List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  /** SIGKILL (kill -9), then every line the child managed to print. */
  public List<String> kill() throws InterruptedException {
    // Through the handle: Process.destroyForcibly also closes our end of the pipe, losing
    // acknowledgements the child wrote but we had not read yet.
    process.toHandle().destroyForcibly();
    process.waitFor();
    return finish();
  }

  /**
   * Waits at most {@code seconds} for the child to exit, and returns every line it printed.
   *
   * @throws AssertionError if it did not exit in time (it is then killed) or exited with a
   *     status other than 0 (the message holds its lines)
   */
  public List<String> await(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("child did not finish within " + seconds + " s");
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("child exited with " + process.exitValue() + ": " + finish());
    }
    return finish();
  }

  /** Every line the child printed, once its output has ended (it exited or was killed). */
  public List<String> finish() throws InterruptedException {
    reader.join();
    return lines();
  }
}
