package dev.cairn.cli;

import static java.util.Objects.requireNonNull;

import dev.cairn.git.SymbolicRefs;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.RefName;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn import-git [REPO]}: makes the store mirror a Git repository. Every object is stored
 * in Git's own form so that its key is Git's object id; the store's Git refs ({@code HEAD} and
 * {@code refs/...}) become the repository's: new and moved refs are set, refs the repository no
 * longer has are deleted, symbolic refs are recorded as {@link SymbolicRefs}.
 *
 * <p>Incremental: the ids of the repository's objects are listed first ({@code git cat-file
 * --batch-check}, which reads no object), and only those the store does not hold are read, checked
 * and written; objects already stored are neither read nor re-hashed. When most are new, they
 * stream from {@code git cat-file --batch-all-objects --batch --unordered} in pack order; otherwise
 * their ids are fed to {@code git cat-file --batch}. One thread parses each object and checks its
 * hash against its id while this one writes batches.
 *
 * <p>A store mirrors one repository: importing another one into a store that holds refs of a first
 * (or refs made by hand) is refused unless {@code --replace-refs} says to replace them. If the
 * reader stops early (an object whose bytes do not match its id, an object too large for the heap)
 * the {@code git} process is killed and the one-line reason is the failure.
 */
@Command(
    name = "import-git",
    description =
        "Make the store mirror a Git repository: import the objects it does not hold"
            + " yet (objects keep Git's ids), set its refs and delete refs the repository no"
            + " longer has.")
final class ImportGitCommand extends StoreCommand {
  @Parameters(
      arity = "0..1",
      paramLabel = "REPO",
      defaultValue = ".",
      description = "the repository (work tree or bare); default: the working directory")
  String repository;

  @Option(
      names = "--batch-size",
      paramLabel = "MiB",
      defaultValue = "16",
      description = "bytes of objects written per batch, in MiB (default: ${DEFAULT-VALUE})")
  int batchMiB;

  @Option(
      names = "--replace-refs",
      description =
          "let the refs of REPO replace those of another repository (or made by"
              + " hand) the store holds; their objects stay until gc")
  boolean replaceRefs;

  private static final int BATCH_OBJECTS = 50_000;

  /**
   * Git's cache of delta bases while it reads the objects: 96 MiB by default; at 512 MiB {@code git
   * cat-file --batch-all-objects --batch --unordered} of git/git (849,014 objects) took 12.8 s
   * instead of 15.0–21.6 s on the 2-core build machine (1 GiB gained nothing more). The memory is
   * git's, not this JVM's. Passed as {@code git -c NAME=VALUE}.
   */
  private static final String DELTA_CACHE_LIMIT = "core.deltaBaseCacheLimit=512m";

  /**
   * The repository and its hash algorithm, set by {@link #openStore} before anything reads them.
   */
  private @Nullable Git openedGit;

  private @Nullable HashAlgorithm openedAlgorithm;

  private Git git() {
    return requireNonNull(openedGit, "the repository (opened by openStore)");
  }

  private HashAlgorithm algorithm() {
    return requireNonNull(openedAlgorithm, "the hash algorithm (chosen by openStore)");
  }

  @Override
  Backend openStore() {
    if (batchMiB < 1 || batchMiB > 1024) {
      throw CliFailure.usage("--batch-size must be 1 to 1024 MiB, not " + batchMiB);
    }
    openedGit = Git.open(io().resolve(repository), repository);
    String format = git().objectFormat();
    try {
      openedAlgorithm = HashAlgorithm.forName(format);
    } catch (IllegalArgumentException e) {
      throw CliFailure.failure(
          "'" + repository + "' uses object format " + format + ", which Cairn does not know");
    }
    Backend store = root().openCreating(algorithm());
    if (!store.hashAlgorithm().name().equals(algorithm().name())) {
      String spec = root().spec();
      String held = store.hashAlgorithm().name();
      store.close();
      throw CliFailure.failure(
          "the store "
              + spec
              + " holds "
              + held
              + " objects but '"
              + repository
              + "' is a "
              + algorithm().name()
              + " repository;"
              + " import into a new store (it is created as "
              + algorithm().name()
              + ")");
    }
    return store;
  }

  @Override
  int run(Backend store) throws Exception {
    String origin = git().output("rev-parse", "--absolute-git-dir").trim();
    SymbolicRefs record = SymbolicRefs.read(store);
    checkSameRepository(store, record, origin);
    Progress listing = progress("list", -1);
    Missing missing = missing(store);
    listing.finish();
    Progress progress = progress("import", missing.count);
    if (missing.count > 0) {
      importObjects(store, missing, progress);
    }
    double seconds = progress.seconds();
    progress.finish();
    RefChanges refs = importRefs(store, record, origin);
    store.flush();
    summary(progress, missing, refs, seconds);
    return 0;
  }

  /** Refuses to let a second repository replace the refs of the one the store mirrors. */
  private void checkSameRepository(Backend store, SymbolicRefs record, String origin) {
    if (replaceRefs) {
      return;
    }
    Optional<String> mirrored = record.origin();
    if (mirrored.isPresent() && !mirrored.get().equals(origin)) {
      throw CliFailure.failure(
          "the store "
              + root().spec()
              + " mirrors the Git repository "
              + mirrored.get()
              + "; importing "
              + origin
              + " would replace its HEAD and branches."
              + " Import into another store, or pass --replace-refs");
    }
    if (mirrored.isEmpty()) {
      List<String> gitRefs = gitRefs(store);
      if (!gitRefs.isEmpty()) {
        throw CliFailure.failure(
            "the store "
                + root().spec()
                + " holds Git refs ("
                + gitRefs.get(0)
                + (gitRefs.size() > 1 ? ", ..." : "")
                + ") that were not imported"
                + " from "
                + origin
                + "; importing would replace them. Import into another store,"
                + " or pass --replace-refs");
      }
    }
  }

  private static List<String> gitRefs(Backend store) {
    List<String> names = new ArrayList<>();
    for (String name : store.listRefs()) {
      if (name.equals("HEAD") || name.startsWith("refs/")) {
        names.add(name);
      }
    }
    return names;
  }

  /** The ids of the repository's objects that the store does not hold, raw, one after another. */
  private static final class Missing {
    final ByteArrayOutputStream ids = new ByteArrayOutputStream();
    long count;
    long stored;
  }

  private Missing missing(Backend store) throws IOException, InterruptedException {
    Process list =
        git()
            .start("cat-file", "--batch-all-objects", "--batch-check=%(objectname)", "--unordered");
    list.getOutputStream().close();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errReader = Git.drain(list.getErrorStream(), err);
    Missing missing = new Missing();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(list.getInputStream(), StandardCharsets.US_ASCII), 1 << 16)) {
      for (String line; (line = lines.readLine()) != null; ) {
        Hash id = parseId(line);
        if (store.exists(id)) {
          missing.stored++;
        } else {
          missing.ids.writeBytes(id.toBytes());
          missing.count++;
        }
      }
    } finally {
      stop(list);
    }
    errReader.join(TimeUnit.SECONDS.toMillis(5));
    if (list.exitValue() != 0) {
      throw CliFailure.failure(
          "git cat-file --batch-check failed in '"
              + repository
              + "': "
              + Git.firstLine(err.toString(StandardCharsets.UTF_8)));
    }
    return missing;
  }

  private Hash parseId(String hex) {
    try {
      return Hash.parse(algorithm(), hex);
    } catch (IllegalArgumentException e) {
      throw CliFailure.failure(
          "git cat-file printed an object id that is not " + algorithm().name() + ": " + hex);
    }
  }

  /** Kills {@code process} if it still runs and waits for it: it must not outlive the import. */
  private static void stop(Process process) throws InterruptedException {
    if (!process.waitFor(0, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    process.waitFor();
  }

  private void importObjects(Backend store, Missing missing, Progress progress) throws Exception {
    long batchBytes = batchMiB * 1024L * 1024L;
    boolean all = missing.stored == 0;
    BlockingQueue<Map<Hash, byte[]>> batches = new ArrayBlockingQueue<>(3);
    Map<Hash, byte[]> end = new LinkedHashMap<>();
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    Process catFile =
        all
            ? git()
                .start(
                    "-c",
                    DELTA_CACHE_LIMIT,
                    "cat-file",
                    "--batch-all-objects",
                    "--batch",
                    "--unordered")
            : git().start("-c", DELTA_CACHE_LIMIT, "cat-file", "--batch");
    ByteArrayOutputStream catFileErr = new ByteArrayOutputStream();
    Thread errReader = Git.drain(catFile.getErrorStream(), catFileErr);
    Thread feeder = all ? null : feed(catFile.getOutputStream(), missing.ids.toByteArray());
    if (all) {
      catFile.getOutputStream().close();
    }
    Thread reader =
        new Thread(
            () -> {
              try {
                readObjects(catFile.getInputStream(), batches, batchBytes);
              } catch (Throwable t) {
                readerFailure.set(t);
                // git may be blocked writing to the pipe nobody reads any more.
                catFile.destroyForcibly();
              } finally {
                try {
                  batches.put(end);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            "import-git-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      for (Map<Hash, byte[]> batch; (batch = batches.take()) != end; ) {
        checkIds(batch);
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
      stop(catFile);
      if (feeder != null) {
        feeder.join();
      }
      errReader.join(TimeUnit.SECONDS.toMillis(5));
    }
    Throwable failure = readerFailure.get();
    if (failure instanceof CliFailure) {
      throw (CliFailure) failure;
    }
    if (failure instanceof OutOfMemoryError) {
      throw CliFailure.failure(
          "import from '"
              + repository
              + "' stopped: an object does not"
              + " fit in the heap ("
              + Runtime.getRuntime().maxMemory() / (1 << 20)
              + " MiB); run with a larger -Xmx");
    }
    if (catFile.exitValue() != 0) {
      String reason = Git.firstLine(catFileErr.toString(StandardCharsets.UTF_8));
      throw CliFailure.failure(
          "git cat-file failed in '"
              + repository
              + "' (exit "
              + catFile.exitValue()
              + ")"
              + (reason.isEmpty() ? "" : ": " + reason));
    }
    if (failure instanceof Exception) {
      throw (Exception) failure;
    } else if (failure != null) {
      throw (Error) failure;
    }
  }

  /** Writes the ids in hex, a line each, to git's input on a thread of its own. */
  private Thread feed(OutputStream stdin, byte[] ids) {
    int length = algorithm().digestLength();
    Thread thread =
        new Thread(
            () -> {
              try (OutputStream out = new java.io.BufferedOutputStream(stdin, 1 << 16)) {
                for (int at = 0; at < ids.length; at += length) {
                  out.write(
                      (Hash.of(algorithm(), ids, at, length).toHex() + "\n")
                          .getBytes(StandardCharsets.US_ASCII));
                }
              } catch (IOException e) {
                // git stopped reading: it failed or was stopped; its exit says which.
              }
            },
            "import-git-feeder");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Checks that each object of {@code batch} hashes to its id before any is written. Done on the
   * writing thread, not the reader: the reader must drain git's pipe (64 KiB) at once or git
   * stalls, so it only parses. On the 2-core build machine this took an import of git/git from
   * 30.5–31.9 s to 26.4–28.0 s; hashing on a pool as well made it slower (30–32 s: git, the
   * critical path, lost its core).
   */
  private void checkIds(Map<Hash, byte[]> batch) {
    for (Map.Entry<Hash, byte[]> entry : batch.entrySet()) {
      Hash hash = algorithm().hash(entry.getValue());
      if (!hash.equals(entry.getKey())) {
        throw CliFailure.failure(
            "object "
                + entry.getKey().toHex()
                + " of '"
                + repository
                + "' hashes to "
                + hash.toHex()
                + ": the repository is damaged");
      }
    }
  }

  /** Parses the records into batches (object id to object); {@link #checkIds} checks them. */
  private void readObjects(
      InputStream raw, BlockingQueue<Map<Hash, byte[]>> batches, long batchBytes)
      throws IOException, InterruptedException {
    CatFileStream in = new CatFileStream(raw, Runtime.getRuntime().maxMemory() / 2);
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    long bytes = 0;
    for (byte[] data; (data = in.next()) != null; ) {
      batch.put(parseId(requireNonNull(in.oid, "the id of the record read")), data);
      bytes += data.length;
      if (bytes >= batchBytes || batch.size() >= BATCH_OBJECTS) {
        batches.put(batch);
        batch = new LinkedHashMap<>();
        bytes = 0;
      }
    }
    if (!batch.isEmpty()) {
      batches.put(batch);
    }
  }

  /** How the store's Git refs changed. */
  private static final class RefChanges {
    int set;
    int unchanged;
    int deleted;
    int symbolic;
  }

  private RefChanges importRefs(Backend store, SymbolicRefs record, String origin) {
    Map<String, Hash> plain = new TreeMap<>();
    Map<String, String> symbolic = new TreeMap<>();
    String refs = git().output("for-each-ref", "--format=%(objectname) %(refname) %(symref)");
    for (String line : refs.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split(" ", 3);
      String name = fields[1];
      String target = fields.length > 2 ? fields[2] : "";
      if (!RefName.isValid(name) || (!target.isEmpty() && !RefName.isValid(target))) {
        warn("skipped ref '" + name + "': not a valid Cairn ref name");
      } else if (!target.isEmpty()) {
        symbolic.put(name, target);
      } else {
        plain.put(name, parseId(fields[0]));
      }
    }
    Git.Result head = git().run("symbolic-ref", "-q", "HEAD");
    if (head.exit == 0) {
      symbolic.put("HEAD", head.out.trim());
    } else {
      Git.Result detached = git().run("rev-parse", "-q", "--verify", "HEAD");
      if (detached.exit == 0) {
        plain.put("HEAD", parseId(detached.out.trim()));
      }
    }
    RefChanges changes = new RefChanges();
    for (Map.Entry<String, Hash> ref : plain.entrySet()) {
      if (store.getRef(ref.getKey()).equals(Optional.of(ref.getValue()))) {
        changes.unchanged++;
      } else {
        store.setRef(ref.getKey(), ref.getValue());
        changes.set++;
      }
    }
    for (String name : gitRefs(store)) {
      if (!plain.containsKey(name)) {
        Optional<Hash> current = store.getRef(name);
        if (current.isPresent() && store.testAndSetRef(name, current.get(), null)) {
          changes.deleted++;
        }
      }
    }
    changes.symbolic = symbolic.size();
    if (!SymbolicRefs.of(Optional.of(origin), symbolic).write(store, record)) {
      throw CliFailure.failure(
          "the symbolic refs of the store "
              + root().spec()
              + " changed during the import; run it again");
    }
    return changes;
  }

  private void warn(String message) {
    if (!root().quiet) {
      io().err.println("cairn: warning: " + message);
    }
  }

  private void summary(Progress progress, Missing missing, RefChanges refs, double seconds) {
    long objects = progress.items();
    long bytes = progress.bytes();
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("objects", objects);
      result.put("bytes", bytes);
      result.put("alreadyStored", missing.stored);
      result.put("refs", refs.set + refs.unchanged + refs.symbolic);
      result.put("refsSet", refs.set);
      result.put("refsDeleted", refs.deleted);
      result.put("symbolicRefs", refs.symbolic);
      result.put("seconds", seconds);
      result.put("objectsPerSecond", seconds > 0 ? objects / seconds : 0.0);
      result.put("megabytesPerSecond", seconds > 0 ? bytes / seconds / 1e6 : 0.0);
      result.put("store", root().spec());
      json(result);
    } else {
      say(
          String.format(
              Locale.ROOT,
              "imported %,d new objects (%,.1f MB; %,d already stored) in %.2f s: %,.0f objects/s,"
                  + " %.1f MB/s; refs: %,d set, %,d unchanged, %,d deleted, %,d symbolic",
              objects,
              bytes / 1e6,
              missing.stored,
              seconds,
              seconds > 0 ? objects / seconds : 0.0,
              seconds > 0 ? bytes / seconds / 1e6 : 0.0,
              refs.set,
              refs.unchanged,
              refs.deleted,
              refs.symbolic));
    }
  }
}
