package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;

/**
 * A file system that sees, and can break, every file operation of the stores that use it: the
 * default file system underneath, with faults on top. Give it to a whole stack with {@code
 * CairnConfiguration.builder().fileSystem(fs)} (stores resolve their paths in {@link
 * dev.cairn.spi.StoreContext#fileSystem()}), or open a store directly on {@link #path(Path)}.
 *
 * <p>What it can do, each on demand:
 *
 * <ul>
 *   <li><b>Power loss</b> ({@link #powerLoss(Loss)}): like a machine losing power, not like a
 *       killed process. Writes not yet made durable by {@code force} are dropped, cut short at a
 *       sector boundary, or kept out of order; files created, renamed or deleted since their
 *       directory was last synced are forgotten, put back or brought back. The choices are drawn
 *       from the seed, so a failing run can be replayed.
 *   <li><b>Failing the k-th I/O operation</b> ({@link #failOperation}, {@link
 *       #failOperationsFrom}): once, or from then on until {@link #heal()}, with an {@link
 *       IOException} naming the operation. Counted operations are opening a file or a directory
 *       listing, reading, writing, syncing, truncating, mapping, locking, creating a directory,
 *       renaming, copying and deleting; asking for attributes or sizes is not.
 *   <li><b>Crashing at the k-th I/O operation</b> ({@link #haltAtOperation}): {@link Runtime#halt}
 *       right before it, which leaves the files as a kill -9 would; for child JVMs.
 *   <li><b>A full disk</b> ({@link #spaceLimit}) and <b>short writes and reads</b> ({@link
 *       #shortTransfers}): writes stop where space ends and then fail with "No space left on
 *       device"; transfers move fewer bytes than asked, as the kernel may.
 *   <li><b>Leak detection</b> ({@link #openFiles()}): every channel, stream and directory listing
 *       opened through it and not closed yet.
 * </ul>
 *
 * <p>Paths of this file system stand for the same paths of the default one ({@link #path(Path)} and
 * {@link #getPath}); files stay where they are, and are read and written for real. Memory: the
 * bytes written since the last sync of each file, to be able to undo them. Thread-safe. Closing it
 * releases its stash of deleted files; files written stay.
 */
public final class FaultyFileSystem extends FileSystem {
  /** The exit status of {@link #haltAtOperation}: that of a process killed by SIGKILL. */
  public static final int HALT_STATUS = 137;

  /** What a {@link #powerLoss(Loss)} does to the bytes written since a file's last sync. */
  public enum Loss {
    /** Every unsynced write is lost: each file is as it was at its last sync. */
    DROP,
    /** The writes reach the disk in order up to a point; the last one may be cut short. */
    TRUNCATE,
    /** Any subset of the writes reaches the disk, each whole or cut short: out of order. */
    REORDER,
    /** For each file one of the above, drawn from the seed. */
    RANDOM
  }

  private final FileSystem real = FileSystems.getDefault();
  private final FaultyProvider provider = new FaultyProvider(this);
  private final Random random;
  private final PageCache cache;

  /** Every operation holds it shared; a power loss holds it alone, so nothing straddles it. */
  final ReadWriteLock power = new ReentrantReadWriteLock();

  private final AtomicLong operations = new AtomicLong();
  private final AtomicLong shortened = new AtomicLong();
  private volatile long failOnce = -1;
  private volatile long failFrom = -1;
  private volatile long haltAt = -1;
  private final AtomicLong spaceLeft = new AtomicLong(Long.MAX_VALUE);
  private volatile boolean shortTransfers;
  private volatile java.util.function.Consumer<String> listener = what -> {};
  private volatile boolean open = true;

  /** Incremented by each power loss: channels of an earlier generation are dead. */
  private volatile int generation;

  final Set<Object> openFiles = ConcurrentHashMap.newKeySet();
  private final Deque<String> recent = new ArrayDeque<>();

  private FaultyFileSystem(long seed) throws IOException {
    // Scrambled: the first draws of java.util.Random from nearby seeds are nearly the same.
    this.random = new Random(new java.util.SplittableRandom(seed).nextLong());
    this.cache = new PageCache(Files.createTempDirectory("faulty-fs-stash"));
  }

  /**
   * A faulty file system with no fault switched on yet, drawing its random choices from {@code
   * seed}.
   *
   * @throws UncheckedIOException if its stash directory (under {@code java.io.tmpdir}) cannot be
   *     created
   */
  public static FaultyFileSystem create(long seed) {
    try {
      return new FaultyFileSystem(seed);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the stash of a FaultyFileSystem", e);
    }
  }

  /** This file system's path for {@code path} of the default file system. */
  public Path path(Path path) {
    requireNonNull(path, "path");
    if (path instanceof FaultyPath) {
      return path;
    }
    if (path.getFileSystem() != real) {
      throw new IllegalArgumentException("not a path of the default file system: " + path);
    }
    return new FaultyPath(this, path);
  }

  /** The number of counted I/O operations so far (see the class description). */
  public long operations() {
    return operations.get();
  }

  /**
   * Makes counted operation number {@code operation} (as {@link #operations()} counts them) fail
   * once with an {@link IOException}; the ones after it succeed.
   */
  public FaultyFileSystem failOperation(long operation) {
    failOnce = positive(operation);
    return this;
  }

  /**
   * Makes counted operation number {@code operation} and every one after it fail, until {@link
   * #heal()}: a device that went away.
   */
  public FaultyFileSystem failOperationsFrom(long operation) {
    failFrom = positive(operation);
    return this;
  }

  /**
   * Halts the JVM ({@link Runtime#halt} with {@link #HALT_STATUS}) right before counted operation
   * number {@code operation}: no shutdown hook runs, no buffer is flushed, the files are left as a
   * kill -9 leaves them.
   */
  public FaultyFileSystem haltAtOperation(long operation) {
    haltAt = positive(operation);
    return this;
  }

  /**
   * Leaves {@code bytes} more bytes of space: a write that needs more writes what fits and returns
   * that count; the next one fails with "No space left on device".
   */
  public FaultyFileSystem spaceLimit(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("space must be at least 0, got " + bytes);
    }
    spaceLeft.set(bytes);
    return this;
  }

  /** The bytes that may still be written: {@link Long#MAX_VALUE} when space is not limited. */
  public long spaceLeft() {
    return spaceLeft.get();
  }

  /**
   * How many reads and writes {@link #shortTransfers} has cut short so far: a test can check that
   * the loops it means to exercise really met short transfers.
   */
  public long shortenedTransfers() {
    return shortened.get();
  }

  /** Makes every read and write move between 1 byte and all it was asked to, at random. */
  public FaultyFileSystem shortTransfers(boolean on) {
    shortTransfers = on;
    return this;
  }

  /**
   * Calls {@code listener} with each counted operation, described as in {@link #recentOperations()}
   * ("#n verb path"), on the thread doing it, right before the faults due at it are applied: a test
   * can switch a fault on at the first write to a file of some kind (say, {@link #spaceLimit} when
   * a manifest is written), wherever the operation count then is. One listener at a time; {@link
   * #heal()} does not remove it.
   */
  public FaultyFileSystem listener(java.util.function.Consumer<String> listener) {
    this.listener = requireNonNull(listener, "listener");
    return this;
  }

  /** Switches off failures, halts, the space limit and short transfers. */
  public FaultyFileSystem heal() {
    failOnce = -1;
    failFrom = -1;
    haltAt = -1;
    spaceLeft.set(Long.MAX_VALUE);
    shortTransfers = false;
    return this;
  }

  /** The paths of every channel, stream and directory listing opened and not closed yet. */
  public List<String> openFiles() {
    return openFiles.stream().map(Object::toString).sorted().collect(Collectors.toList());
  }

  /** The last 64 counted operations, oldest first, each as "#n verb path". */
  public List<String> recentOperations() {
    synchronized (recent) {
      return new ArrayList<>(recent);
    }
  }

  /**
   * Loses power: every channel and stream opened so far is dead (it throws on use), then the files
   * are made to look as a power loss could leave them (see {@link Loss}, and the class description
   * for directories), and power comes back: what is on disk now counts as durable, and new opens
   * work. Waits for operations in flight to finish first.
   *
   * @return a description of what was lost, for the failure message of a test
   */
  public String powerLoss(Loss loss) {
    requireNonNull(loss, "loss");
    power.writeLock().lock();
    try {
      generation++;
      for (Object file : openFiles) {
        if (file instanceof FaultyChannel) {
          ((FaultyChannel) file).die();
        } else if (file instanceof java.io.Closeable) {
          ((java.io.Closeable) file).close();
        }
      }
      openFiles.clear();
      return cache.powerLoss(loss, random);
    } catch (IOException e) {
      throw new UncheckedIOException("could not simulate the power loss", e);
    } finally {
      power.writeLock().unlock();
    }
  }

  int generation() {
    return generation;
  }

  PageCache cache() {
    return cache;
  }

  boolean shortTransfers() {
    return shortTransfers;
  }

  int shortLength(int remaining) {
    int length;
    synchronized (random) {
      length = 1 + random.nextInt(remaining);
    }
    if (length < remaining) {
      shortened.incrementAndGet();
    }
    return length;
  }

  /**
   * Counts one operation and applies the faults due at it. Called with the power lock held.
   *
   * @throws IOException if this operation is to fail
   */
  void operation(String verb, Path path) throws IOException {
    if (!open) {
      throw new java.nio.file.ClosedFileSystemException();
    }
    long n = operations.incrementAndGet();
    String what = "#" + n + " " + verb + " " + path;
    synchronized (recent) {
      if (recent.size() == 64) {
        recent.removeFirst();
      }
      recent.addLast(what);
    }
    listener.accept(what);
    if (n == haltAt) {
      Runtime.getRuntime().halt(HALT_STATUS);
    }
    if (n == failOnce || (failFrom > 0 && n >= failFrom)) {
      throw new IOException("injected failure of I/O operation " + what);
    }
  }

  /**
   * How many of {@code wanted} bytes may be written now: all of them, fewer when space is short.
   *
   * @throws IOException "No space left on device" when there is none
   */
  int reserve(int wanted) throws IOException {
    return (int) reserve((long) wanted);
  }

  /** As {@link #reserve(int)}, for a whole file being copied. */
  long reserve(long wanted) throws IOException {
    while (true) {
      long left = spaceLeft.get();
      if (left == Long.MAX_VALUE) {
        return wanted;
      }
      if (left == 0 && wanted > 0) {
        throw new IOException("No space left on device");
      }
      long granted = Math.min(left, wanted);
      if (spaceLeft.compareAndSet(left, left - granted)) {
        return granted;
      }
    }
  }

  private static long positive(long operation) {
    if (operation < 1) {
      throw new IllegalArgumentException("operations are counted from 1, got " + operation);
    }
    return operation;
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  /** Deletes the stash of deleted files; the files written through it stay. */
  @Override
  public void close() throws IOException {
    open = false;
    cache.close();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return real.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    List<Path> roots = new ArrayList<>();
    real.getRootDirectories().forEach(root -> roots.add(path(root)));
    return roots;
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return real.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return real.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return path(real.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher matcher = real.getPathMatcher(syntaxAndPattern);
    return path -> matcher.matches(provider.unwrap(path));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return real.getUserPrincipalLookupService();
  }

  /** Watching is not offered: the stores under test do not watch directories. */
  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("a FaultyFileSystem does not watch directories");
  }

  @Override
  public String toString() {
    return "FaultyFileSystem{operations=" + operations.get() + "}";
  }
}
