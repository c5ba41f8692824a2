package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CairnCliTest {
  @TempDir Path dir;

  private CliRun run(String... args) {
    return CliRun.run(dir, args);
  }

  @Test
  void putThenCatExistsAndRefsOnTheDefaultDiskStore() {
    byte[] content = {0, 1, 2, (byte) 0xff, '\n'};
    CliRun put = CliRun.run(dir, content, "put");
    assertThat(put.exit).as(put.toString()).isZero();
    String hash = put.out.trim();
    assertThat(hash).hasSize(64);
    assertThat(Files.isDirectory(dir.resolve(".cairn"))).isTrue();

    CliRun cat = run("cat", hash);
    assertThat(cat.exit).isZero();
    assertThat(cat.outBytes).isEqualTo(content);
    assertThat(run("exists", hash).out.trim()).isEqualTo("true");
    CliRun absent = run("exists", "00".repeat(32));
    assertThat(absent.exit).isEqualTo(1);
    assertThat(absent.out.trim()).isEqualTo("false");

    assertThat(run("ref", "set", "refs/heads/main", hash).exit).isZero();
    assertThat(run("ref", "get", "refs/heads/main").out.trim()).isEqualTo(hash);
    assertThat(run("ref", "list").out).isEqualTo(hash + " refs/heads/main\n");
    assertThat(run("--json", "ref", "list").out.trim())
        .isEqualTo("[{\"name\":\"refs/heads/main\",\"hash\":\"" + hash + "\"}]");
    CliRun lostRace = run("ref", "cas", "refs/heads/main", "none", hash);
    assertThat(lostRace.exit).isEqualTo(1);
    assertThat(lostRace.err).contains("refs/heads/main").contains(hash);
    assertThat(run("ref", "cas", "refs/heads/main", hash, "none").exit).isZero();
    assertThat(run("ref", "get", "refs/heads/main").exit).isEqualTo(1);
    assertThat(run("ref", "cas", "refs/heads/x", "none", hash).exit).isZero();
    assertThat(run("ref", "delete", "refs/heads/x").exit).isZero();
    CliRun deleteAgain = run("ref", "delete", "refs/heads/x");
    assertThat(deleteAgain.exit).isEqualTo(1);
    assertThat(deleteAgain.err.trim()).isEqualTo("cairn: no ref 'refs/heads/x'");
  }

  @Test
  void putReadsAFileAndPrintsJson() throws Exception {
    Files.writeString(dir.resolve("f.txt"), "hello\n");
    CliRun put = run("--store", "memory:?hash=sha1", "--json", "put", "f.txt");
    assertThat(put.out.trim())
        .isEqualTo("{\"hash\":\"f572d396fae9206628714fb2ce00f72e94f2258f\",\"size\":6}");
  }

  @Test
  void globalOptionsWorkAfterTheSubcommandToo() {
    CliRun put =
        CliRun.run(
            dir,
            "x".getBytes(StandardCharsets.UTF_8),
            "put",
            "--store",
            "memory:?hash=sha1",
            "--json");
    assertThat(put.exit).as(put.toString()).isZero();
    assertThat(put.out).startsWith("{\"hash\":\"11f6ad8ec52a2984abaafd7c3b516503785c2072\"");
  }

  @Test
  void helpAndVersionEverywhere() {
    for (String[] args :
        new String[][] {
          {"--help"},
          {"ref", "--help"},
          {"ref", "cas", "--help"},
          {"import-git", "--help"},
          {"verify", "-h"}
        }) {
      CliRun help = run(args);
      assertThat(help.exit).as(String.join(" ", args)).isZero();
      assertThat(help.out).contains("Usage: cairn");
    }
    CliRun version = run("stats", "--version");
    assertThat(version.exit).isZero();
    assertThat(version.out).startsWith("cairn 0.");
  }

  @Test
  void badInputGivesOneLineAndTheRightExitCode() throws Exception {
    expect(2, "cairn: unknown store type 'dsk' at 0", "--store", "dsk:/x", "stats");
    expect(1, "cairn: no ref or object 'xyz' in the store", "--store", "memory:", "cat", "xyz");
    expect(
        2, "cairn: 'x y' is not a sha256 hash (64 hex digits)", "--store", "memory:", "cat", "x y");
    expect(
        1,
        "cairn: no object " + "ab".repeat(32) + " in the store",
        "--store",
        "memory:",
        "cat",
        "ab".repeat(32));
    expect(
        2,
        "cairn: no such directory: 'missing'",
        "--store",
        "memory:?hash=sha1",
        "import-git",
        "missing");
    Files.createDirectories(dir.resolve("plain"));
    expect(
        2,
        "cairn: 'plain' is not a Git repository",
        "--store",
        "memory:?hash=sha1",
        "import-git",
        "plain");
    expect(2, "cairn: no such file: 'nope.bin'", "--store", "memory:", "put", "nope.bin");
    expect(2, "cairn: Unknown option: '--frobnicate'", "--frobnicate");
    expect(2, "cairn: a subcommand is required", "ref");
    expect(2, "cairn: invalid ref name \"a..b\"", "--store", "memory:", "ref", "get", "a..b");
  }

  private void expect(int exit, String firstLine, String... args) {
    CliRun run = run(args);
    assertThat(run.exit).as(run.toString()).isEqualTo(exit);
    assertThat(run.err).as(run.toString()).startsWith(firstLine).doesNotContain("\tat ");
  }

  @Test
  void readingCommandsDoNotCreateTheDefaultStore() {
    CliRun cat = run("cat", "00".repeat(32));
    assertThat(cat.exit).isEqualTo(1);
    assertThat(cat.err).startsWith("cairn: no store in " + dir.resolve(".cairn"));
    assertThat(dir.resolve(".cairn")).doesNotExist();
  }

  @Test
  void verboseAddsTheStackTrace() {
    CliRun run = run("--verbose", "--store", "dsk:/x", "stats");
    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("\tat ");
  }

  @Test
  void storesListsEveryBuiltInTypeWithItsOptions() {
    CliRun stores = run("stores");
    assertThat(stores.exit).isZero();
    for (String type :
        new String[] {
          "memory", "disk", "lower", "layered", "cache", "read-only", "stats", "verify"
        }) {
      assertThat("\n" + stores.out).contains("\n" + type + " (").as(type);
    }
    assertThat(stores.out).contains("fsync=one of [always, batch, never] (default always)");
    assertThat(run("--json", "stores").out).startsWith("{\"types\":[{\"name\":\"cache\"");
  }

  @Test
  void storesDocumentsPostgresWithItsPasswordSensitive() {
    CliRun stores = run("stores");
    assertThat(stores.out)
        .contains("\npostgres (leaf)")
        .contains("password=string [sensitive]: the password")
        .contains("gc-grace=a whole number from 0 to");
  }

  @Test
  void aPostgresServerThatIsDownIsOneLineWithoutStackTraceOrPassword() {
    CliRun run =
        run(
            "--store",
            "postgres://127.0.0.1:1/db?user=u&password=hunter2" + "&connect-timeout=2",
            "stats");
    assertThat(run.exit).as(run.toString()).isEqualTo(1);
    assertThat(run.err.strip())
        .doesNotContain("\n")
        .doesNotContain("hunter2")
        .startsWith("cairn: postgres://127.0.0.1:1/db?schema=cairn: open: ")
        .contains("refused");
    CliRun bad =
        run("--store", "postgres://127.0.0.1:1/db?schema=x;drop&password=hunter2", "stats");
    assertThat(bad.exit).as(bad.toString()).isEqualTo(2);
    assertThat(bad.err.strip())
        .doesNotContain("\n")
        .doesNotContain("hunter2")
        .contains("schema \"x;drop\" must be");
  }

  @Test
  void verifyChecksEveryFileOfALayeredStackAndNamesTheDamagedOne() throws Exception {
    String spec =
        "layered(upper=disk:" + dir.resolve("up") + ", lower=lower:" + dir.resolve("low") + ")";
    Files.writeString(dir.resolve("f.txt"), "hello\n");
    CliRun put = run("--store", spec, "put", "f.txt");
    assertThat(put.exit).as(put.toString()).isZero();
    assertThat(run("--store", spec, "ref", "set", "refs/heads/main", put.out.trim()).exit).isZero();
    CliRun clean = run("--store", spec, "verify");
    assertThat(clean.exit).as(clean.toString()).isZero();
    // Every object of both layers is read and re-hashed, not only their files checked.
    assertThat(clean.out)
        .startsWith("ok: 1 objects (0.0 MB), 1 refs, ")
        .contains("1 records) checked, 0 damaged");

    Path journal = dir.resolve("up").resolve("refs.log");
    byte[] bytes = Files.readAllBytes(journal);
    bytes[bytes.length - 1] ^= 1;
    Files.write(journal, bytes);
    CliRun damaged = run("--store", spec, "verify");
    assertThat(damaged.exit).isEqualTo(1);
    assertThat(damaged.out).contains("damaged: in " + journal + "@");
    assertThat(damaged.out).contains("DAMAGED");
  }

  @Test
  void verifyOfAStoreThatCannotListObjectsFails() {
    CliRun run = run("--store", "memory:", "verify");
    assertThat(run.exit).isEqualTo(1);
    assertThat(run.err).startsWith("cairn: the store memory: cannot list its objects");
  }
}
