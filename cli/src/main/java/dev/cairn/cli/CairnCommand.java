package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreSpec;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.CairnConfiguration;
import dev.cairn.stack.StoreType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code cairn} command: global options and the store every subcommand works on. */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = CairnCommand.Version.class,
    description = "Content-addressed object stores: objects, refs, Git import and export.",
    subcommands = {
      PutCommand.class, CatCommand.class, ExistsCommand.class, RefCommand.class,
      ImportGitCommand.class, ExportGitCommand.class, GcCommand.class, VerifyCommand.class,
      StatsCommand.class, StoresCommand.class, CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  failure: an object or ref not found, damage found, a store or Git error",
      "  2  usage: a bad option, stack spec, hash, path or repository"
    })
final class CairnCommand implements Runnable {
  final Terminal io;

  @Option(
      names = "--store",
      paramLabel = "SPEC",
      scope = ScopeType.INHERIT,
      description =
          "the stack spec of the store (default: $CAIRN_STORE, else disk:.cairn in"
              + " the working directory); see 'cairn stores'")
  String store;

  @Option(
      names = "--json",
      scope = ScopeType.INHERIT,
      description = "print results as JSON, for scripts")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      scope = ScopeType.INHERIT,
      description = "print no progress and no summary")
  boolean quiet;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "print stack traces of failures")
  boolean verbose;

  CairnCommand(Terminal io) {
    this.io = io;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
  }

  /** The spec the user asked for, or the default. */
  String spec() {
    if (store != null) {
      return store;
    }
    String env = io.environment.get("CAIRN_STORE");
    if (env != null && !env.isBlank()) {
      return env;
    }
    return "disk:" + encodePath(io.workingDirectory.resolve(".cairn").toString());
  }

  /**
   * Fails when the store is the default one and it does not exist: a command that only reads should
   * not leave an empty store behind.
   */
  void requireDefaultStoreExists() {
    String env = io.environment.get("CAIRN_STORE");
    Path directory = io.workingDirectory.resolve(".cairn");
    if (store == null && (env == null || env.isBlank()) && !Files.exists(directory)) {
      throw CliFailure.failure(
          "no store in "
              + directory
              + "; 'cairn import-git .' or"
              + " 'cairn put' creates it, or pass --store SPEC");
    }
  }

  /**
   * Opens the store; a store of the spec that does not exist yet is created only if {@code create}
   * (a command that writes), else the open fails naming it.
   */
  Backend open(boolean create) {
    String spec = spec();
    StoreSpec parsed = Cairn.parse(spec);
    StoreSpec rebased = rebased(parsed);
    refuseSharedDirectories(rebased);
    return Cairn.open(
        rebased.equals(parsed) ? spec : rebased.toString(),
        CairnConfiguration.builder().createsMissingStores(create).build());
  }

  /**
   * Fails if two stores of {@code spec} live in one directory ({@code layered(upper=disk:D,
   * lower=lower:D)}): each would take the other's files for damage or strays.
   */
  private void refuseSharedDirectories(StoreSpec spec) {
    Map<Path, StoreSpec> seen = new LinkedHashMap<>();
    forEachDirectoryLeaf(
        spec,
        leaf -> {
          Path directory;
          try {
            directory = Path.of(leaf.locator().get()).toAbsolutePath().normalize();
          } catch (java.nio.file.InvalidPathException e) {
            return; // the store rejects it with its own message
          }
          StoreSpec other = seen.putIfAbsent(directory, leaf);
          if (other != null) {
            throw CliFailure.usage(
                String.format(
                    "%s:%s and %s:%s are one directory; each store of a stack needs its own",
                    other.name(), other.locator().get(), leaf.name(), leaf.locator().get()));
          }
        });
  }

  private static void forEachDirectoryLeaf(
      StoreSpec spec, java.util.function.Consumer<StoreSpec> action) {
    if (spec.isLeaf()) {
      if (spec.locator().isPresent() && DIRECTORY_LOCATORS.contains(spec.name())) {
        action.accept(spec);
      }
      return;
    }
    spec.children().values().forEach(child -> forEachDirectoryLeaf(child, action));
  }

  /** The leaf types whose locator is a directory. */
  private static final java.util.Set<String> DIRECTORY_LOCATORS = java.util.Set.of("disk", "lower");

  /**
   * {@code spec} with every relative directory resolved against the command line's working
   * directory rather than the JVM's (they differ when the CLI runs in-process). The path is not
   * normalized: a {@code ..} in it stays for the store to judge. Sensitive options are unmarked in
   * the copy so that it prints their values.
   */
  private StoreSpec rebased(StoreSpec spec) {
    if (spec.isLeaf()) {
      String locator = spec.locator().orElse(null);
      if (locator != null && DIRECTORY_LOCATORS.contains(spec.name())) {
        try {
          Path path = Path.of(locator);
          if (!path.isAbsolute()) {
            locator = io.workingDirectory.resolve(path).toString();
          }
        } catch (java.nio.file.InvalidPathException e) {
          // Left as it is: the store rejects it with its own message.
        }
      }
      return StoreSpec.leaf(spec.name(), locator, spec.options());
    }
    Map<String, StoreSpec> children = new LinkedHashMap<>();
    spec.children().forEach((role, child) -> children.put(role, rebased(child)));
    if (children.size() == 1 && children.containsKey(StoreSpec.CHILD)) {
      return StoreSpec.decorator(spec.name(), spec.options(), children.get(StoreSpec.CHILD));
    }
    return StoreSpec.combinator(spec.name(), spec.options(), children);
  }

  /**
   * Opens the store; every store of the spec that does not exist yet and takes a {@code hash}
   * option is created with {@code algorithm} (the architecture: importing a SHA-1 Git repository
   * into a new store makes a SHA-1 store).
   */
  Backend openCreating(HashAlgorithm algorithm) {
    String spec = spec();
    StoreSpec parsed = rebased(Cairn.parse(spec));
    Map<String, StoreType> types = new LinkedHashMap<>();
    for (StoreType type : Cairn.storeTypes()) {
      types.put(type.name(), type);
    }
    StoreSpec adjusted = withHashForNewStores(parsed, types, algorithm.name());
    refuseSharedDirectories(adjusted);
    return Cairn.open(adjusted.toString());
  }

  private StoreSpec withHashForNewStores(
      StoreSpec spec, Map<String, StoreType> types, String algorithm) {
    if (spec.isLeaf()) {
      StoreType type = types.get(spec.name());
      boolean takesHash =
          type != null && type.options().stream().anyMatch(o -> o.name().equals("hash"));
      if (!takesHash
          || spec.options().containsKey("hash")
          || spec.locator().isEmpty()
          || !isAbsentOrEmpty(spec.locator().get())) {
        return spec;
      }
      Map<String, String> options = new LinkedHashMap<>(spec.options());
      options.put("hash", algorithm);
      return StoreSpec.leaf(spec.name(), spec.locator().get(), options);
    }
    Map<String, StoreSpec> children = new LinkedHashMap<>();
    boolean changed = false;
    for (Map.Entry<String, StoreSpec> e : spec.children().entrySet()) {
      StoreSpec child = withHashForNewStores(e.getValue(), types, algorithm);
      changed |= child != e.getValue();
      children.put(e.getKey(), child);
    }
    if (!changed) {
      return spec;
    }
    if (children.size() == 1 && children.containsKey(StoreSpec.CHILD)) {
      return StoreSpec.decorator(spec.name(), spec.options(), children.get(StoreSpec.CHILD));
    }
    return StoreSpec.combinator(spec.name(), spec.options(), children);
  }

  private boolean isAbsentOrEmpty(String location) {
    Path path;
    try {
      path = io.resolve(location);
    } catch (RuntimeException e) {
      return false;
    }
    if (!Files.exists(path)) {
      return true;
    }
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(path)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** Parses {@code hex} as a hash of {@code store}'s algorithm, or fails with a usage error. */
  static Hash parseHash(Backend store, String hex) {
    HashAlgorithm algorithm = store.hashAlgorithm();
    try {
      return Hash.parse(algorithm, hex);
    } catch (IllegalArgumentException e) {
      throw CliFailure.usage(
          "'"
              + hex
              + "' is not a "
              + algorithm.name()
              + " hash ("
              + algorithm.digestLength() * 2
              + " hex digits)");
    }
  }

  /** Percent-encodes what a stack spec's locator cannot hold literally. */
  static String encodePath(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || "%(),?&=#".indexOf(c) >= 0) {
        out.append(String.format("%%%02X", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  /** Prints the version of the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties p = new Properties();
      try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {
        "cairn " + p.getProperty("version", "(unknown version)"),
        "Java " + System.getProperty("java.version")
      };
    }
  }
}
