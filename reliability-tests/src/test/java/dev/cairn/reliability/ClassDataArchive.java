package dev.cairn.reliability;

import dev.cairn.testkit.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Starts {@link StackChild} JVMs quickly: an AppCDS archive of the classes a child loads is
 * recorded once per test JVM by a warm-up child ({@code -XX:ArchiveClassesAtExit}), and every later
 * child maps those classes instead of loading and verifying them — child start is what a kill loop
 * spends its time on. CDS takes classes only from jars, so each directory of the class path (the
 * test classes) is packed into a jar first. If recording fails, children run without the archive.
 * Thread-safe.
 */
final class ClassDataArchive {
  private final List<String> options;
  private final String classPath;

  private ClassDataArchive(List<String> options, String classPath) {
    this.options = options;
    this.classPath = classPath;
  }

  private static ClassDataArchive instance;

  /** The archive of this JVM, recorded on first use. */
  static synchronized ClassDataArchive get() throws IOException, InterruptedException {
    if (instance == null) {
      instance = record();
    }
    return instance;
  }

  /** The command that starts {@code mainClass} with {@code args} using the archive. */
  List<String> command(Class<?> mainClass, String... args) {
    return ChildJvm.command(options, classPath, mainClass, args);
  }

  private static ClassDataArchive record() throws IOException, InterruptedException {
    Path target = Path.of("target", "cds").toAbsolutePath();
    Files.createDirectories(target);
    long pid = ProcessHandle.current().pid();
    List<String> entries = new ArrayList<>();
    int jars = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        Path jar = target.resolve("classes-" + pid + "-" + jars++ + ".jar");
        pack(path, jar);
        entries.add(jar.toString());
      } else {
        entries.add(entry);
      }
    }
    String classPath = String.join(File.pathSeparator, entries);
    Path archive = target.resolve("stack-child-" + pid + ".jsa");
    Path scratch = Files.createTempDirectory(target, "warm-up");
    Path log = target.resolve("warm-up-" + pid + ".log");
    Process process =
        new ProcessBuilder(
                ChildJvm.command(
                    List.of("-XX:ArchiveClassesAtExit=" + archive),
                    classPath,
                    StackChild.class,
                    scratch.toString(),
                    "1",
                    "2",
                    "warm-up"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor();
    }
    KillNineStackTest.delete(scratch);
    if (!exited || process.exitValue() != 0 || !Files.isRegularFile(archive)) {
      System.out.println(
          "class-data archive not recorded (see " + log + "); children start without it");
      return new ClassDataArchive(List.of(), classPath);
    }
    return new ClassDataArchive(List.of("-XX:SharedArchiveFile=" + archive), classPath);
  }

  private static void pack(Path directory, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(directory)) {
      files
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(
              file -> {
                String name =
                    directory.relativize(file).toString().replace(File.separatorChar, '/');
                try {
                  out.putNextEntry(new JarEntry(name));
                  Files.copy(file, (OutputStream) out);
                  out.closeEntry();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
