package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FaultyFileSystem} remembers in order to undo it at a power loss: for each file, the
 * writes since its last sync (with the bytes they replaced), and for the directories, the entries
 * created, renamed and deleted since each was last synced. Deleted files and the files renames
 * replace are moved to a stash, so a power loss can bring them back. Paths here are real (default
 * file system), absolute and normalised. Guarded by its own monitor.
 */
final class PageCache {
  /** A sector: what a disk writes whole or not at all. A cut-short write keeps whole sectors. */
  private static final int SECTOR = 512;

  /** One file's bytes: where they are now, and what was written since its last sync. */
  static final class CachedFile {
    Path current;
    final List<Change> unsynced = new ArrayList<>();

    CachedFile(Path current) {
      this.current = current;
    }

    @Override
    public String toString() {
      return String.valueOf(current);
    }
  }

  /** A write ({@code data} at {@code offset}) or a truncation ({@code data == null}). */
  private static final class Change {
    final long offset;

    /** The bytes written, or null for a truncation. */
    final byte @Nullable [] data;

    final byte[] replaced;
    final long sizeBefore;

    Change(long offset, byte @Nullable [] data, byte[] replaced, long sizeBefore) {
      this.offset = offset;
      this.data = data;
      this.replaced = replaced;
      this.sizeBefore = sizeBefore;
    }
  }

  private enum Kind {
    CREATE,
    MKDIR,
    DELETE,
    RMDIR,
    RENAME
  }

  /** A directory entry change not yet durable in every directory it touched. */
  private static final class EntryChange {
    final Kind kind;
    final Path path;
    final @Nullable Path target;
    final @Nullable CachedFile file;

    /** Where the deleted file, or the file a rename replaced, waits in the stash. */
    final @Nullable Path stashed;

    final @Nullable CachedFile stashedFile;
    final Set<Path> pending = new HashSet<>();

    EntryChange(
        Kind kind,
        Path path,
        @Nullable Path target,
        @Nullable CachedFile file,
        @Nullable Path stashed,
        @Nullable CachedFile stashedFile) {
      this.kind = kind;
      this.path = path;
      this.target = target;
      this.file = file;
      this.stashed = stashed;
      this.stashedFile = stashedFile;
      pending.add(parent(path));
      if (target != null) {
        pending.add(parent(target));
      }
    }

    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT)
          + " "
          + path
          + (target == null ? "" : " -> " + target);
    }
  }

  private final Path stash;
  private final AtomicLong stashed = new AtomicLong();
  private final Map<Path, CachedFile> files = new HashMap<>();
  private final Set<CachedFile> dirty = new LinkedHashSet<>();
  private final List<EntryChange> entries = new ArrayList<>();

  PageCache(Path stash) {
    this.stash = stash;
  }

  static Path key(Path real) {
    return real.toAbsolutePath().normalize();
  }

  private static Path parent(Path path) {
    Path parent = path.getParent();
    return parent == null ? path : parent;
  }

  /** The bytes of the file at {@code real}, which exists or is being created. */
  synchronized CachedFile file(Path real) {
    return files.computeIfAbsent(key(real), CachedFile::new);
  }

  /** A new file was created at {@code real}. */
  synchronized void created(Path real, CachedFile file) {
    entries.add(new EntryChange(Kind.CREATE, key(real), null, file, null, null));
  }

  /** A directory was created at {@code real}. */
  synchronized void createdDirectory(Path real) {
    entries.add(new EntryChange(Kind.MKDIR, key(real), null, null, null, null));
  }

  /**
   * Writes {@code data} at {@code offset} of {@code channel} (the file {@code file}), first
   * remembering the bytes it replaces. Returns the bytes written.
   */
  int write(CachedFile file, FileChannel channel, ByteBuffer data, long offset) throws IOException {
    synchronized (file) {
      long size = channel.size();
      int replacedLength = (int) Math.max(0, Math.min(data.remaining(), size - offset));
      ByteBuffer replaced = ByteBuffer.allocate(replacedLength);
      readFully(channel, replaced, offset);
      byte[] bytes = new byte[data.remaining()];
      data.duplicate().get(bytes);
      int written = 0;
      while (data.hasRemaining()) {
        written += channel.write(data, offset + written);
      }
      synchronized (this) {
        file.unsynced.add(new Change(offset, bytes, replaced.array(), size));
        dirty.add(file);
      }
      return written;
    }
  }

  /** Truncates {@code channel} (the file {@code file}) to {@code size}, remembering the rest. */
  void truncate(CachedFile file, FileChannel channel, long size) throws IOException {
    synchronized (file) {
      long before = channel.size();
      if (size >= before) {
        return;
      }
      ByteBuffer removed = ByteBuffer.allocate(Math.toIntExact(before - size));
      readFully(channel, removed, size);
      channel.truncate(size);
      synchronized (this) {
        file.unsynced.add(new Change(size, null, removed.array(), before));
        dirty.add(file);
      }
    }
  }

  /** {@code file}'s bytes are durable. */
  synchronized void synced(CachedFile file) {
    file.unsynced.clear();
    dirty.remove(file);
  }

  /** The directory {@code real} was synced: the entry changes in it so far are durable. */
  synchronized void syncedDirectory(Path real) throws IOException {
    Path directory = key(real);
    List<EntryChange> durable = new ArrayList<>();
    for (EntryChange change : entries) {
      change.pending.remove(directory);
      if (change.pending.isEmpty()) {
        durable.add(change);
      }
    }
    entries.removeAll(durable);
    for (EntryChange change : durable) {
      if (change.stashed != null) {
        deleteTree(change.stashed);
      }
    }
  }

  /** Deletes the file or empty directory at {@code real}, keeping a file in the stash. */
  synchronized void delete(Path real) throws IOException {
    Path path = key(real);
    if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(path);
      entries.add(new EntryChange(Kind.RMDIR, path, null, null, null, null));
      return;
    }
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new java.nio.file.NoSuchFileException(path.toString());
    }
    Path kept = stash.resolve("deleted-" + stashed.incrementAndGet());
    move(path, kept);
    CachedFile file = files.remove(path);
    if (file == null) {
      file = new CachedFile(kept);
    }
    file.current = kept;
    entries.add(new EntryChange(Kind.DELETE, path, null, file, kept, null));
  }

  /** Renames {@code source} over {@code target}, keeping a replaced file in the stash. */
  synchronized void rename(Path source, Path target, boolean atomic) throws IOException {
    Path from = key(source);
    Path to = key(target);
    @Nullable Path kept = null;
    @Nullable CachedFile replaced = null;
    if (!from.equals(to) && Files.isRegularFile(to, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      kept = stash.resolve("replaced-" + stashed.incrementAndGet());
      move(to, kept);
      replaced = files.remove(to);
      if (replaced == null) {
        replaced = new CachedFile(kept);
      }
      replaced.current = kept;
    }
    try {
      if (atomic) {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.move(from, to);
      }
    } catch (IOException e) {
      if (kept != null) {
        CachedFile restored = requireNonNull(replaced, "the file moved to " + kept);
        move(kept, to);
        restored.current = to;
        files.put(to, restored);
      }
      throw e;
    }
    CachedFile file = files.remove(from);
    if (file != null) {
      file.current = to;
      files.put(to, file);
    }
    if (Files.isDirectory(to, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      // The files under a renamed directory moved with it.
      for (Path old : new ArrayList<>(files.keySet())) {
        if (old.startsWith(from) && !old.equals(from)) {
          CachedFile moved = requireNonNull(files.remove(old), "a file listed under " + from);
          moved.current = to.resolve(from.relativize(old));
          files.put(moved.current, moved);
        }
      }
    }
    entries.add(new EntryChange(Kind.RENAME, from, to, file, kept, replaced));
  }

  /** Copies {@code source} to a new file {@code target}; its bytes are unsynced. */
  synchronized void copy(Path source, Path target, StandardCopyOption... options)
      throws IOException {
    Path to = key(target);
    if (Files.exists(to)) {
      delete(to);
    }
    Files.copy(key(source), to, options);
    CachedFile file = file(to);
    byte[] bytes = Files.readAllBytes(to);
    file.unsynced.add(new Change(0, bytes, new byte[0], 0));
    dirty.add(file);
    entries.add(new EntryChange(Kind.CREATE, to, null, file, null, null));
  }

  /**
   * Undoes what a power loss undoes and forgets the rest: see {@link FaultyFileSystem.Loss}.
   * Returns what it did, for messages.
   */
  synchronized String powerLoss(FaultyFileSystem.Loss loss, Random random) throws IOException {
    StringBuilder report = new StringBuilder();
    for (CachedFile file : dirty) {
      if (file.current == null || !Files.exists(file.current)) {
        continue;
      }
      FaultyFileSystem.Loss chosen =
          loss == FaultyFileSystem.Loss.RANDOM
              ? FaultyFileSystem.Loss.values()[random.nextInt(3)]
              : loss;
      report.append(revert(file, chosen, random));
    }
    // Directory entries reach the disk in the order they were made (a journal): a random
    // suffix of those not yet durable is lost, undone newest first.
    int keep = random.nextInt(entries.size() + 1);
    for (int i = entries.size() - 1; i >= keep; i--) {
      report.append(undo(entries.get(i)));
    }
    files.clear();
    dirty.clear();
    entries.clear();
    emptyStash();
    return report.length() == 0 ? "nothing was lost" : report.toString().trim();
  }

  private String revert(CachedFile file, FaultyFileSystem.Loss loss, Random random)
      throws IOException {
    List<Change> changes = file.unsynced;
    try (FileChannel channel = FileChannel.open(file.current, StandardOpenOption.WRITE)) {
      for (int i = changes.size() - 1; i >= 0; i--) {
        Change change = changes.get(i);
        writeFully(channel, ByteBuffer.wrap(change.replaced), change.offset);
        channel.truncate(change.sizeBefore);
      }
      int kept = 0;
      int prefix = loss == FaultyFileSystem.Loss.TRUNCATE ? random.nextInt(changes.size() + 1) : 0;
      for (int i = 0; i < changes.size(); i++) {
        boolean keep;
        boolean torn;
        if (loss == FaultyFileSystem.Loss.TRUNCATE) {
          keep = i < prefix;
          torn = i == prefix - 1 && random.nextBoolean();
        } else if (loss == FaultyFileSystem.Loss.REORDER) {
          keep = random.nextBoolean();
          torn = random.nextInt(4) == 0;
        } else {
          keep = false;
          torn = false;
        }
        if (!keep) {
          continue;
        }
        kept++;
        Change change = changes.get(i);
        if (change.data == null) {
          channel.truncate(change.offset);
        } else {
          int length = change.data.length;
          if (torn && length > 0) {
            // Whole sectors of the file survive; the write's first sector may be partial.
            long end = change.offset + random.nextInt(length);
            length = (int) Math.max(0, end / SECTOR * SECTOR - change.offset);
          }
          writeFully(channel, ByteBuffer.wrap(change.data, 0, length), change.offset);
        }
      }
      return "\n"
          + file.current
          + ": "
          + loss.name().toLowerCase(java.util.Locale.ROOT)
          + ", "
          + kept
          + " of "
          + changes.size()
          + " unsynced writes kept";
    }
  }

  private String undo(EntryChange change) throws IOException {
    switch (change.kind) {
      case CREATE:
        if (change.file == null || change.path.equals(change.file.current)) {
          Files.deleteIfExists(change.path);
        }
        break;
      case MKDIR:
        deleteTree(change.path);
        break;
      case RMDIR:
        Files.createDirectories(change.path);
        break;
      case DELETE:
        Path deleted = requireNonNull(change.stashed, "where a deleted file is kept");
        if (!Files.exists(change.path) && Files.exists(deleted)) {
          move(deleted, change.path);
        }
        break;
      case RENAME:
        Path target = requireNonNull(change.target, "a rename's target");
        if (Files.exists(target) && !Files.exists(change.path)) {
          move(target, change.path);
        }
        if (change.stashed != null && Files.exists(change.stashed)) {
          move(change.stashed, target);
        }
        break;
      default:
        throw new IllegalStateException("unknown change " + change.kind);
    }
    return "\nforgotten: " + change;
  }

  /** Deletes the stash; called when the file system closes. */
  synchronized void close() throws IOException {
    deleteTree(stash);
  }

  private void emptyStash() throws IOException {
    try (Stream<Path> kept = Files.list(stash)) {
      for (Path path : (Iterable<Path>) kept::iterator) {
        deleteTree(path);
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        break;
      }
      at += n;
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }
}
