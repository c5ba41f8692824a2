package dev.cairn.disk;

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
 */
final class DurableFiles {
  private DurableFiles() {}

  /**
   * Opens a channel on {@code path}. A channel that writes never follows a symbolic link: a
   * link planted in the store's directory must not make the store write outside it.
   */
  static FileChannel open(Path path, StandardOpenOption... options) throws IOException {
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

  /** Makes the entries of {@code directory} (creations, renames, deletions) durable. */
  static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open or sync a directory; there is nothing more to do there.
      if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
        throw e;
      }
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
}
