package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 13: only commands that write create a store, never among files that are not a
 * store's, and never two stores of a stack in one directory.
 */
class StoreCreationTest {
  private static final String NO_HASH = "00".repeat(32);

  @TempDir Path dir;

  @Test
  void readCommandsOnAMistypedDiskPathCreateNothing() {
    Path typo = dir.resolve("typo");
    for (String[] command :
        new String[][] {
          {"stats"},
          {"cat", NO_HASH},
          {"verify"},
          {"ref", "list"},
          {"ref", "get", "refs/heads/main"},
          {"exists", NO_HASH}
        }) {
      CliRun run = CliRun.run(dir, withStore("disk:" + typo, command));
      assertThat(run.exit).as(String.join(" ", command) + ": " + run).isNotZero();
      assertThat(run.err).as(String.join(" ", command)).contains("no store at disk:" + typo);
      assertThat(Files.exists(typo)).as(String.join(" ", command) + " created " + typo).isFalse();
    }
  }

  @Test
  void readCommandsOnAMistypedLayeredStackCreateNeitherStore() {
    Path upper = dir.resolve("up");
    Path lower = dir.resolve("low");
    String spec = "layered(upper=disk:" + upper + ", lower=lower:" + lower + ")";
    for (String[] command : new String[][] {{"stats"}, {"verify"}, {"ref", "list"}}) {
      CliRun run = CliRun.run(dir, withStore(spec, command));
      assertThat(run.exit).as(String.join(" ", command) + ": " + run).isNotZero();
      assertThat(Files.exists(upper) || Files.exists(lower))
          .as(String.join(" ", command) + " created a store")
          .isFalse();
    }
  }

  @Test
  void aWritingCommandCreatesTheStoreAndReadersThenOpenIt() {
    Path store = dir.resolve("new");
    CliRun put =
        CliRun.run(dir, "x".getBytes(StandardCharsets.UTF_8), "--store", "disk:" + store, "put");
    assertThat(put.exit).as(put.toString()).isZero();
    CliRun cat = CliRun.run(dir, "--store", "disk:" + store, "cat", put.out.trim());
    assertThat(cat.exit).as(cat.toString()).isZero();
    assertThat(cat.out).isEqualTo("x");
  }

  @Test
  void putIntoANonEmptyDirectoryThatIsNotAStoreIsRefusedAndWritesNothing() throws IOException {
    Path etc = Files.createDirectory(dir.resolve("etc"));
    Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n");
    CliRun put =
        CliRun.run(dir, "x".getBytes(StandardCharsets.UTF_8), "--store", "disk:" + etc, "put");
    assertThat(put.exit).as(put.toString()).isNotZero();
    assertThat(put.err).contains("is not a store").contains("hosts");
    assertThat(list(etc)).containsExactly("hosts");
  }

  @Test
  void aLayeredStackWithBothStoresInOneDirectoryIsRefused() {
    Path shared = dir.resolve("shared");
    CliRun put =
        CliRun.run(
            dir,
            "x".getBytes(StandardCharsets.UTF_8),
            "--store",
            "layered(upper=disk:" + shared + ", lower=lower:" + shared + ")",
            "put");
    assertThat(put.exit).as(put.toString()).isNotZero();
    assertThat(put.err).contains("are one directory");
    assertThat(Files.exists(shared)).isFalse();
  }

  private static String[] withStore(String spec, String... command) {
    return Stream.concat(Stream.of("--store", spec), Stream.of(command)).toArray(String[]::new);
  }

  private static List<String> list(Path directory) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
