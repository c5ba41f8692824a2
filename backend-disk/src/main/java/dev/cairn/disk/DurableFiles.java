package dev.cairn.disk;

import java.nio.file.FileSystems;
import java.nio.file.FileSystemException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The file operations whose order is the store's crash safety, and the loops over short
 * transfers: renaming atomically, syncing a directory so that creations and renames in it
 * survive power loss, and positional writes and reads that never stop short. They work on the
 * paths' own file system, so a test's fault-injecting one sees them all.
 *
 * <p>Every call the store makes on a channel (but close) goes through the static methods here,
 * so that one class holds all of the store's I/O: Lincheck's model checker refuses calls on a
 * {@link FileChannel} (whatever the file system behind it), and checks the store on Jimfs by
 * running this class as atomic steps (RacesModelCheckTest in reliability-tests).
 */
final class DurableFiles {
  private DurableFiles() {}

  /**
   * Opens a channel on {@code path}. A channel that writes never follows a symbolic link: a
   * link planted in the store's directory must not make the store write outside it.
   */
  static FileChannel open(Path path, OpenOption... options) throws IOException {
    return FileChannel.open(path, noFollowForWrites(options));
  }

  /** {@code options}, with {@link LinkOption#NOFOLLOW_LINKS} when they write or create. */
  static Set<OpenOption> noFollowForWrites(OpenOption... options) {
    Set<OpenOption> set = new HashSet<>(Arrays.asList(options));
    if (set.contains(StandardOpenOption.WRITE) || set.contains(StandardOpenOption.APPEND)
        || set.contains(StandardOpenOption.CREATE) || set.contains(StandardOpenOption.CREATE_NEW)) {
      set.add(LinkOption.NOFOLLOW_LINKS);
    }
    return set;
  }

  /** Atomically renames {@code source} over {@code target}. */
  static void rename(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Makes the entries of {@code directory} (creations, renames, deletions) durable. A failed
   * sync is an error, and so is a failed open, with two exceptions where a directory simply
   * has no channel and its entries are as durable as that file system makes them: Windows, and
   * another file system that refuses to open a directory with a plain {@link
   * FileSystemException} (Jimfs: "not a regular file"). Any other failure, such as an injected
   * {@link IOException} of a fault-injecting file system, reaches the caller.
   */
  static void syncDirectory(Path directory) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(directory, StandardOpenOption.READ);
    } catch (IOException e) {
      boolean windows = directory.getFileSystem() == FileSystems.getDefault()
          && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
      boolean noDirectoryChannels = directory.getFileSystem() != FileSystems.getDefault()
          && e.getClass() == FileSystemException.class && Files.isDirectory(directory);
      if (windows || noDirectoryChannels) {
        return;
      }
      throw e;
    }
    try (channel) {
      channel.force(true);
    }
  }

  /** Writes all of {@code buffer} at {@code position}, looping over short writes. */
  static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /** Reads {@code buffer.remaining()} bytes at {@code position}; false at end of file. */
  static boolean readFully(FileChannel channel, ByteBuffer buffer, long position)
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
   * {@code size} bytes of {@code channel} from {@code position}, read-only: mapped where the
   * file system can map files, else read into the heap (Jimfs and other in-memory file systems
   * cannot map; the store then costs heap instead of page cache but behaves the same).
   *
   * @throws EOFException if the file ends before {@code size} bytes (heap reads only)
   */
  static ByteBuffer map(FileChannel channel, long position, long size)
      throws IOException {
    try {
      return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
    } catch (UnsupportedOperationException e) {
      ByteBuffer heap = ByteBuffer.allocate(Math.toIntExact(size));
      if (!readFully(channel, heap, position)) {
        throw new EOFException(
            "file ended before " + size + " bytes from offset " + position);
      }
      return heap.flip();
    }
  }

  /**
   * The first {@code size} bytes of {@code channel} mapped read-only, or null where the file
   * system cannot map files or the file is too large for one buffer: callers then read with
   * {@link #readFully}.
   */
  static ByteBuffer mapIfPossible(FileChannel channel, long size) throws IOException {
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
   * Unmaps {@code mapped} now rather than when it is collected, so that a deleted file's space
   * is freed at once. The caller guarantees that no thread touches the buffer again (an access
   * after this would crash the JVM). Where the JDK refuses, the collector unmaps it later.
   */
  static void unmap(ByteBuffer mapped) {
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

  /** {@link FileChannel#force}. */
  static void force(FileChannel channel, boolean metaData) throws IOException {
    channel.force(metaData);
  }

  /** {@link FileChannel#size}. */
  static long size(FileChannel channel) throws IOException {
    return channel.size();
  }

  /** {@link FileChannel#truncate}. */
  static void truncate(FileChannel channel, long size) throws IOException {
    channel.truncate(size);
  }

  /** {@link FileChannel#isOpen}. */
  static boolean isOpen(FileChannel channel) {
    return channel.isOpen();
  }
}
