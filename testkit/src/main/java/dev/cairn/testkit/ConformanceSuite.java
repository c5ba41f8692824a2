package dev.cairn.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.Reloadable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance suite of the {@link Backend} contract. A backend's test extends this class and
 * implements {@link #open(Seed)}; JUnit then runs every test that applies to the store.
 *
 * <p>Tests are chosen by what the store declares, as guava-testlib chooses testers by declared
 * features, and what it declares it is held to:
 *
 * <ul>
 *   <li>its {@link Backend#capabilities()}: a store without {@link Capability#WRITE_OBJECTS} gets
 *       "write is rejected" tests instead of "write works" tests; one with {@link
 *       Capability#PERSISTENT} gets the persistence tests (reopening, which needs {@link
 *       #reopen(Backend)}; damaged bytes are never served, which needs {@link #openIn} or {@link
 *       #damage});
 *   <li>its features ({@link Backend#feature(Class)}): {@link ObjectEnumeration}, {@link
 *       Compaction}, {@link IntegrityCheck}, {@link Reloadable} and {@link GarbageCollection} each
 *       have their tests;
 *   <li>whether its test overrides {@link #openIn}: a store kept in files then gets the crash
 *       tests, run on a {@link FaultyFileSystem} (power losses after a flush; a batch and a ref
 *       update cut by a crash or a power loss at each of their I/O operations), and the test of two
 *       stores opened on one directory.
 * </ul>
 *
 * <p>Tests that do not apply are not generated, so no test is reported as skipped. A failure
 * message starts with the suite's class, the topic and the test's sentence.
 *
 * <pre>{@code
 * class MyBackendTest extends ConformanceSuite {
 *   @Override
 *   protected Backend open(Seed seed) {
 *     return seed.writeTo(MyBackend.create(seed.algorithm()));
 *   }
 * }
 * }</pre>
 *
 * <p>Every store opened by the suite is closed by it, and the directories it makes for {@link
 * #openIn} are deleted when the run ends. Long-running parts (the races, the crash loops and the
 * Lincheck checks) are bounded and scale with the system property {@code cairn.budget}: {@code ci}
 * (the default) or {@code full}.
 */
public abstract class ConformanceSuite {
  /** Whether the store under test declares PERSISTENT; set when the run starts. */
  private volatile boolean persistent;

  /** The temporary directories of the current run. */
  private volatile @Nullable Directories directories;

  /**
   * Opens a new store that holds exactly {@code seed}'s objects and refs and shares nothing with
   * any other store this method returned. Its hashes are of {@code seed.algorithm()}.
   */
  protected abstract Backend open(Seed seed) throws Exception;

  /**
   * Reopens the store behind {@code closed}, which the suite has flushed and closed. Needed only by
   * stores with {@link Capability#PERSISTENT}; the default fails the test.
   */
  protected Backend reopen(Backend closed) throws Exception {
    throw new AssertionError(
        closed
            + " declares PERSISTENT but its test does not override "
            + "ConformanceSuite.reopen(Backend)");
  }

  /**
   * For a store kept in files: opens the store kept in {@code directory}, creating an empty one of
   * {@code algorithm} if the directory is absent or empty, with the options the test means to
   * check. {@code directory} may be a path of a {@link FaultyFileSystem}: the store must reach its
   * files only through it ({@code directory.resolve(...)}, {@link Files}), as a store opened by
   * spec reaches them through {@code StoreContext.directory()}.
   *
   * <p>Overriding it turns on the crash tests, the test of two stores on one directory, and lets
   * the suite damage objects for the test that damaged bytes are never served (it flips a byte of
   * each copy of the object's bytes in the directory's files). The default is for stores not kept
   * in files, and is never called.
   */
  protected Backend openIn(Path directory, HashAlgorithm algorithm) throws Exception {
    throw new AssertionError(
        getClass().getName() + " does not override openIn(Path, " + "HashAlgorithm)");
  }

  /**
   * Damages the stored bytes {@code data} of the object {@code hash} in {@code closed}, a store
   * from {@link #open} that the suite has flushed and closed, so that the suite can check that the
   * reopened store never serves them. Needed by a {@link Capability#PERSISTENT} store that does not
   * override {@link #openIn} (the suite then damages the files itself), or whose files do not hold
   * the object's bytes as they are (compressed, encrypted). Flip a byte of the object's payload
   * where the store keeps it; {@link #flipByteInFiles} does that for files that hold the bytes as
   * they are.
   */
  protected void damage(Backend closed, Hash hash, byte[] data) throws Exception {
    throw new AssertionError(
        closed
            + " declares PERSISTENT, but its test overrides neither "
            + "ConformanceSuite.openIn(Path, HashAlgorithm) nor damage(Backend, Hash, byte[]): "
            + "override one so that the suite can check that damaged bytes are never served");
  }

  /**
   * Whether Lincheck's model checker can run the store's ref operations. It cannot follow file I/O
   * (Lincheck 3.7 refuses {@code java.nio.channels} and {@code java.io} files, and says so as "a
   * bug in Lincheck"), so a store that does file I/O returns false and its refs are stress-tested
   * by Lincheck on real threads instead. The default is false for {@link Capability#PERSISTENT}
   * stores and true for the others; if the model checker meets file I/O anyway, the failure says to
   * override this method.
   */
  protected boolean refsModelCheckable() {
    return !persistent;
  }

  /**
   * Whether the store under test is reached over a network (an object store, a database server):
   * every operation a round trip, and opening a store several. False unless overridden.
   *
   * <p>In the default budget ({@code cairn.budget=ci}) the race of 8 threads writing and reading
   * makes 50 writes a thread on a remote store (a local store: 200; a write is one or more round
   * trips there), and the two Lincheck stress tests (refs; objects and refs) are left to {@code
   * cairn.budget=full}: their cost on a remote store is not their invocations but Lincheck
   * instrumenting, at each check, every class loaded (a network client's many: 13 and 4 minutes on
   * Ceph RGW on a 2-core machine), so fewer invocations would make them weaker and hardly faster.
   * In the CI budget a remote store's refs are still raced by 8 threads of compare-and-set on one
   * ref, listing against updates and create races, which fail every flaw of ref atomicity the
   * stress tests catch ({@code SuiteCatchesFlawsTest}). With {@code cairn.budget=full} a remote
   * store runs exactly what every other store runs.
   */
  protected boolean remote() {
    return false;
  }

  /** The algorithm of the stores under test. SHA-256 unless overridden. */
  protected HashAlgorithm hashAlgorithm() {
    return HashAlgorithm.SHA256;
  }

  /** Every conformance test that applies to the store, grouped by topic. */
  @TestFactory
  public final Stream<DynamicNode> conformance() throws Exception {
    Set<Capability> capabilities;
    List<Class<?>> features = new ArrayList<>();
    try (Backend probe = open(Seed.empty(hashAlgorithm()))) {
      capabilities = probe.capabilities();
      assertEquals(
          hashAlgorithm().name(),
          probe.hashAlgorithm().name(),
          "open(seed) must return a store of seed.algorithm()");
      for (Class<?> feature :
          List.of(
              ObjectEnumeration.class,
              Compaction.class,
              IntegrityCheck.class,
              Reloadable.class,
              GarbageCollection.class)) {
        if (probe.feature(feature).isPresent()) {
          features.add(feature);
        }
      }
    }
    persistent = capabilities.contains(Capability.PERSISTENT);
    Directories directories = new Directories();
    this.directories = directories;
    List<Tester> testers = new ArrayList<>();
    testers.add(new ObjectReadTester(this, capabilities));
    testers.add(new RefReadTester(this, capabilities));
    testers.add(
        capabilities.contains(Capability.WRITE_OBJECTS)
            ? new ObjectWriteTester(this, capabilities)
            : new ObjectWritesRejectedTester(this, capabilities));
    testers.add(
        capabilities.contains(Capability.WRITE_REFS)
            ? new RefWriteTester(this, capabilities)
            : new RefWritesRejectedTester(this, capabilities));
    if (capabilities.contains(Capability.WRITE_OBJECTS)
        || capabilities.contains(Capability.WRITE_REFS)) {
      testers.add(new RaceTester(this, capabilities));
    }
    testers.add(new LifecycleTester(this, capabilities));
    if (persistent) {
      testers.add(new PersistenceTester(this, capabilities));
    }
    if (persistent
        && keptInFiles()
        && (capabilities.contains(Capability.WRITE_OBJECTS)
            || capabilities.contains(Capability.WRITE_REFS))) {
      testers.add(new CrashTester(this, capabilities));
    }
    for (Class<?> feature : features) {
      testers.add(FeatureTesters.forFeature(feature, this, capabilities));
    }
    List<DynamicNode> groups = new ArrayList<>();
    for (Tester tester : testers) {
      groups.add(tester.container());
    }
    return groups.stream().onClose(directories::deleteAll);
  }

  /** The temporary directories of the current run. */
  final Directories directories() {
    Directories current = directories;
    if (current == null) {
      throw new IllegalStateException("the suite has no directories before it runs");
    }
    return current;
  }

  /**
   * Whether the run includes the test {@code name} of {@code topic}: all of them. For the testkit's
   * own tests, which show that a flaw turns the suite red without the slowest tests.
   */
  boolean runs(String topic, String name) {
    return true;
  }

  /** Whether the store's test overrides {@link #openIn}. */
  final boolean keptInFiles() {
    return overrides("openIn", Path.class, HashAlgorithm.class);
  }

  /** Whether the store's test overrides {@link #damage}. */
  final boolean damages() {
    return overrides("damage", Backend.class, Hash.class, byte[].class);
  }

  /**
   * Flips the middle byte of every copy of {@code data} found in the regular files under {@code
   * directory}: damage as a failing disk does it, for {@link #damage} and the suite.
   *
   * @return how many copies were damaged (0 if the files do not hold the bytes as they are)
   * @throws IOException if a file cannot be read or written
   */
  protected static int flipByteInFiles(Path directory, byte[] data) throws IOException {
    if (data.length == 0) {
      throw new IllegalArgumentException("an empty object has no byte to damage");
    }
    int copies = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      byte[] content = Files.readAllBytes(file);
      boolean changed = false;
      for (int at = indexOf(content, data, 0); at >= 0; at = indexOf(content, data, at + 1)) {
        content[at + data.length / 2] ^= 0x5a;
        copies++;
        changed = true;
      }
      if (changed) {
        Files.write(file, content);
      }
    }
    return copies;
  }

  private static int indexOf(byte[] content, byte[] data, int from) {
    outer:
    for (int i = from; i <= content.length - data.length; i++) {
      for (int j = 0; j < data.length; j++) {
        if (content[i + j] != data[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private boolean overrides(String name, Class<?>... parameters) {
    for (Class<?> c = getClass(); c != ConformanceSuite.class; c = c.getSuperclass()) {
      try {
        Method method = c.getDeclaredMethod(name, parameters);
        return method != null;
      } catch (NoSuchMethodException e) {
        // not in this class; look further up
      }
    }
    return false;
  }

  /**
   * Whether this run includes Lincheck's stress tests: always, except for a {@link #remote()} store
   * in the CI budget (see there).
   */
  final boolean runsLincheckStress() {
    return full() || !remote();
  }

  /** {@code ci} in CI runs, {@code full} with {@code -Dcairn.budget=full}. */
  static int scale(int ci, int full) {
    return full() ? full : ci;
  }

  /**
   * {@code ci} in CI runs of a local store, {@code remoteCi} in CI runs of a {@link #remote()} one,
   * {@code full} for every store with {@code -Dcairn.budget=full}.
   */
  final int scale(int ci, int remoteCi, int full) {
    return full() ? full : remote() ? remoteCi : ci;
  }

  private static boolean full() {
    return "full".equals(System.getProperty("cairn.budget"));
  }

  /** The temporary directories of one run, deleted when it ends. Thread-safe. */
  static final class Directories {
    private final List<Path> made = new ArrayList<>();

    /** A new, empty directory of the default file system. */
    synchronized Path create(String prefix) {
      try {
        Path directory = Files.createTempDirectory("cairn-conformance-" + prefix);
        made.add(directory);
        return directory;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a directory for the suite", e);
      }
    }

    synchronized void deleteAll() {
      for (Path root : made) {
        try (Stream<Path> files = Files.walk(root)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        } catch (IOException | UncheckedIOException e) {
          // Left for the system's temporary directory cleaner; a test result does not depend
          // on it.
        }
      }
      made.clear();
    }
  }
}
