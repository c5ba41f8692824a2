package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CairnException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The exclusive right to write a store's directory, held from {@link #acquire} to {@link #close}:
 * an operating-system lock on the file {@value #FILE_NAME} in the directory, plus a registry of the
 * locks this JVM holds (an OS lock does not keep out a second opener in the same process on every
 * platform, and the JVM refuses a second lock on one file only as long as both openers use the same
 * path).
 *
 * <p><b>A lock file that is no longer the one held.</b> An OS lock is attached to a file, not to a
 * name: a cleaner that deletes {@code LOCK} (or an operator who replaces it) leaves the holder
 * locking a file no one else can see, and lets a second opener create a new {@code LOCK} and lock
 * it too. The lock therefore remembers the identity of the file it locked (its {@linkplain
 * BasicFileAttributes#fileKey() file key}, the device and inode on Unix) and {@link #check()}
 * compares it with the file the name leads to now. A store calls {@link #check()} before every
 * commit (a manifest installed, a journal record appended, an acknowledgement that a write is
 * durable); once the check fails it fails forever, and the store must stop writing, keeping what it
 * already committed. The holder cannot stop a second opener that came in after the file was deleted
 * (nothing is left on disk to say the store is held), but it stops at its next check, so the two
 * never both commit.
 *
 * <p>The lock file itself holds nothing and is left in place on close (deleting it would race a
 * next opener that already opened it). A symbolic link planted as the lock file is not followed. On
 * a file system without file keys (some network file systems, Windows) a replaced lock file is
 * recognised only by its creation time.
 *
 * <p>Thread-safe: {@link #check()} may be called from any thread; {@link #close()} is idempotent.
 */
public final class DirectoryLock implements AutoCloseable {
  /** The name of the lock file inside the locked directory. */
  public static final String FILE_NAME = "LOCK";

  /** The lock files this JVM holds, by absolute normalized path (of their file system). */
  private static final Map<Path, DirectoryLock> HELD = new ConcurrentHashMap<>();

  private final Path file;
  private final String holder;
  private final FileChannel channel;
  private final FileLock lock;
  private final Object identity;
  private volatile @Nullable String lost;
  private volatile boolean closed;

  private DirectoryLock(
      Path file, String holder, FileChannel channel, FileLock lock, Object identity) {
    this.file = file;
    this.holder = holder;
    this.channel = channel;
    this.lock = lock;
    this.identity = identity;
  }

  /**
   * Creates {@code directory} (and its missing parents, durably) if it does not exist, then takes
   * its lock as {@link #acquire} does: for a store that creates its directory on first open.
   *
   * @throws LockedException if another process holds it, or another opener in this JVM
   * @throws StoreIOException if the directory or the lock file cannot be created, or locked
   */
  public static DirectoryLock create(Path directory, String holder) {
    requireNonNull(directory, "directory");
    try {
      DurableFiles.createDirectories(directory);
    } catch (IOException e) {
      throw new StoreIOException("cannot create " + directory + " for " + holder, e);
    }
    return acquire(directory, holder);
  }

  /**
   * Takes the lock of {@code directory} for {@code holder}, creating the lock file if needed. The
   * directory must exist.
   *
   * @param directory the store's directory
   * @param holder who takes it, for messages, e.g. {@code "disk:/var/cairn"}
   * @return the lock, held until {@link #close()}
   * @throws LockedException if another process holds it, or another opener in this JVM
   * @throws StoreIOException if the lock file cannot be created, opened or locked
   */
  public static DirectoryLock acquire(Path directory, String holder) {
    requireNonNull(directory, "directory");
    requireNonNull(holder, "holder");
    Path file = directory.toAbsolutePath().normalize().resolve(FILE_NAME);
    DirectoryLock existing = HELD.get(file);
    if (existing != null) {
      throw inThisProcess(file, holder, existing.holder);
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        throw inThisProcess(file, holder, "another opener");
      }
      if (lock == null) {
        throw new LockedException(
            String.format(
                "%s is locked by another process (lock file %s); open it with mode=read-only to"
                    + " read beside the writer",
                holder, file));
      }
      DirectoryLock acquired = new DirectoryLock(file, holder, channel, lock, identity(file));
      DirectoryLock raced = HELD.putIfAbsent(file, acquired);
      if (raced != null) {
        throw inThisProcess(file, holder, raced.holder);
      }
      return acquired;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreIOException("locking " + holder + " (lock file " + file + ")", e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static LockedException inThisProcess(Path file, String holder, String other) {
    return new LockedException(
        String.format(
            "%s is already open for writing in this process (by %s, lock file %s); close it first"
                + " or open with mode=read-only",
            holder, other, file));
  }

  /** The identity of the file {@code file} names now, without following a link. */
  private static Object identity(Path file) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Object key = attributes.fileKey();
    return key != null ? key : attributes.creationTime();
  }

  private static void closeQuietly(@Nullable FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Closing releases the lock; there is nothing else to undo.
      }
    }
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /**
   * Checks that the lock is still held and the lock file on disk is still the one locked. Cheap
   * (one {@code stat}); call it before every commit.
   *
   * @throws LostException if the lock was closed, or the lock file was deleted or replaced (then
   *     every later call throws too)
   */
  public void check() {
    String reason = lost;
    if (reason == null) {
      reason = closed ? "the lock was released" : currentProblem();
      if (reason != null) {
        lost = reason;
      }
    }
    if (reason != null) {
      throw new LostException(
          String.format(
              "%s stopped writing: %s, so another process may be writing the store; nothing more"
                  + " is committed (close it, check that no other writer runs, and reopen)",
              holder, reason));
    }
  }

  /** Whether {@link #check()} would pass now. */
  public boolean isHeld() {
    try {
      check();
      return true;
    } catch (LostException e) {
      return false;
    }
  }

  private @Nullable String currentProblem() {
    if (!lock.isValid()) {
      return "the OS lock on " + file + " is no longer valid";
    }
    try {
      Object now = identity(file);
      return Objects.equals(now, identity)
          ? null
          : "the lock file " + file + " was replaced by another file";
    } catch (NoSuchFileException e) {
      return "the lock file " + file + " was deleted";
    } catch (IOException e) {
      return "the lock file " + file + " cannot be checked (" + e + ")";
    }
  }

  /**
   * Releases the lock (the lock file stays). Idempotent.
   *
   * @throws StoreIOException if the lock file's channel fails to close (the lock is released with
   *     it regardless)
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    HELD.remove(file, this);
    try {
      channel.close();
    } catch (IOException e) {
      throw new StoreIOException("releasing the lock " + file + " of " + holder, e);
    }
  }

  @Override
  public String toString() {
    return "DirectoryLock{" + file + ", " + holder + (closed ? ", released" : "") + "}";
  }

  /**
   * A directory is already locked, by another process or by another opener in this one. Nothing was
   * changed; the message names the directory and suggests {@code mode=read-only}.
   */
  public static final class LockedException extends StoreConfigurationException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the lock file and who holds it. */
    public LockedException(String message) {
      super(message);
    }
  }

  /**
   * A store's lock is no longer held, or its lock file is no longer the file locked: the store
   * refuses to commit anything more. What it committed before stays.
   */
  public static final class LostException extends CairnException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the lock file and what happened to it. */
    public LostException(String message) {
      super(message);
    }
  }
}
