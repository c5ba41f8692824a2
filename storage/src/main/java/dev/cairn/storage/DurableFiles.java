package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The file operations whose order is a store's crash safety, in one place with one policy, for
 * Cairn's stores and for any plugin that keeps files: opening without following links for writes,
 * syncing files and directories, atomic renames and replaces, moves across file systems, and
 * positional transfers that never stop short. They work on the paths' own file system, so a test's
 * fault-injecting one (testkit's {@code FaultyFileSystem}) sees them all.
 *
 * <p><b>The policy.</b> Every operation that makes something durable syncs what it changed before
 * it returns: a rename or move syncs the directories whose entries it changed, a replace syncs the
 * new file before the rename and the directory after it. A failed sync is an {@link IOException},
 * never swallowed: after one, the caller must assume that nothing the operation promised is
 * durable. The one exception is a directory that has no channel to sync at all: on Windows, and on
 * a non-default file system that refuses to open a directory with a plain {@link
 * FileSystemException} (Jimfs), whose entries are as durable as that file system makes them.
 *
 * <p>All methods are static and thread-safe (as the channels passed in are).
 */
public final class DurableFiles {
  private DurableFiles() {}

  /**
   * Opens a channel on {@code path}. A channel that writes or creates never follows a symbolic
   * link: a link planted in a store's directory must not make the store write outside it.
   *
   * @throws IOException if opening fails, also where {@code path} is a symbolic link and the
   *     options write
   */
  public static FileChannel open(Path path, OpenOption... options) throws IOException {
    requireNonNull(path, "path");
    return FileChannel.open(path, noFollowForWrites(options));
  }

  /** {@code options}, with {@link LinkOption#NOFOLLOW_LINKS} added when they write or create. */
  public static Set<OpenOption> noFollowForWrites(OpenOption... options) {
    Set<OpenOption> set = new HashSet<>(Arrays.asList(options));
    if (set.contains(StandardOpenOption.WRITE)
        || set.contains(StandardOpenOption.APPEND)
        || set.contains(StandardOpenOption.CREATE)
        || set.contains(StandardOpenOption.CREATE_NEW)) {
      set.add(LinkOption.NOFOLLOW_LINKS);
    }
    return set;
  }

  /**
   * Flushes {@code file}'s content and metadata to stable storage.
   *
   * @throws IOException if opening or syncing fails
   */
  public static void sync(Path file) throws IOException {
    try (FileChannel channel = open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /**
   * Makes the entries of {@code directory} (creations, renames, deletions) durable.
   *
   * @throws IOException if the directory cannot be opened (but where it has no channel; see the
   *     class documentation) or its sync fails
   */
  public static void syncDirectory(Path directory) throws IOException {
    requireNonNull(directory, "directory");
    FileChannel channel;
    try {
      channel = FileChannel.open(directory, StandardOpenOption.READ);
    } catch (IOException e) {
      if (hasNoChannel(directory, e)) {
        return;
      }
      throw e;
    }
    try (channel) {
      channel.force(true);
    }
  }

  private static boolean hasNoChannel(Path directory, IOException e) {
    boolean windows =
        directory.getFileSystem() == FileSystems.getDefault()
            && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    boolean noDirectoryChannels =
        directory.getFileSystem() != FileSystems.getDefault()
            && e.getClass() == FileSystemException.class
            && Files.isDirectory(directory);
    return windows || noDirectoryChannels;
  }

  /**
   * Creates {@code directory} and its missing parents, syncing the directory that holds each new
   * one, so a power loss cannot forget any of them.
   *
   * @throws IOException if creating or syncing fails
   */
  public static void createDirectories(Path directory) throws IOException {
    Path absolute = directory.toAbsolutePath();
    Path highest = absolute;
    while (highest.getParent() != null && !Files.exists(highest.getParent())) {
      highest = highest.getParent();
    }
    Files.createDirectories(absolute);
    for (Path created = absolute; created.getParent() != null; created = created.getParent()) {
      syncDirectory(created.getParent());
      if (created.equals(highest)) {
        break;
      }
    }
  }

  /**
   * Renames {@code source} over {@code target} atomically (replacing it), then syncs the target's
   * directory (and the source's, if another): durable when this returns.
   *
   * @throws IOException if the rename or a sync fails
   */
  public static void rename(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncParents(source, target);
  }

  /**
   * Replaces {@code target} atomically with {@code content}: writes it to a temporary sibling,
   * syncs it, renames it over the target and syncs the directory. A crash leaves the old file or
   * the new one, whole, and at worst the temporary file, which the next replace overwrites.
   *
   * @throws IOException if writing, syncing or renaming fails; the target is then unchanged
   */
  public static void replace(Path target, ByteBuffer content) throws IOException {
    requireNonNull(content, "content");
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel channel =
        open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(channel, content.duplicate(), 0);
      channel.force(true);
    } catch (IOException e) {
      throw naming(temporary, e);
    }
    rename(temporary, target);
  }

  /**
   * {@code e}, or where it is a plain {@link IOException} that says only what failed (a write
   * answers "File too large" or "No space left on device" without a file), one that names {@code
   * file} first and has {@code e} as its cause. Subclasses, which callers may tell apart and which
   * name their files, are returned as they are.
   */
  static IOException naming(Path file, IOException e) {
    if (e.getClass() != IOException.class) {
      return e;
    }
    return new IOException(file + ": " + e.getMessage(), e);
  }

  /**
   * Moves {@code source} to {@code target} (which must not exist) durably: a rename where the file
   * system allows it; across file systems a copy that is synced before the source is deleted, so a
   * crash leaves at least one whole copy. Both directories are synced.
   *
   * @throws IOException if a step fails
   */
  public static void move(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      copyThenDelete(source, target);
    }
    syncParents(source, target);
  }

  /**
   * The cross-file-system half of {@link #move}: copies, syncs the copy and its directory, then
   * deletes the source.
   *
   * @throws IOException if a step fails
   */
  public static void copyThenDelete(Path source, Path target) throws IOException {
    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
    sync(target);
    syncDirectory(parent(target));
    Files.delete(source);
  }

  private static void syncParents(Path source, Path target) throws IOException {
    Path targetDirectory = parent(target);
    syncDirectory(targetDirectory);
    Path sourceDirectory = parent(source);
    if (!sourceDirectory.equals(targetDirectory)) {
      syncDirectory(sourceDirectory);
    }
  }

  private static Path parent(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IllegalArgumentException("a file system root has no directory to sync: " + file);
    }
    return parent;
  }

  /**
   * Writes all of {@code buffer} at {@code position}, looping over short writes.
   *
   * @throws IOException if a write fails
   */
  public static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /**
   * Writes all of {@code buffer} at the channel's position, looping over short writes.
   *
   * @throws IOException if a write fails
   */
  public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /**
   * Reads {@code buffer.remaining()} bytes at {@code position}, looping over short reads.
   *
   * @return false if the file ends first (the buffer then holds what there was)
   * @throws IOException if a read fails
   */
  public static boolean readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        return false;
      }
      at += n;
    }
    return true;
  }

  /**
   * Reads {@code buffer.remaining()} bytes at {@code position}, looping over short reads, where the
   * store's own metadata says they are there.
   *
   * @param file the file, for the error
   * @throws CorruptionException naming {@code file} if it ends first: what was promised is not
   *     there
   * @throws IOException if a read fails
   */
  public static void readExactly(FileChannel channel, ByteBuffer buffer, long position, String file)
      throws IOException {
    long end = position + buffer.remaining();
    if (!readFully(channel, buffer, position)) {
      throw new CorruptionException(
          file,
          end - buffer.remaining(),
          "file ends before the " + buffer.remaining() + " more bytes expected");
    }
  }

  /**
   * {@code size} bytes of {@code channel} from {@code position}, read-only: mapped where the file
   * system can map files, else read into the heap (in-memory file systems cannot map; the store
   * then costs heap instead of page cache but behaves the same).
   *
   * @throws EOFException if the file ends before {@code size} bytes (heap reads only)
   * @throws IOException if mapping or reading fails
   */
  public static ByteBuffer map(FileChannel channel, long position, long size) throws IOException {
    try {
      return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
    } catch (UnsupportedOperationException e) {
      ByteBuffer heap = ByteBuffer.allocate(Math.toIntExact(size));
      if (!readFully(channel, heap, position)) {
        throw new EOFException("file ended before " + size + " bytes from offset " + position);
      }
      return heap.flip();
    }
  }

  /**
   * The first {@code size} bytes of {@code channel} mapped read-only, or null where the file system
   * cannot map files or the file is too large for one buffer: callers then read with {@link
   * #readFully}.
   *
   * @throws IOException if mapping fails otherwise
   */
  public static @Nullable ByteBuffer mapIfPossible(FileChannel channel, long size)
      throws IOException {
    if (size <= 0 || size > Integer.MAX_VALUE) {
      return null;
    }
    try {
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }

  /**
   * Unmaps {@code mapped} now rather than when it is collected, so that a deleted file's space is
   * freed at once. The caller guarantees that no thread touches the buffer again (an access after
   * this would crash the JVM). Where the JDK refuses, the collector unmaps it later.
   */
  public static void unmap(@Nullable ByteBuffer mapped) {
    if (mapped == null || !mapped.isDirect()) {
      return;
    }
    try {
      Class<?> unsafeType = Class.forName("sun.misc.Unsafe");
      java.lang.reflect.Field field = unsafeType.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      unsafeType.getMethod("invokeCleaner", ByteBuffer.class).invoke(field.get(null), mapped);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Left to the garbage collector: only the moment the space is freed changes.
    }
  }

  /**
   * {@link FileChannel#force}. This and the next methods let a store route every call on a channel
   * through this class, so that a model checker (Lincheck refuses calls on channels) can treat them
   * as atomic steps.
   *
   * @throws IOException if the sync fails
   */
  public static void force(FileChannel channel, boolean metaData) throws IOException {
    channel.force(metaData);
  }

  /**
   * {@link FileChannel#size}.
   *
   * @throws IOException if it fails
   */
  public static long size(FileChannel channel) throws IOException {
    return channel.size();
  }

  /**
   * {@link FileChannel#truncate}.
   *
   * @throws IOException if it fails
   */
  public static void truncate(FileChannel channel, long size) throws IOException {
    channel.truncate(size);
  }

  /** {@link FileChannel#isOpen}. */
  public static boolean isOpen(FileChannel channel) {
    return channel.isOpen();
  }

  /**
   * {@link FileChannel#tryLock()}.
   *
   * @throws IOException if it fails
   */
  public static FileLock tryLock(FileChannel channel) throws IOException {
    return channel.tryLock();
  }
}
