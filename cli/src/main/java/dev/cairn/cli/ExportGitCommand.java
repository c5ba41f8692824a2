package dev.cairn.cli;

import static java.util.Objects.requireNonNull;

import dev.cairn.git.Delta;
import dev.cairn.git.GitObject;
import dev.cairn.git.PackWriter;
import dev.cairn.git.SymbolicRefs;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.MalformedObjectException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn export-git DIR}: a bare Git repository holding, in one pack and its index, every
 * object reachable from the store's Git refs ({@code refs/...} and {@code HEAD}), with its refs and
 * symbolic refs ({@link SymbolicRefs}).
 *
 * <p>The walk starts at the refs and follows commits' trees and parents, trees' entries and tags'
 * targets, reading each object with the one strict {@link GitObject} parser. A tree or blob is
 * written as a delta against the object at the same path in the tree of the commit that has it as a
 * parent (already written, as the walk goes from new to old), else against the last object written
 * under the same name, when the delta is under half its size and the chain at most {@value
 * #MAX_DEPTH} long; otherwise whole. A commit whose parent is not stored (a shallow clone's
 * boundary) is listed in {@code shallow}, as Git does; any other missing or malformed object fails
 * the export (exit 1) after everything else is written. Memory: about 150 bytes per exported object
 * plus a cache of {@value #CACHE_MIB} MiB of recent objects (delta bases).
 */
@Command(
    name = "export-git",
    description =
        "Export the objects reachable from refs/... and HEAD as a bare Git"
            + " repository (one pack and its index).")
final class ExportGitCommand extends StoreCommand {
  @Parameters(paramLabel = "DIR", description = "a directory that does not exist or is empty")
  String directory;

  private static final int MAX_DEPTH = 50;
  private static final int CACHE_MIB = 32;

  @Override
  int run(Backend store) throws Exception {
    Path target = io().resolve(directory);
    if (Files.exists(target)) {
      if (!Files.isDirectory(target)) {
        throw CliFailure.usage("'" + directory + "' exists and is not a directory");
      }
      try (var entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw CliFailure.usage("'" + directory + "' is not empty");
        }
      }
    }
    HashAlgorithm algorithm = store.hashAlgorithm();
    if (!algorithm.name().equals("sha1") && !algorithm.name().equals("sha256")) {
      throw CliFailure.failure("Git has no object format " + algorithm.name());
    }
    SymbolicRefs symbolic = SymbolicRefs.read(store);
    Map<String, Hash> refs = new TreeMap<>();
    for (String name : store.listRefs()) {
      if (name.startsWith("refs/") && symbolic.target(name).isEmpty()) {
        store.getRef(name).ifPresent(hash -> refs.put(name, hash));
      } else if (!name.equals("HEAD") && !name.equals(SymbolicRefs.REF)) {
        warn("skipped ref '" + name + "': Git refs start with refs/");
      }
    }
    String head = head(store, symbolic, refs);
    layout(target, algorithm);

    Progress progress = progress("export", -1);
    Walk walk = new Walk(store, algorithm, progress);
    for (Hash hash : refs.values()) {
      walk.enqueue(hash, null, null);
    }
    if (!head.startsWith("ref: ")) {
      walk.enqueue(Hash.parse(algorithm, head.trim()), null, null);
    }
    Path pack;
    try (PackWriter writer = new PackWriter(target.resolve("objects/pack"), algorithm)) {
      walk.run(writer);
      pack = writer.finish();
    }
    for (Map.Entry<String, Hash> ref : refs.entrySet()) {
      writeRef(target, ref.getKey(), ref.getValue().toHex());
    }
    symbolic
        .targets()
        .forEach(
            (name, to) -> {
              if (!name.equals("HEAD")) {
                writeRef(target, name, "ref: " + to);
              }
            });
    Files.writeString(target.resolve("HEAD"), head, StandardCharsets.US_ASCII);
    if (!walk.shallow.isEmpty()) {
      StringBuilder lines = new StringBuilder();
      for (Hash hash : walk.shallow) {
        lines.append(hash.toHex()).append('\n');
      }
      Files.writeString(target.resolve("shallow"), lines, StandardCharsets.US_ASCII);
    }
    double seconds = progress.seconds();
    progress.finish();
    if (!walk.problems.isEmpty()) {
      for (String problem : walk.problems.subList(0, Math.min(20, walk.problems.size()))) {
        io().err.println("cairn: " + problem);
      }
      throw CliFailure.failure(
          "export to '"
              + directory
              + "' is incomplete: "
              + walk.problems.size()
              + " reachable objects could not be exported");
    }
    long packBytes = Files.size(pack);
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("objects", progress.items());
      result.put("bytes", progress.bytes());
      result.put("deltas", walk.deltas);
      result.put("packBytes", packBytes);
      result.put("refs", refs.size());
      result.put("shallow", walk.shallow.size());
      result.put("seconds", seconds);
      result.put("directory", target.toString());
      json(result);
    } else {
      say(
          String.format(
              Locale.ROOT,
              "exported %,d objects (%,.1f MB; a pack of %,.1f MB, %,d deltas) and %,d refs to %s"
                  + " in %.2f s%s",
              progress.items(),
              progress.bytes() / 1e6,
              packBytes / 1e6,
              walk.deltas,
              refs.size(),
              target,
              seconds,
              walk.shallow.isEmpty()
                  ? ""
                  : " (shallow: " + walk.shallow.size() + " boundary commits)"));
    }
    return 0;
  }

  private static void writeRef(Path target, String name, String value) {
    try {
      Path file = target.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, value + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The objects reachable from the refs, written to a pack as they are read. */
  private final class Walk {
    final Backend store;
    final HashAlgorithm algorithm;
    final Progress progress;
    final ArrayDeque<Hash> queue = new ArrayDeque<>();

    /** Queued and not yet written, with the object it may be a delta of. */
    final Map<Hash, Pending> pending = new HashMap<>();

    /** The last object written under each type and entry name: a delta base of last resort. */
    final Map<String, Hash> lastByName = new HashMap<>();

    /** Reachable objects that are missing or malformed. */
    final Set<Hash> failed = new HashSet<>();

    final Set<Hash> shallow = new TreeSet<>();
    final List<String> problems = new ArrayList<>();

    /** Commits not yet read whose tree may be a delta of their child's: commit to that tree. */
    final Map<Hash, Hash> childTree = new HashMap<>();

    final Recent recent = new Recent(CACHE_MIB << 20);
    @Nullable PackWriter writer;
    long deltas;

    Walk(Backend store, HashAlgorithm algorithm, Progress progress) {
      this.store = store;
      this.algorithm = algorithm;
      this.progress = progress;
    }

    boolean seen(Hash hash) {
      return pending.containsKey(hash)
          || writer != null && writer.contains(hash)
          || failed.contains(hash);
    }

    void enqueue(Hash hash, @Nullable Hash base, @Nullable String name) {
      if (!seen(hash)) {
        pending.put(hash, new Pending(base, name));
        queue.add(hash);
      }
    }

    void run(PackWriter packWriter) throws IOException {
      writer = packWriter;
      while (!queue.isEmpty()) {
        Hash hash = queue.poll();
        Pending waiting = requireNonNull(pending.get(hash), "pending entry of a queued object");
        Hash base =
            waiting.base != null || waiting.name == null
                ? waiting.base
                : lastByName.get(waiting.name);
        Optional<byte[]> read = store.read(hash);
        if (read.isEmpty()) {
          fail(hash, "object " + hash.toHex() + " is not in the store");
          continue;
        }
        byte[] data = read.get();
        GitObject object;
        try {
          object = GitObject.parse(hash, data, algorithm);
        } catch (MalformedObjectException e) {
          fail(hash, "object " + hash.toHex() + " is malformed: " + e.getMessage());
          continue;
        }
        follow(object, base);
        write(object, data, base);
        pending.remove(hash);
        if (waiting.name != null) {
          lastByName.put(waiting.name, hash);
        }
        progress.advance(1, data.length);
      }
    }

    private void fail(Hash hash, String problem) {
      pending.remove(hash);
      failed.add(hash);
      problems.add(problem);
    }

    /** Queues what {@code object} names, each with the object it may be a delta of. */
    private void follow(GitObject object, @Nullable Hash base) {
      Hash hash = object.hash();
      switch (object.type()) {
        case COMMIT:
          {
            Hash[] tree = new Hash[1];
            object.forEachLink(
                (kind, link, leaf) -> {
                  if (kind.equals("tree")) {
                    tree[0] = link;
                    enqueue(link, childTree.remove(hash), ROOT);
                  } else if (!seen(link) && !store.exists(link)) {
                    shallow.add(hash);
                  } else {
                    if (!seen(link)) {
                      childTree.put(link, tree[0]);
                    }
                    enqueue(link, null, null);
                  }
                });
            return;
          }
        case TREE:
          {
            Map<String, Hash> before = base == null ? Map.of() : entries(base);
            object.forEachEntry(
                entry -> {
                  if (!entry.isSubmodule()) {
                    String name = key(entry);
                    Hash old = before.get(name);
                    enqueue(
                        entry.hash(), old == null || old.equals(entry.hash()) ? null : old, name);
                  }
                });
            return;
          }
        default:
          object.forEachLink((kind, link, leaf) -> enqueue(link, null, null));
      }
    }

    private String key(dev.cairn.git.TreeEntry entry) {
      return entry.type().label() + " " + new String(entry.name(), StandardCharsets.ISO_8859_1);
    }

    /** The entries of the tree {@code hash}, by type and name; empty if it cannot be read. */
    private Map<String, Hash> entries(Hash hash) {
      Cached tree = cached(hash);
      if (tree == null) {
        return Map.of();
      }
      Map<String, Hash> entries = new HashMap<>();
      GitObject.parse(hash, tree.data, algorithm)
          .forEachEntry(entry -> entries.put(key(entry), entry.hash()));
      return entries;
    }

    private @Nullable Cached cached(Hash hash) {
      PackWriter writer = requireNonNull(this.writer, "writer (set by run)");
      Cached cached = recent.get(hash);
      if (cached == null && writer.contains(hash)) {
        Optional<byte[]> data = store.read(hash);
        if (data.isPresent()) {
          GitObject object = GitObject.parse(hash, data.get(), algorithm);
          cached = new Cached(data.get(), object.contentOffset(), object.type());
        }
      }
      return cached;
    }

    private void write(GitObject object, byte[] data, @Nullable Hash base) throws IOException {
      PackWriter writer = requireNonNull(this.writer, "writer (set by run)");
      byte[] delta = null;
      if (base != null) {
        int depth = writer.depth(base);
        Cached from = depth >= 0 && depth < MAX_DEPTH ? cached(base) : null;
        if (from != null && from.type == object.type()) {
          delta =
              Delta.encode(
                  from.data,
                  from.offset,
                  from.data.length - from.offset,
                  data,
                  object.contentOffset(),
                  object.contentLength(),
                  object.contentLength() / 2);
        }
      }
      if (delta != null && base != null) {
        writer.addDelta(object.hash(), base, delta);
        deltas++;
      } else {
        writer.add(object, data);
      }
      if (object.type() == GitObject.Type.TREE || object.type() == GitObject.Type.BLOB) {
        recent.put(object.hash(), new Cached(data, object.contentOffset(), object.type()));
      }
    }
  }

  /** The name key of a commit's tree, for {@link Walk#lastByName}. */
  private static final String ROOT = "tree /";

  /** An object waiting to be written: the object it may be a delta of, its name key. */
  private static final class Pending {
    final @Nullable Hash base;
    final @Nullable String name;

    Pending(@Nullable Hash base, @Nullable String name) {
      this.base = base;
      this.name = name;
    }
  }

  /** An object's bytes, where its content starts, and its type. */
  private static final class Cached {
    final byte[] data;
    final int offset;
    final GitObject.Type type;

    Cached(byte[] data, int offset, GitObject.Type type) {
      this.data = data;
      this.offset = offset;
      this.type = type;
    }
  }

  /** The most recently written objects, up to a number of bytes. */
  private static final class Recent extends LinkedHashMap<Hash, Cached> {
    private static final long serialVersionUID = 1L;
    private final long limit;
    private long bytes;

    Recent(long limit) {
      super(1024, 0.75f, true);
      this.limit = limit;
    }

    @Override
    public Cached put(Hash key, Cached value) {
      Cached old = super.put(key, value);
      bytes += value.data.length - (old == null ? 0 : old.data.length);
      var eldest = entrySet().iterator();
      while (bytes > limit && size() > 1) {
        bytes -= eldest.next().getValue().data.length;
        eldest.remove();
      }
      return old;
    }
  }

  /**
   * What {@code HEAD} holds: the symbolic ref the import recorded, a detached {@code HEAD}'s
   * commit, else the branch {@code main}, {@code master} or the first branch.
   */
  private String head(Backend store, SymbolicRefs symbolic, Map<String, Hash> refs) {
    Optional<String> target = symbolic.target("HEAD");
    if (target.isPresent()) {
      return "ref: " + target.get() + "\n";
    }
    Optional<Hash> stored = store.getRef("HEAD");
    if (stored.isPresent()) {
      Optional<byte[]> data = store.read(stored.get());
      try {
        if (data.isPresent()
            && GitObject.parse(stored.get(), data.get(), store.hashAlgorithm()).type()
                != GitObject.Type.BLOB) {
          return stored.get().toHex() + "\n";
        }
      } catch (MalformedObjectException e) {
        // Not a Git object: warned about below.
      }
      warn("ignored ref 'HEAD': it names neither a commit nor a symbolic ref");
    }
    for (String branch : List.of("refs/heads/main", "refs/heads/master")) {
      if (refs.containsKey(branch)) {
        return "ref: " + branch + "\n";
      }
    }
    return refs.keySet().stream()
        .filter(n -> n.startsWith("refs/heads/"))
        .findFirst()
        .map(n -> "ref: " + n + "\n")
        .orElse("ref: refs/heads/main\n");
  }

  private static void layout(Path target, HashAlgorithm algorithm) throws IOException {
    Files.createDirectories(target.resolve("refs/heads"));
    Files.createDirectories(target.resolve("refs/tags"));
    Files.createDirectories(target.resolve("objects/info"));
    Files.createDirectories(target.resolve("objects/pack"));
    String config =
        algorithm.name().equals("sha1")
            ? "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n"
            : "[core]\n\trepositoryformatversion = 1\n\tfilemode = true\n\tbare = true\n"
                + "[extensions]\n\tobjectformat = sha256\n";
    Files.writeString(target.resolve("config"), config, StandardCharsets.US_ASCII);
  }

  private void warn(String message) {
    if (!root().quiet) {
      io().err.println("cairn: warning: " + message);
    }
  }
}
