package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.CairnCli;
import dev.cairn.lower.VolumeArchive;
import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.InvalidRefNameException;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.stack.Cairn;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Family 8, the table half: hostile ref names, spec locators and options, CLI arguments and planted
 * symbolic links, run against {@code disk:}, {@code lower:}, layered and cached stacks and the CLI.
 * Each case must be rejected with a clear error (a {@link CairnException}, or a CLI exit code 1 or
 * 2 with a {@code cairn:} message) or handled inside the store's root; a tree snapshot (paths,
 * sizes, modification times, link targets) of the area around the root, taken before and after
 * every case, must show no file created, changed or removed outside it.
 *
 * <p>The area is a temporary directory holding {@code root/} (every store of the table lives under
 * it) and {@code outside/} (bait files and directories that planted links point at).
 */
@Tag("reliability")
class HostileInputTest {
  @TempDir Path area;
  private Path root;
  private Path outside;
  private final List<String> violations = new ArrayList<>();

  /** One line per case: outcome, label, and the error a rejected case gave. */
  private final List<String> table = new ArrayList<>();

  private final List<String> unclear = new ArrayList<>();
  private int cases;
  private int rejected;
  private int handled;
  private int filesOutside;

  /** Ref names that break a rule of {@code RefName}: all must be rejected everywhere. */
  static final List<String> HOSTILE_REF_NAMES =
      List.of(
          "",
          "/",
          "..",
          "../escape",
          "../../outside/victim",
          "refs/../../outside",
          "refs/heads/..",
          "a..b",
          ".hidden",
          "refs/.git/config",
          "refs/heads/./x",
          "/etc/passwd",
          "/tmp/x",
          "refs/heads/main.lock",
          "HEAD.lock",
          "refs//heads",
          "refs/heads/",
          "nul\u0000byte",
          "refs/heads/\u0000",
          "new\nline",
          "carriage\rreturn",
          "tab\there",
          "bell\u0007",
          "escape\u001b[2J",
          "delete\u007f",
          "back\\slash",
          "..\\..\\windows",
          "C:\\Windows",
          "colon:name",
          "C:/Windows/System32",
          "star*",
          "question?",
          "tilde~1",
          "caret^2",
          "open[bracket",
          "with space",
          "@",
          "a@{b",
          "ends-with-dot.",
          "refs/heads/x.",
          "\ud800unpaired",
          "unpaired\udc00",
          "x".repeat(1025),
          "refs/" + "y".repeat(256),
          ("a/").repeat(600) + "a");

  /** Names that look dangerous but follow every rule: stored as refs, never as files. */
  static final List<String> ODD_BUT_VALID_REF_NAMES =
      List.of(
          "CON",
          "NUL",
          "AUX",
          "PRN",
          "COM1",
          "LPT1",
          "refs/heads/CON",
          "refs/heads/nul.txt",
          "%2e%2e/%2e%2e/escape",
          "refs/heads/\u202egnp.exe",
          "\uff0e\uff0e/escape",
          "refs/heads/\u2215etc\u2215passwd",
          "refs/heads/\u00e9t\u00e9",
          "refs/heads/e\u0301te",
          "refs/heads/\u200b",
          "refs/heads/\ud83d\ude00",
          "LOCK",
          "MANIFEST",
          "refs.log",
          "seg-0000000000000001.data",
          "volume.0",
          "x".repeat(255),
          "refs/heads/" + "z".repeat(255));

  @Test
  void hostilePathsNamesAndSpecsStayInsideTheRoot() throws Exception {
    root = Files.createDirectories(area.resolve("root"));
    outside = Files.createDirectories(area.resolve("outside"));
    Files.writeString(outside.resolve("victim.txt"), "do not touch\n");
    Files.createDirectories(outside.resolve("victim-dir"));
    Map<String, String> before = outsideTree();
    Figures figures = Figures.of("hostile input: paths, names, specs, CLI, planted links");

    refNamesOnEveryStack();
    randomRefNames(Budget.scale("cairn.hostile.random", 300, 20_000));
    specs();
    cli();
    plantedLinksInADiskStore();
    plantedLinksInALower();

    Map<String, String> after = outsideTree();
    int whole = differences(before, after).size();
    figures
        .add("cases", cases)
        .add("rejected", rejected)
        .add("handled", handled)
        .add("files_outside_root", Math.max(filesOutside, whole))
        .add("unclear_errors", unclear.size())
        .add("violations", violations.size());
    figures.report();
    Files.createDirectories(Path.of("target"));
    Files.write(Path.of("target", "hostile-input-table.txt"), table, StandardCharsets.UTF_8);
    assertThat(cases).isGreaterThanOrEqualTo(100);
    assertThat(unclear).as("errors that are not clear").isEmpty();
    assertThat(violations).as("cases that changed files outside the root").isEmpty();
    assertThat(differences(before, after)).as("the area outside the root").isEmpty();
  }

  // ---- ref names ------------------------------------------------------------------------------

  private void refNamesOnEveryStack() {
    Map<String, String> stacks = new TreeMap<>();
    stacks.put("disk", "disk:" + spec(root.resolve("refs-disk")));
    stacks.put("lower", "lower:" + spec(root.resolve("refs-lower")));
    stacks.put(
        "layered",
        "layered(upper=disk:"
            + spec(root.resolve("refs-upper"))
            + ", lower=lower:"
            + spec(root.resolve("refs-lower2"))
            + ")");
    stacks.put(
        "cache:layered",
        "cache(capacity=1000):layered(upper=disk:"
            + spec(root.resolve("refs-upper3"))
            + ", lower=disk:"
            + spec(root.resolve("refs-l3"))
            + ")");
    stacks.forEach(
        (label, spec) -> {
          try (Backend store = Cairn.open(spec)) {
            boolean refs = store.capabilities().contains(dev.cairn.spi.Capability.WRITE_REFS);
            Hash hash =
                refs
                    ? store.put("target".getBytes(StandardCharsets.UTF_8))
                    : HashAlgorithm.SHA256.hash(new byte[0]);
            for (String name : HOSTILE_REF_NAMES) {
              runCase(
                  label + " ref " + quote(name),
                  () -> {
                    expectInvalidName(() -> store.setRef(name, hash));
                    expectInvalidName(() -> store.testAndSetRef(name, null, hash));
                    expectInvalidName(() -> store.getRef(name));
                    return Outcome.REJECTED;
                  });
            }
            if (refs) {
              for (String name : ODD_BUT_VALID_REF_NAMES) {
                runCase(
                    label + " valid ref " + quote(name),
                    () -> {
                      store.setRef(name, hash);
                      assertThat(store.getRef(name)).hasValue(hash);
                      assertThat(store.listRefs()).contains(name);
                      return Outcome.HANDLED;
                    });
              }
            }
          }
        });
  }

  /** Fragments that random names are made of: separators, traversal, tricks, plain text. */
  private static final List<String> FRAGMENTS =
      List.of(
          "/",
          "//",
          ".",
          "..",
          "../",
          "./",
          ".lock",
          "@",
          "@{",
          "\u0000",
          "\n",
          "\u001f",
          "\u007f",
          "\\",
          ":",
          "*",
          "?",
          "[",
          "~",
          "^",
          " ",
          "\u202e",
          "\uff0e",
          "\u2215",
          "\ud800",
          "\udc00",
          "\ud83d\ude00",
          "\u00e9",
          "e\u0301",
          "CON",
          "NUL",
          "refs",
          "heads",
          "main",
          "x",
          "seg-0000000000000001.data",
          "MANIFEST",
          "LOCK",
          "%2e%2e",
          "a".repeat(100),
          "b".repeat(255));

  /**
   * Names glued from {@link #FRAGMENTS} at random (seeded): each is rejected as the rules say or,
   * if valid, stored and read back as a ref, never as a file.
   */
  private void randomRefNames(int count) {
    java.util.Random random = new java.util.Random(8);
    try (Backend store = Cairn.open("disk:" + spec(root.resolve("random-names")))) {
      Hash hash = store.put("target".getBytes(StandardCharsets.UTF_8));
      for (int i = 0; i < count; i++) {
        StringBuilder name = new StringBuilder();
        for (int parts = 1 + random.nextInt(6); parts > 0; parts--) {
          name.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
        }
        String text = name.toString();
        runCase(
            "random ref " + quote(text),
            () -> {
              if (!dev.cairn.spi.RefName.isValid(text)) {
                expectInvalidName(() -> store.setRef(text, hash));
                return Outcome.REJECTED;
              }
              store.setRef(text, hash);
              assertThat(store.getRef(text)).hasValue(hash);
              return Outcome.HANDLED;
            });
      }
    }
  }

  private static void expectInvalidName(Runnable call) {
    try {
      call.run();
    } catch (InvalidRefNameException e) {
      assertThat(e.getMessage()).startsWith("invalid ref name ");
      return;
    }
    throw new AssertionError("a hostile ref name was accepted");
  }

  // ---- specs ----------------------------------------------------------------------------------

  /** Spec texts; {@code R} stands for the percent-encoded root. */
  static final List<String> HOSTILE_SPECS =
      List.of(
          "disk:R/s1/../../outside/by-dotdot",
          "disk:R/s2/%2e%2e/%2e%2e/outside/by-encoded-dotdot",
          "disk:R/..",
          "disk:R/../outside",
          "disk:R/s3/./../../outside/x",
          "lower:R/l1/../../outside/lower-dotdot",
          "lower:R/%2E%2E/outside/lower-encoded",
          "layered(upper=disk:R/u1, lower=disk:R/../outside/layered-lower)",
          "layered(upper=disk:R/../outside/layered-upper, lower=lower:R/l2)",
          "cache(capacity=10):disk:R/../outside/cached",
          "read-only:disk:R/../outside/read-only",
          "disk:R/s4?hash=../../outside/x",
          "disk:R/s5?hash=%2F..%2Foutside",
          "disk:R/s6?segment-size=../../x",
          "disk:R/s7?fsync=../outside",
          "disk:R/s8?mode=../../outside",
          "disk:R/s9?path=R/../outside",
          "disk:R/s10?fsync=always&fsync=never",
          "disk(fsync=always):R/s11?fsync=never",
          "lower:R/l3?volumes=-1",
          "lower:R/l4?hash=..%2F..%2Fx",
          "lower:R/l5?open-files=0",
          "cache(capacity=../x):disk:R/s12",
          "cache(capacity=-1):disk:R/s13",
          "layered(upper=disk:R/u2)",
          "layered(upper=disk:R/u3, lower=disk:R/l6, side=disk:R/../outside/side)",
          "disk:R/s14%00nul",
          "disk:R/s15\u0000raw-nul",
          "disk:",
          "disk:?fsync=always",
          "lower:",
          "dsik:R/s16",
          "disk:R/" + "c".repeat(300),
          "disk:R/" + ("d".repeat(200) + "/").repeat(25) + "deep",
          "disk:R/CON",
          "disk:R/NUL",
          "disk:R/aux.txt",
          "disk:R/\u202eevil",
          "disk:R/\uff0e\uff0e/fullwidth",
          "disk:R/s17/%2Fetc%2Fpasswd",
          "disk:R/s18\\..\\..\\outside",
          "disk:R/s19#fragment",
          "memory:R/../outside",
          "verify:disk:R/s20/../../outside/verify");

  private void specs() {
    String r = spec(root);
    for (String template : HOSTILE_SPECS) {
      String spec = template.replace("R/", r + "/");
      runCase(
          "spec " + quote(spec),
          () -> {
            try (Backend store = Cairn.open(spec)) {
              Hash hash =
                  store.capabilities().contains(dev.cairn.spi.Capability.WRITE_OBJECTS)
                      ? store.put("spec".getBytes(StandardCharsets.UTF_8))
                      : null;
              if (hash != null
                  && store.capabilities().contains(dev.cairn.spi.Capability.WRITE_REFS)) {
                store.setRef("refs/heads/main", hash);
              }
              store.flush();
            }
            return Outcome.HANDLED;
          });
    }
  }

  // ---- CLI ------------------------------------------------------------------------------------

  private void cli() throws IOException {
    Path cwd = Files.createDirectories(root.resolve("cli-cwd"));
    Path file = cwd.resolve("payload.txt");
    Files.writeString(file, "payload\n");
    String store = "disk:" + spec(root.resolve("cli-store"));
    CliRun put = cli(cwd, Map.of(), "--store", store, "put", file.toString());
    assertThat(put.code).as(put.err).isZero();
    String hash = put.out.strip();
    for (String name : HOSTILE_REF_NAMES) {
      if (name.isEmpty() || name.indexOf('\u0000') >= 0 || name.startsWith("-")) {
        continue; // not expressible as a process argument
      }
      cliCase(cwd, Map.of(), "--store", store, "ref", "set", name, hash);
      cliCase(cwd, Map.of(), "--store", store, "ref", "get", name);
      cliCase(cwd, Map.of(), "--store", store, "ref", "cas", name, "none", hash);
      cliCase(cwd, Map.of(), "--store", store, "ref", "delete", name);
    }
    cliCase(cwd, Map.of(), "--store", store, "ref", "list", "../../");
    cliCase(cwd, Map.of(), "--store", store, "ref", "set", "refs/heads/ok", "../../outside");
    cliCase(cwd, Map.of(), "--store", store, "cat", "../../outside/victim.txt");
    cliCase(cwd, Map.of(), "--store", store, "exists", "/etc/passwd");
    String r = spec(root);
    for (String template : HOSTILE_SPECS) {
      String spec = template.replace("R/", r + "/").replace("\u0000", "");
      cliCase(cwd, Map.of(), "--store", spec, "put", file.toString());
    }
    cliCase(cwd, Map.of("CAIRN_STORE", "disk:" + r + "/../outside/by-env"), "put", file.toString());
    cliCase(
        cwd, Map.of("CAIRN_STORE", "disk:../../outside/by-env-relative"), "put", file.toString());
    cliCase(cwd, Map.of(), "--store", "disk:../../outside/relative-dotdot", "put", file.toString());
    cliCase(cwd, Map.of(), "--store", "", "put", file.toString());
    cliCase(cwd, Map.of(), "--store=", "put", file.toString());
    cliCase(cwd, Map.of(), "--store");
    // A relative store is the command line's working directory's, not the JVM's.
    Path jvmCwd = Path.of("").toAbsolutePath();
    String relative = "relative-store-" + ProcessHandle.current().pid();
    cliCase(cwd, Map.of(), "--store", "disk:" + relative, "put", file.toString());
    boolean escaped = Files.exists(jvmCwd.resolve(relative), LinkOption.NOFOLLOW_LINKS);
    if (escaped) {
      filesOutside++;
      violations.add(
          "cli --store disk:"
              + relative
              + " created "
              + jvmCwd.resolve(relative)
              + " instead of "
              + cwd.resolve(relative));
      deleteTree(jvmCwd.resolve(relative));
    }
  }

  private void cliCase(Path cwd, Map<String, String> env, String... args) {
    runCase(
        "cli " + quote(String.join(" ", args)),
        () -> {
          CliRun run = cli(cwd, env, args);
          if (run.code == 0) {
            return Outcome.HANDLED;
          }
          if ((run.code == 1 || run.code == 2)
              && run.err.startsWith("cairn: ")
              && !run.err.contains("internal error")) {
            return Outcome.REJECTED;
          }
          throw new Unclear("exit " + run.code + ": " + run.err.strip());
        });
  }

  private static CliRun cli(Path cwd, Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        CairnCli.commandLine(new ByteArrayInputStream(new byte[0]), out, err, env, cwd)
            .execute(args);
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record CliRun(int code, String out, String err) {}

  // ---- planted links --------------------------------------------------------------------------

  /** Files a disk store writes, each replaced in turn by a link to a file outside. */
  static final List<String> DISK_LINKS =
      List.of(
          "MANIFEST.tmp",
          "refs.log.tmp",
          "LOCK",
          "refs.log",
          "seg-0000000000000001.idx.tmp",
          "seg-0000000000000001.data",
          "seg-0000000000000001.idx",
          "seg-0000000000000002.data",
          "MANIFEST");

  private void plantedLinksInADiskStore() throws IOException {
    int n = 0;
    for (String name : DISK_LINKS) {
      for (boolean dangling : new boolean[] {false, true}) {
        Path dir = root.resolve("planted-disk-" + n++);
        String spec = "disk:" + spec(dir) + "?segment-size=4096";
        try (Backend store = Cairn.open(spec)) {
          store.put("before".getBytes(StandardCharsets.UTF_8));
          store.setRef("refs/heads/main", store.put(new byte[] {1}));
        }
        Path target =
            dangling ? outside.resolve("planted-target-" + n) : outside.resolve("victim.txt");
        Files.deleteIfExists(dir.resolve(name));
        Files.createSymbolicLink(dir.resolve(name), target);
        runCase(
            "disk link " + name + " -> " + (dangling ? "new file" : "victim"),
            () -> {
              try (Backend store = Cairn.open(spec)) {
                exerciseDisk(store);
              }
              try (Backend store = Cairn.open(spec)) {
                exerciseDisk(store); // recovery and a second round of seals
              }
              return Outcome.HANDLED;
            });
      }
      // Opening removes the temporary files it finds: plant the link while the store is open.
      Path dir = root.resolve("planted-disk-" + n++);
      String spec = "disk:" + spec(dir) + "?segment-size=4096";
      runCase(
          "disk link " + name + " planted while open -> victim",
          () -> {
            try (Backend store = Cairn.open(spec)) {
              store.put("before".getBytes(StandardCharsets.UTF_8));
              Files.deleteIfExists(dir.resolve(name));
              Files.createSymbolicLink(dir.resolve(name), outside.resolve("victim.txt"));
              exerciseDisk(store);
            }
            return Outcome.HANDLED;
          });
    }
  }

  private static void exerciseDisk(Backend store) {
    Hash last = null;
    for (int i = 0; i < 200; i++) {
      byte[] data = ("object " + i + " ").repeat(8).getBytes(StandardCharsets.UTF_8);
      last = store.put(data);
    }
    for (int i = 0; i < 50; i++) {
      store.setRef("refs/heads/b" + i, last);
    }
    store.flush();
  }

  /** Links planted in a lower's root and volume: the volume directory itself, and its files. */
  static final List<String> LOWER_LINKS =
      List.of(
          "volume.0",
          "volume.1",
          "volume.0/volume.data",
          "volume.0/volume.mapping",
          "volume.0/volume.1.control",
          "volume.0/volume.1.index",
          "volume.0/volume.1.bloom",
          "volume.0/volume.control",
          "volume.0.staging");

  private void plantedLinksInALower() throws IOException {
    int n = 0;
    for (String name : LOWER_LINKS) {
      Path dir = root.resolve("planted-lower-" + n++);
      Files.createDirectories(dir);
      boolean isDirectory = !name.contains("/");
      if (name.startsWith("volume.0/")) {
        Files.createDirectories(dir.resolve("volume.0"));
      }
      Path target = isDirectory ? outside.resolve("victim-dir") : outside.resolve("victim.txt");
      Files.createSymbolicLink(dir.resolve(name), target);
      runCase(
          "lower link " + name + " -> " + target.getFileName(),
          () -> {
            try (VolumeArchive lower = VolumeArchive.builder(dir).volumes(-1).open()) {
              if (lower.volumeNum() == 0) {
                lower.addVolume();
              }
              List<ArchiveEntry> entries = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                byte[] data = ("archived " + i).getBytes(StandardCharsets.UTF_8);
                entries.add(new ArchiveEntry(lower.hashAlgorithm().hash(data), data));
              }
              Archived archived = lower.archive(root, 1, lower.endOffset(), entries.iterator());
              lower.swap(archived.volumeId(), 1, lower.volumeNum());
              lower.addVolume();
            }
            return Outcome.HANDLED;
          });
    }
  }

  // ---- bookkeeping ----------------------------------------------------------------------------

  private enum Outcome {
    REJECTED,
    HANDLED
  }

  private interface Case {
    Outcome run() throws Exception;
  }

  private static final class Unclear extends RuntimeException {
    Unclear(String message) {
      super(message);
    }
  }

  /**
   * Runs one case: rejected means a {@link CairnException} (the library's clear errors) or a CLI
   * failure with its message; anything else thrown is an unclear error. Either way, the area
   * outside the root must be as it was.
   */
  private void runCase(String label, Case body) {
    cases++;
    Map<String, String> before = outsideTree();
    String result;
    try {
      Outcome outcome = body.run();
      if (outcome == Outcome.REJECTED) {
        rejected++;
      } else {
        handled++;
      }
      result = outcome.toString();
    } catch (CairnException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        unclear.add(label + ": " + e.getClass().getName() + " without a message");
      }
      rejected++;
      result = "REJECTED " + e.getClass().getSimpleName() + ": " + quote(e.getMessage());
    } catch (Unclear e) {
      unclear.add(label + ": " + e.getMessage());
      result = "UNCLEAR " + e.getMessage();
    } catch (Exception | AssertionError e) {
      unclear.add(label + ": " + e);
      result = "UNCLEAR " + e;
    }
    table.add(result + "\t" + label);
    Map<String, String> after = outsideTree();
    List<String> changed = differences(before, after);
    if (!changed.isEmpty()) {
      filesOutside += changed.size();
      violations.add(label + " changed outside the root: " + changed);
      restoreOutside();
    }
  }

  /** Puts the bait back as it was, so that the next case starts clean. */
  private void restoreOutside() {
    try {
      try (Stream<Path> entries = Files.list(area)) {
        for (Path entry : entries.toList()) {
          if (!entry.equals(root)) {
            deleteTree(entry);
          }
        }
      }
      Files.createDirectories(outside);
      Files.writeString(outside.resolve("victim.txt"), "do not touch\n");
      Files.createDirectories(outside.resolve("victim-dir"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Path, kind, size, modification time and link target of everything outside the root. */
  private Map<String, String> outsideTree() {
    Map<String, String> tree = new TreeMap<>();
    Function<Path, String> describe = describe();
    try {
      Files.walkFileTree(
          area,
          new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(
                Path dir, BasicFileAttributes attributes) {
              if (dir.equals(root)) {
                return java.nio.file.FileVisitResult.SKIP_SUBTREE; // the root may change at will
              }
              tree.put(area.relativize(dir).toString(), describe.apply(dir));
              return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(
                Path file, BasicFileAttributes attributes) {
              tree.put(area.relativize(file).toString(), describe.apply(file));
              return java.nio.file.FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tree;
  }

  private static Function<Path, String> describe() {
    return p -> {
      try {
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String kind =
            a.isSymbolicLink()
                ? "link->" + Files.readSymbolicLink(p)
                : a.isDirectory() ? "dir" : "file";
        return kind
            + " size="
            + (a.isDirectory() ? "-" : a.size())
            + " mtime="
            + a.lastModifiedTime().toMillis();
      } catch (IOException e) {
        return "unreadable " + e;
      }
    };
  }

  private static List<String> differences(Map<String, String> before, Map<String, String> after) {
    List<String> out = new ArrayList<>();
    before.forEach(
        (path, what) -> {
          String now = after.get(path);
          if (now == null) {
            out.add("removed " + path);
          } else if (!now.equals(what)) {
            out.add("changed " + path + " (" + what + " -> " + now + ")");
          }
        });
    after.keySet().stream()
        .filter(p -> !before.containsKey(p))
        .forEach(p -> out.add("created " + p));
    return out;
  }

  private static void deleteTree(Path top) throws IOException {
    if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(top)) {
      for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A path as a spec locator: the characters the grammar reserves, percent-encoded. */
  private static String spec(Path path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.toString().getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ("%(),?&=# ".indexOf(c) >= 0 || b < 0x20 || b < 0) {
        out.append(String.format("%%%02X", b & 0xff));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints()
        .limit(80)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f || (c >= 0xd800 && c <= 0xdfff)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.append(s.length() > 80 ? "...\"" : "\"").toString();
  }
}
