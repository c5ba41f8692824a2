package dev.cairn.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A channel of a {@link FaultyFileSystem}: every transfer goes through the real channel at an
 * explicit position, after the file system has counted it, applied its faults and, for writes,
 * remembered what is overwritten. Dead after a power loss.
 */
final class FaultyChannel extends FileChannel {
  private final FaultyFileSystem fileSystem;
  private final FileChannel real;
  private final Path path;

  /** Null for a directory: syncing it makes its entries durable. */
  private final PageCache.@Nullable CachedFile file;

  private final boolean append;
  private final int generation;
  private long position;

  FaultyChannel(
      FaultyFileSystem fileSystem,
      FileChannel real,
      Path path,
      PageCache.@Nullable CachedFile file,
      boolean append) {
    this.fileSystem = fileSystem;
    this.real = real;
    this.path = path;
    this.file = file;
    this.append = append;
    this.generation = fileSystem.generation();
    fileSystem.openFiles.add(this);
  }

  /** Runs one counted operation under the power lock, failing if power was lost since open. */
  private <T> T operation(String verb, Io<T> io) throws IOException {
    fileSystem.power.readLock().lock();
    try {
      if (!isOpen()) {
        throw new ClosedChannelException();
      }
      if (generation != fileSystem.generation()) {
        throw new IOException("power was lost: " + path + " is no longer open");
      }
      fileSystem.operation(verb, path);
      return io.run();
    } finally {
      fileSystem.power.readLock().unlock();
    }
  }

  @FunctionalInterface
  private interface Io<T> {
    T run() throws IOException;
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  /** {@link #operation} of what returns nothing. */
  private void action(String verb, IoAction io) throws IOException {
    operation(
        verb,
        () -> {
          io.run();
          return Boolean.TRUE;
        });
  }

  /** Up to {@code dst.remaining()} bytes at {@code at}: fewer when transfers are short. */
  private int readAt(ByteBuffer dst, long at) throws IOException {
    if (!dst.hasRemaining()) {
      return real.read(dst, at);
    }
    ByteBuffer slice = dst;
    if (fileSystem.shortTransfers()) {
      slice = dst.slice();
      slice.limit(fileSystem.shortLength(dst.remaining()));
    }
    int n = real.read(slice, at);
    if (slice != dst && n > 0) {
      dst.position(dst.position() + n);
    }
    return n;
  }

  private int writeAt(ByteBuffer src, long at) throws IOException {
    if (!src.hasRemaining()) {
      return 0;
    }
    int wanted = src.remaining();
    if (fileSystem.shortTransfers()) {
      wanted = fileSystem.shortLength(wanted);
    }
    int granted = fileSystem.reserve(wanted);
    ByteBuffer slice = src.slice();
    slice.limit(granted);
    int n = fileSystem.cache().write(requireFile(), real, slice, at);
    src.position(src.position() + n);
    return n;
  }

  /** The file this channel writes; an IOException if it is a directory's. */
  private PageCache.CachedFile requireFile() throws IOException {
    PageCache.CachedFile written = file;
    if (written == null) {
      throw new IOException("is a directory: " + path);
    }
    return written;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return operation(
        "read",
        () -> {
          int n = readAt(dst, position);
          if (n > 0) {
            position += n;
          }
          return n;
        });
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      if (!dsts[i].hasRemaining()) {
        continue;
      }
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return operation(
        "write",
        () -> {
          requireFile();
          long at = append ? real.size() : position;
          int n = writeAt(src, at);
          position = at + n;
          return n;
        });
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      if (!srcs[i].hasRemaining()) {
        continue;
      }
      total += write(srcs[i]);
      if (srcs[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public long position() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    return position;
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    return real.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    return operation(
        "truncate",
        () -> {
          fileSystem.cache().truncate(requireFile(), real, size);
          position = Math.min(position, size);
          return this;
        });
  }

  @Override
  public void force(boolean metaData) throws IOException {
    action(
        "sync",
        () -> {
          real.force(metaData);
          PageCache.CachedFile synced = file;
          if (synced == null) {
            fileSystem.cache().syncedDirectory(path);
          } else {
            fileSystem.cache().synced(synced);
          }
        });
  }

  @Override
  public long transferTo(long from, long count, WritableByteChannel target) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      int n = read(buffer, from + done);
      if (n <= 0) {
        break;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        target.write(buffer);
      }
      done += n;
    }
    return done;
  }

  @Override
  public long transferFrom(ReadableByteChannel source, long at, long count) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      int n = source.read(buffer);
      if (n <= 0) {
        break;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        done += write(buffer, at + done);
      }
    }
    return done;
  }

  @Override
  public int read(ByteBuffer dst, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("negative position " + at);
    }
    return operation("read", () -> readAt(dst, at));
  }

  @Override
  public int write(ByteBuffer src, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("negative position " + at);
    }
    return operation(
        "write",
        () -> {
          requireFile();
          return writeAt(src, at);
        });
  }

  /**
   * Maps the file for reading. Writing through a mapping would bypass what the file system must see
   * to undo unsynced writes, so only {@link MapMode#READ_ONLY} is offered.
   */
  @Override
  public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException {
    if (mode != MapMode.READ_ONLY) {
      throw new IOException(
          "a FaultyFileSystem maps files for reading only, not " + mode + ": " + path);
    }
    return operation("map", () -> real.map(mode, at, size));
  }

  @Override
  public FileLock lock(long at, long size, boolean shared) throws IOException {
    return operation("lock", () -> new Lock(real.lock(at, size, shared)));
  }

  @Override
  public @Nullable FileLock tryLock(long at, long size, boolean shared) throws IOException {
    return operation(
            "lock",
            () ->
                Optional.ofNullable(real.tryLock(at, size, shared))
                    .map(l -> (FileLock) new Lock(l)))
        .orElse(null);
  }

  /** The process holding it died with the power: the real channel closes, its locks go. */
  void die() throws IOException {
    real.close();
  }

  @Override
  protected void implCloseChannel() throws IOException {
    fileSystem.openFiles.remove(this);
    real.close();
  }

  @Override
  public String toString() {
    return path.toString();
  }

  /** A lock on the real file, reported as held by this channel. */
  private final class Lock extends FileLock {
    private final FileLock real;

    Lock(FileLock real) {
      super(FaultyChannel.this, real.position(), real.size(), real.isShared());
      this.real = real;
    }

    @Override
    public boolean isValid() {
      return real.isValid();
    }

    @Override
    public void release() throws IOException {
      real.release();
    }
  }
}
