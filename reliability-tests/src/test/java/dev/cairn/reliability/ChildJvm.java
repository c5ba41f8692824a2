package dev.cairn.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A child JVM on the test class path whose stdout lines are collected as they come. */
final class ChildJvm {
  final Process process;
  final List<String> lines = new ArrayList<>();
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
    });
    reader.start();
  }

  /** The java command for {@code mainClass} with {@code args}, as a list of words. */
  static List<String> command(Class<?> mainClass, String... args) {
    return command(List.of(), System.getProperty("java.class.path"), mainClass, args);
  }

  /**
   * The java command for {@code mainClass} with {@code args} on {@code classPath}, with {@code
   * jvmOptions} added (a class-data archive, say).
   */
  static List<String> command(List<String> jvmOptions, String classPath, Class<?> mainClass,
      String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:-UsePerfData");
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return command;
  }

  static ChildJvm start(List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    return new ChildJvm(builder.start());
  }

  boolean awaitReady(long seconds) throws InterruptedException {
    return ready.await(seconds, TimeUnit.SECONDS) && process.isAlive();
  }

  /** SIGKILL, then every line the child managed to write. */
  List<String> kill() throws InterruptedException {
    // Through the handle: Process.destroyForcibly also closes our end of the pipe, losing
    // acknowledgements the child wrote but we had not read yet.
    process.toHandle().destroyForcibly();
    process.waitFor();
    return finish();
  }

  List<String> finish() throws InterruptedException {
    reader.join();
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }
}
