package dev.cairn.lower;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.volume.VolumeIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The file operations whose order is the archive's crash safety: syncing a file, syncing a
 * directory so a rename or creation in it survives power loss, renaming atomically, moving
 * across file systems, and positional reads that never stop short.
 */
final class DurableFiles {
  private DurableFiles() {}

  /**
   * Opens a channel on {@code path}. A channel that writes never follows a symbolic link: a
   * link planted in a volume must not make the archive write outside it.
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

  /** Flushes {@code file}'s content and metadata to stable storage. */
  static void sync(Path file) throws IOException {
    try (FileChannel channel = open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /**
   * Makes the entries of {@code directory} (creations, renames, deletions) durable. Some file
   * systems refuse to open a directory for syncing; there the rename is as durable as it gets.
   */
  static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (!Files.isDirectory(directory)) {
        throw e;
      }
    }
  }

  /**
   * Creates {@code directory} and its missing parents, syncing the directory that holds each
   * new one, so a power loss cannot forget any of them.
   */
  static void createDirectories(Path directory) throws IOException {
    Path highest = directory;
    while (highest.getParent() != null && !Files.exists(highest.getParent())) {
      highest = highest.getParent();
    }
    Files.createDirectories(directory);
    for (Path created = directory; created.getParent() != null;
        created = created.getParent()) {
      syncDirectory(created.getParent());
      if (created.equals(highest)) {
        break;
      }
    }
  }

  /** Renames {@code source} over {@code target} atomically, then syncs their directory. */
  static void rename(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * Moves {@code source} to {@code target} (which must not exist) durably. A rename where the
   * file system allows it; across file systems (irmin's create_from fails there) a copy that is
   * synced before the source is deleted, so a crash leaves at least one whole copy.
   */
  static void move(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      copyThenDelete(source, target);
    }
    syncDirectory(target.toAbsolutePath().getParent());
    Path sourceDirectory = source.toAbsolutePath().getParent();
    if (sourceDirectory != null) {
      syncDirectory(sourceDirectory);
    }
  }

  /** The cross-file-system half of {@link #move}, separate so tests can run it directly. */
  static void copyThenDelete(Path source, Path target) throws IOException {
    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
    sync(target);
    syncDirectory(target.toAbsolutePath().getParent());
    Files.delete(source);
  }

  /**
   * Reads {@code buffer.remaining()} bytes at {@code position}, looping over short reads.
   *
   * @throws CorruptionException if the file ends first: what the control file promised is not
   *     there
   */
  static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new CorruptionException(file.toString(), at,
            "file ends before the " + buffer.remaining() + " more bytes expected");
      }
      at += n;
    }
  }

  /** Writes all of {@code buffer} at the channel's position, looping over short writes. */
  static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** Reads a whole small file, naming it in the error. */
  static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new VolumeIOException("reading " + file, e);
    }
  }
}
