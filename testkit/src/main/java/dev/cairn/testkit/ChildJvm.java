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
 * A child JVM running a main class of the test class path, whose standard output lines are
 * collected as they come: for the tests a store needs across processes (a second writer that must
 * be refused, a writer killed with {@code kill -9} mid-batch whose acknowledged writes must
 * survive). The child prints a line per acknowledgement; the test reads {@link #lines()} and, after
 * {@link #kill()}, checks that everything printed is in the store. A child that prints {@code
 * READY} releases {@link #awaitReady}. Its standard error goes to the test's.
 *
 * <p>Thread-safe.
 */
public final class ChildJvm {
  private final Process process;
  private final List<String> lines = new ArrayList<>(); // guarded by itself
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
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
            },
            "child-jvm-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The java command that runs {@code mainClass} with {@code args} on this JVM's class path, small
   * and quick to start (C1 only, serial GC, a 256 MiB heap).
   */
  public static List<String> command(Class<?> mainClass, String... args) {
    return command(List.of(), System.getProperty("java.class.path"), mainClass, args);
  }

  /**
   * As {@link #command(Class, String...)}, on {@code classPath}, with {@code jvmOptions} after the
   * defaults (so that {@code -Xmx1g}, say, replaces the default heap).
   */
  public static List<String> command(
      List<String> jvmOptions, String classPath, Class<?> mainClass, String... args) {
    requireNonNull(jvmOptions, "jvmOptions");
    requireNonNull(classPath, "classPath");
    requireNonNull(mainClass, "mainClass");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx256m"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Starts {@code command} (see {@link #command(Class, String...)}).
   *
   * @throws IOException if the process cannot be started
   */
  public static ChildJvm start(List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(requireNonNull(command, "command"));
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    return new ChildJvm(builder.start());
  }

  /** The process, to wait for it, write to its standard input or read its exit status. */
  public Process process() {
    return process;
  }

  /** Whether the child printed {@code READY} within {@code seconds} and is still running. */
  public boolean awaitReady(long seconds) throws InterruptedException {
    return ready.await(seconds, TimeUnit.SECONDS) && process.isAlive();
  }

  /** The lines the child has printed so far, in order (a copy). */
  public List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  /** Kills the child with SIGKILL, waits for it, and returns every line it managed to print. */
  public List<String> kill() throws InterruptedException {
    // Through the handle: Process.destroyForcibly also closes our end of the pipe, losing
    // acknowledgements the child wrote but we had not read yet.
    process.toHandle().destroyForcibly();
    process.waitFor();
    return finish();
  }

  /**
   * Waits at most {@code seconds} for the child to exit with status 0 and returns its lines.
   *
   * @throws AssertionError if it runs longer (it is then killed) or exits with another status
   */
  public List<String> await(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("the child did not finish within " + seconds + " s: " + lines());
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("the child exited with " + process.exitValue() + ": " + finish());
    }
    return finish();
  }

  /** Waits until the child's output ends (it exited or closed it) and returns every line. */
  public List<String> finish() throws InterruptedException {
    reader.join();
    return lines();
  }
}
