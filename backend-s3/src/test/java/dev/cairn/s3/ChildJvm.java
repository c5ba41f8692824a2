package dev.cairn.s3;

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
 * A {@link Child} JVM on the test class path, told where the build's RGW is, whose stdout lines
 * are collected as they come.
 */
final class ChildJvm {
  final Process process;
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
    });
    reader.start();
  }

  static ChildJvm start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Dcairn.rgw.dir=" + System.getProperty("cairn.rgw.dir"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Child.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    return new ChildJvm(builder.start());
  }

  boolean awaitReady(long seconds) throws InterruptedException {
    return ready.await(seconds, TimeUnit.SECONDS) && process.isAlive();
  }

  /** SIGKILL (kill -9), then every line the child managed to write. */
  List<String> kill() throws InterruptedException {
    // Through the handle: Process.destroyForcibly also closes our end of the pipe, losing
    // acknowledgements the child wrote but we had not read yet.
    process.toHandle().destroyForcibly();
    process.waitFor();
    return finish();
  }

  /** Waits for the child to exit (at most {@code seconds}) and returns its lines. */
  List<String> await(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("child did not finish within " + seconds + " s");
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("child exited with " + process.exitValue() + ": " + finish());
    }
    return finish();
  }

  private List<String> finish() throws InterruptedException {
    reader.join();
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }
}
