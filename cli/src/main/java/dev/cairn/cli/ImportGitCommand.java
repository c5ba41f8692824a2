package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.RefName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn import-git [REPO]}: every object of a Git repository, stored in Git's own form
 * so that its key is Git's object id, and every ref.
 * <p>Objects stream from {@code git cat-file --batch-all-objects --batch}; one thread parses
 * and checks each object's hash against its id while this one writes batches. A symbolic
 * {@code HEAD} is kept as the ref {@code HEAD} naming a blob {@code "ref: <target>\n"}; a
 * detached one names its commit.
 */
@Command(name = "import-git",
    description = "Import every object and ref of a Git repository (objects keep Git's ids).")
final class ImportGitCommand extends StoreCommand {
  @Parameters(arity = "0..1", paramLabel = "REPO", defaultValue = ".",
      description = "the repository (work tree or bare); default: the working directory")
  String repository;

  @Option(names = "--batch-size", paramLabel = "MiB", defaultValue = "16",
      description = "bytes of objects written per batch, in MiB (default: ${DEFAULT-VALUE})")
  int batchMiB;

  private Git git;
  private HashAlgorithm algorithm;

  @Override
  Backend openStore() {
    if (batchMiB < 1 || batchMiB > 1024) {
      throw CliFailure.usage("--batch-size must be 1 to 1024 MiB, not " + batchMiB);
    }
    git = Git.open(io().resolve(repository), repository);
    String format = git.objectFormat();
    try {
      algorithm = HashAlgorithm.forName(format);
    } catch (IllegalArgumentException e) {
      throw CliFailure.failure("'" + repository + "' uses object format " + format
          + ", which Cairn does not know");
    }
    Backend store = root().openCreating(algorithm);
    if (!store.hashAlgorithm().name().equals(algorithm.name())) {
      String spec = root().spec();
      String held = store.hashAlgorithm().name();
      store.close();
      throw CliFailure.failure("the store " + spec + " holds " + held
          + " objects but '" + repository + "' is a " + algorithm.name() + " repository;"
          + " import into a new store (it is created as " + algorithm.name() + ")");
    }
    return store;
  }

  @Override
  int run(Backend store) throws Exception {
    Progress progress = progress("import", objectCount());
    long batchBytes = batchMiB * 1024L * 1024L;
    BlockingQueue<Map<Hash, byte[]>> batches = new ArrayBlockingQueue<>(3);
    Map<Hash, byte[]> end = new LinkedHashMap<>();
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    Process catFile = git.start("cat-file", "--batch-all-objects", "--batch", "--unordered");
    catFile.getOutputStream().close();
    ByteArrayOutputStream catFileErr = new ByteArrayOutputStream();
    Thread errReader = Git.drain(catFile.getErrorStream(), catFileErr);
    Thread reader = new Thread(() -> {
      try {
        readObjects(catFile.getInputStream(), batches, batchBytes);
      } catch (Throwable t) {
        readerFailure.set(t);
      } finally {
        try {
          batches.put(end);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "import-git-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      for (Map<Hash, byte[]> batch; (batch = batches.take()) != end; ) {
        store.writeBatch(batch);
        long bytes = 0;
        for (byte[] data : batch.values()) {
          bytes += data.length;
        }
        progress.advance(batch.size(), bytes);
      }
    } finally {
      if (reader.isAlive()) {
        // Writing failed: stop git and the reader, and make room for its end marker.
        catFile.destroyForcibly();
        reader.interrupt();
        batches.clear();
      }
      reader.join();
    }
    int exit = catFile.waitFor();
    errReader.join();
    Throwable failure = readerFailure.get();
    if (failure instanceof CliFailure) {
      throw (CliFailure) failure;
    }
    if (exit != 0) {
      throw CliFailure.failure("git cat-file failed in '" + repository + "': "
          + Git.firstLine(catFileErr.toString(StandardCharsets.UTF_8)));
    }
    if (failure instanceof Exception) {
      throw (Exception) failure;
    } else if (failure != null) {
      throw (Error) failure;
    }
    double seconds = progress.seconds();
    int refs = importRefs(store);
    store.flush();
    progress.finish();
    summary(progress, refs, seconds);
    return 0;
  }

  private long objectCount() {
    Git.Result result = git.run("count-objects", "-v");
    if (result.exit != 0) {
      return -1;
    }
    long count = 0;
    for (String line : result.out.split("\n")) {
      if (line.startsWith("count: ") || line.startsWith("in-pack: ")) {
        count += Long.parseLong(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    return count;
  }

  /**
   * Parses the records into batches (object id to object), checking that each object hashes
   * to its id: this thread mostly waits for git, so hashing here overlaps the store's writes.
   */
  private void readObjects(InputStream raw, BlockingQueue<Map<Hash, byte[]>> batches,
      long batchBytes) throws IOException, InterruptedException {
    CatFileStream in = new CatFileStream(raw);
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    long bytes = 0;
    for (byte[] data; (data = in.next()) != null; ) {
      Hash oid;
      try {
        oid = Hash.parse(algorithm, in.oid);
      } catch (IllegalArgumentException e) {
        throw CliFailure.failure("git cat-file printed an object id that is not "
            + algorithm.name() + ": " + in.oid);
      }
      Hash hash = algorithm.hash(data);
      if (!hash.equals(oid)) {
        throw CliFailure.failure("object " + in.oid + " of '" + repository + "' hashes to "
            + hash.toHex() + ": the repository is damaged");
      }
      batch.put(oid, data);
      bytes += data.length;
      if (bytes >= batchBytes || batch.size() >= 50_000) {
        batches.put(batch);
        batch = new LinkedHashMap<>();
        bytes = 0;
      }
    }
    if (!batch.isEmpty()) {
      batches.put(batch);
    }
  }

  private int importRefs(Backend store) {
    int count = 0;
    String refs = git.output("for-each-ref", "--format=%(objectname) %(refname)");
    for (String line : refs.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int space = line.indexOf(' ');
      String name = line.substring(space + 1);
      if (!RefName.isValid(name)) {
        warn("skipped ref '" + name + "': not a valid Cairn ref name");
        continue;
      }
      store.setRef(name, CairnCommand.parseHash(store, line.substring(0, space)));
      count++;
    }
    Git.Result symbolic = git.run("symbolic-ref", "-q", "HEAD");
    if (symbolic.exit == 0) {
      byte[] target = ("ref: " + symbolic.out.trim() + "\n").getBytes(StandardCharsets.UTF_8);
      store.setRef("HEAD", store.put(GitObject.of("blob", target)));
      count++;
    } else {
      Git.Result detached = git.run("rev-parse", "-q", "--verify", "HEAD");
      if (detached.exit == 0) {
        store.setRef("HEAD", CairnCommand.parseHash(store, detached.out.trim()));
        count++;
      }
    }
    return count;
  }

  private void warn(String message) {
    if (!root().quiet) {
      io().err.println("cairn: warning: " + message);
    }
  }

  private void summary(Progress progress, int refs, double seconds) {
    long objects = progress.items();
    long bytes = progress.bytes();
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("objects", objects);
      result.put("bytes", bytes);
      result.put("refs", refs);
      result.put("seconds", seconds);
      result.put("objectsPerSecond", objects / seconds);
      result.put("megabytesPerSecond", bytes / seconds / 1e6);
      result.put("store", root().spec());
      json(result);
    } else {
      say(String.format(Locale.ROOT,
          "imported %,d objects (%,.1f MB) and %,d refs in %.2f s: %,.0f objects/s, %.1f MB/s",
          objects, bytes / 1e6, refs, seconds, objects / seconds, bytes / seconds / 1e6));
    }
  }
}
