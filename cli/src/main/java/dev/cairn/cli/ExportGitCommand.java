package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.Deflater;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn export-git DIR}: a bare Git repository of loose objects holding every object
 * reachable from the store's Git refs ({@code refs/...} and {@code HEAD}).
 * <p>The walk starts at the refs and follows commits' trees and parents, trees' entries and
 * tags' targets. A commit whose parent is not stored (a shallow clone's boundary) is listed in
 * {@code shallow}, as Git does; any other missing object fails the export (exit 1) after
 * everything else is written. Objects are deflated and written on a pool of threads while
 * this one walks.
 */
@Command(name = "export-git",
    description = "Export the objects reachable from refs/... and HEAD as a bare Git"
        + " repository of loose objects.")
final class ExportGitCommand extends StoreCommand {
  @Parameters(paramLabel = "DIR", description = "a directory that does not exist or is empty")
  String directory;

  private static final ThreadLocal<Deflater> DEFLATER =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED));

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
    Map<String, Hash> refs = new TreeMap<>();
    for (String name : store.listRefs()) {
      if (name.startsWith("refs/")) {
        store.getRef(name).ifPresent(hash -> refs.put(name, hash));
      } else if (!name.equals("HEAD")) {
        warn("skipped ref '" + name + "': Git refs start with refs/");
      }
    }
    String head = head(store, refs);
    layout(target, algorithm);

    Progress progress = progress("export", -1);
    Set<Hash> seen = new HashSet<>();
    Set<Hash> shallow = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    ArrayDeque<Hash> queue = new ArrayDeque<>();
    for (Hash hash : refs.values()) {
      if (seen.add(hash)) {
        queue.add(hash);
      }
    }
    if (!head.startsWith("ref: ")) {
      Hash detached = Hash.parse(algorithm, head.trim());
      if (seen.add(detached)) {
        queue.add(detached);
      }
    }
    Path objects = target.resolve("objects");
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    ExecutorService writers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "export-git-writer");
      t.setDaemon(true);
      return t;
    });
    Semaphore inFlight = new Semaphore(256);
    List<Future<?>> pending = new ArrayList<>();
    try {
      while (!queue.isEmpty()) {
        Hash hash = queue.poll();
        Optional<byte[]> read = store.read(hash);
        if (read.isEmpty()) {
          problems.add("object " + hash.toHex() + " is not in the store");
          continue;
        }
        byte[] data = read.get();
        GitObject object = GitObject.parseHeader(data);
        if (object == null) {
          problems.add("object " + hash.toHex() + " is not a Git object");
          continue;
        }
        try {
          object.forEachLink(data, algorithm, (kind, link) -> {
            if (seen.contains(link)) {
              return;
            }
            if (kind.equals("parent") && !store.exists(link)) {
              shallow.add(hash);
              return;
            }
            seen.add(link);
            queue.add(link);
          });
        } catch (IllegalArgumentException e) {
          problems.add("object " + hash.toHex() + " is malformed: " + e.getMessage());
          continue;
        }
        inFlight.acquire();
        pending.add(writers.submit(() -> {
          try {
            writeLoose(objects, hash, data);
          } finally {
            inFlight.release();
          }
          return null;
        }));
        progress.advance(1, data.length);
        if (pending.size() >= 4096) {
          drain(pending);
        }
      }
      drain(pending);
    } finally {
      writers.shutdownNow();
    }
    for (Map.Entry<String, Hash> ref : refs.entrySet()) {
      Path file = target.resolve(ref.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, ref.getValue().toHex() + "\n", StandardCharsets.US_ASCII);
    }
    Files.writeString(target.resolve("HEAD"), head, StandardCharsets.US_ASCII);
    if (!shallow.isEmpty()) {
      StringBuilder lines = new StringBuilder();
      for (Hash hash : shallow) {
        lines.append(hash.toHex()).append('\n');
      }
      Files.writeString(target.resolve("shallow"), lines, StandardCharsets.US_ASCII);
    }
    double seconds = progress.seconds();
    progress.finish();
    if (!problems.isEmpty()) {
      for (String problem : problems.subList(0, Math.min(20, problems.size()))) {
        io().err.println("cairn: " + problem);
      }
      throw CliFailure.failure("export to '" + directory + "' is incomplete: "
          + problems.size() + " reachable objects could not be exported");
    }
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("objects", progress.items());
      result.put("bytes", progress.bytes());
      result.put("refs", refs.size());
      result.put("shallow", shallow.size());
      result.put("seconds", seconds);
      result.put("directory", target.toString());
      json(result);
    } else {
      say(String.format(Locale.ROOT,
          "exported %,d objects (%,.1f MB) and %,d refs to %s in %.2f s%s", progress.items(),
          progress.bytes() / 1e6, refs.size(), target, seconds,
          shallow.isEmpty() ? "" : " (shallow: " + shallow.size() + " boundary commits)"));
    }
    return 0;
  }

  /**
   * What {@code HEAD} holds: the stored {@code HEAD} (a blob {@code "ref: ..."} or a commit),
   * else the branch {@code main}, {@code master} or the first branch.
   */
  private String head(Backend store, Map<String, Hash> refs) {
    Optional<Hash> stored = store.getRef("HEAD");
    if (stored.isPresent()) {
      Optional<byte[]> data = store.read(stored.get());
      GitObject object = data.map(GitObject::parseHeader).orElse(null);
      if (object != null && object.type == GitObject.Type.BLOB) {
        byte[] bytes = data.get();
        String text = new String(bytes, object.contentOffset,
            bytes.length - object.contentOffset, StandardCharsets.UTF_8);
        if (text.startsWith("ref: refs/") && text.endsWith("\n")) {
          return text;
        }
      } else if (object != null) {
        return stored.get().toHex() + "\n";
      }
      warn("ignored ref 'HEAD': it names neither a commit nor a symbolic ref");
    }
    for (String branch : List.of("refs/heads/main", "refs/heads/master")) {
      if (refs.containsKey(branch)) {
        return "ref: " + branch + "\n";
      }
    }
    return refs.keySet().stream().filter(n -> n.startsWith("refs/heads/")).findFirst()
        .map(n -> "ref: " + n + "\n").orElse("ref: refs/heads/main\n");
  }

  private static void layout(Path target, HashAlgorithm algorithm) throws IOException {
    Files.createDirectories(target.resolve("refs/heads"));
    Files.createDirectories(target.resolve("refs/tags"));
    Files.createDirectories(target.resolve("objects/info"));
    Files.createDirectories(target.resolve("objects/pack"));
    for (int i = 0; i < 256; i++) {
      Files.createDirectories(target.resolve("objects").resolve(String.format("%02x", i)));
    }
    String config = algorithm.name().equals("sha1")
        ? "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n"
        : "[core]\n\trepositoryformatversion = 1\n\tfilemode = true\n\tbare = true\n"
            + "[extensions]\n\tobjectformat = sha256\n";
    Files.writeString(target.resolve("config"), config, StandardCharsets.US_ASCII);
  }

  /** Writes {@code data} zlib-deflated to {@code objects/xx/yyyy...}, as Git's loose objects. */
  private static void writeLoose(Path objects, Hash hash, byte[] data) throws IOException {
    Deflater deflater = DEFLATER.get();
    deflater.reset();
    deflater.setInput(data);
    deflater.finish();
    byte[] out = new byte[Math.max(64, data.length + data.length / 1000 + 64)];
    int length = 0;
    while (!deflater.finished()) {
      if (length == out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      length += deflater.deflate(out, length, out.length - length);
    }
    String hex = hash.toHex();
    Path file = objects.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    try (var channel = Files.newByteChannel(file,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(out, 0, length);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (FileAlreadyExistsException e) {
      // Written already: the same object reached twice before the seen-set recorded it.
    }
  }

  private static void drain(List<Future<?>> pending) throws Exception {
    for (Future<?> future : pending) {
      try {
        future.get();
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException) {
          throw new UncheckedIOException((IOException) cause);
        }
        throw e;
      }
    }
    pending.clear();
  }

  private void warn(String message) {
    if (!root().quiet) {
      io().err.println("cairn: warning: " + message);
    }
  }
}
