package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar, after {@code package}: its merged service files, and run as a process. */
class ShadedJarIT {
  private static final Path JAR =
      Path.of(System.getProperty("cairn.jar", "target/cairn-cli-0.1.0-SNAPSHOT-all.jar"));

  @TempDir Path dir;

  @Test
  void everyBuiltInStoreTypeIsRegisteredInTheOneJar() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      String services;
      try (InputStream in =
          jar.getInputStream(jar.getEntry("META-INF/services/dev.cairn.spi.StoreFactory"))) {
        services = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(services.lines().map(String::trim).filter(l -> !l.isEmpty()))
          .contains(
              "dev.cairn.memory.MemoryStoreFactory",
              "dev.cairn.disk.DiskStoreFactory",
              "dev.cairn.lower.LowerFactory",
              "dev.cairn.decorators.CacheFactory",
              "dev.cairn.decorators.LayeredFactory",
              "dev.cairn.decorators.ReadOnlyFactory",
              "dev.cairn.decorators.StatsFactory",
              "dev.cairn.decorators.VerifyFactory",
              "dev.cairn.postgres.PostgresStoreFactory");
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("dev.cairn.cli.Main");
    }
    Result stores = java("stores");
    assertThat(stores.exit).isZero();
    for (String type :
        List.of(
            "memory",
            "disk",
            "lower",
            "layered",
            "cache",
            "read-only",
            "stats",
            "verify",
            "postgres")) {
      assertThat("\n" + stores.out).contains("\n" + type + " (");
    }
  }

  @Test
  void importsARepositoryIntoTheDefaultStoreAsSha1AndReadsItBack() throws Exception {
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo);
    git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("hello.txt"), "hello\n");
    git(repo, "add", "hello.txt");
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one");

    Result imported = java(repo, "import-git", ".");
    assertThat(imported.exit).as(imported.err).isZero();
    assertThat(imported.out).startsWith("imported 3 new objects");
    assertThat(Files.isDirectory(repo.resolve(".cairn"))).isTrue();
    Result blob = java(repo, "cat", "-p", "ce013625030ba8dba906f756967f9e9ca394464a");
    assertThat(blob.out).isEqualTo("hello\n");
    String head = git(repo, "rev-parse", "HEAD").trim();
    assertThat(java(repo, "ref", "get", "refs/heads/main").out.trim()).isEqualTo(head);
    assertThat(java(repo, "verify").exit).isZero();
  }

  @Test
  void failuresPrintOneLineWithoutAStackTrace() throws Exception {
    Result badSpec = java("--store", "dsk:/nowhere", "stats");
    assertThat(badSpec.exit).isEqualTo(2);
    assertThat(badSpec.err.lines().count()).isEqualTo(1);
    assertThat(badSpec.err).startsWith("cairn: unknown store type 'dsk'");
    Result notGit = java("--store", "memory:?hash=sha1", "import-git", dir.toString());
    assertThat(notGit.exit).isEqualTo(2);
    assertThat(notGit.err.trim()).isEqualTo("cairn: '" + dir + "' is not a Git repository");
    Result version = java("--version");
    assertThat(version.exit).isZero();
    assertThat(version.out).startsWith("cairn 0.1.0-SNAPSHOT");
  }

  private static final class Result {
    final int exit;
    final String out;
    final String err;

    Result(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }
  }

  private Result java(String... args) throws IOException {
    return java(dir, args);
  }

  private Result java(Path cwd, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
    builder.environment().remove("CAIRN_STORE");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process = builder.redirectError(err.toFile()).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      return new Result(process.waitFor(), out, Files.readString(err));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static String git(Path repo, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out;
  }
}
