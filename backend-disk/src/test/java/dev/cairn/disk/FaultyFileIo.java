package dev.cairn.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FileIo} over the real file system that injects faults: short writes, a disk that
 * fills up after a budget of bytes, and power loss, which drops every byte not yet fsynced
 * (each file is cut back to its length at its last sync).
 */
final class FaultyFileIo implements FileIo {
  private final Random random;
  /** Bytes that may still be written before writes fail with "No space left on device". */
  final AtomicLong spaceLeft = new AtomicLong(Long.MAX_VALUE);
  volatile boolean shortWrites;
  private volatile boolean dead;
  /** Every operation holds it shared; a power loss takes it alone, so nothing straddles it. */
  private final java.util.concurrent.locks.ReadWriteLock power =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  /** Length of each file at its last fsync (what survives a power loss). */
  private final Map<Path, Long> durable = new ConcurrentHashMap<>();

  FaultyFileIo(long seed) {
    this.random = new Random(seed);
  }

  @Override
  public FileChannel open(Path path, StandardOpenOption... options) throws IOException {
    check();
    Path key = path.toAbsolutePath();
    boolean existed = Files.exists(key);
    FileChannel channel = FileChannel.open(path, options);
    if (!existed) {
      durable.put(key, 0L);
    } else {
      durable.putIfAbsent(key, channel.size());
    }
    for (StandardOpenOption option : options) {
      if (option == StandardOpenOption.TRUNCATE_EXISTING) {
        durable.put(key, 0L);
      }
    }
    return new Channel(channel, key);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    power.readLock().lock();
    try {
      check();
      FileIo.super.rename(source, target);
      Long length = durable.remove(source.toAbsolutePath());
      durable.put(target.toAbsolutePath(), length == null ? Files.size(target) : length);
    } finally {
      power.readLock().unlock();
    }
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    check();
    FileIo.super.syncDirectory(directory);
  }

  private void check() throws IOException {
    if (dead) {
      throw new IOException("power lost");
    }
  }

  /** Stops every further operation, then cuts each file back to what was synced. */
  void powerLoss() throws IOException {
    power.writeLock().lock();
    try {
      dead = true;
      cutToDurable();
    } finally {
      power.writeLock().unlock();
    }
  }

  private void cutToDurable() throws IOException {
    for (Map.Entry<Path, Long> entry : durable.entrySet()) {
      Path path = entry.getKey();
      if (Files.exists(path) && Files.size(path) > entry.getValue()) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
          channel.truncate(entry.getValue());
        }
      }
    }
  }

  private final class Channel extends FileChannel {
    private final FileChannel delegate;
    private final Path path;

    Channel(FileChannel delegate, Path path) {
      this.delegate = delegate;
      this.path = path;
    }

    private int limit(ByteBuffer source) throws IOException {
      check();
      int n = source.remaining();
      if (shortWrites && n > 1) {
        synchronized (random) {
          n = 1 + random.nextInt(n);
        }
      }
      long left = spaceLeft.get();
      if (left <= 0 && n > 0) {
        throw new IOException("No space left on device");
      }
      n = (int) Math.min(n, left);
      spaceLeft.addAndGet(-n);
      return n;
    }

    private int writeLimited(ByteBuffer source, long position) throws IOException {
      power.readLock().lock();
      try {
        return writeLocked(source, position);
      } finally {
        power.readLock().unlock();
      }
    }

    private int writeLocked(ByteBuffer source, long position) throws IOException {
      int n = limit(source);
      ByteBuffer slice = source.duplicate();
      slice.limit(slice.position() + n);
      int written = position < 0 ? delegate.write(slice) : delegate.write(slice, position);
      source.position(source.position() + written);
      return written;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      check();
      return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      check();
      return delegate.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return writeLimited(src, -1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        total += write(srcs[i]);
      }
      return total;
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      delegate.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      check();
      return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      power.readLock().lock();
      try {
        check();
        delegate.truncate(size);
        durable.computeIfPresent(path, (p, d) -> Math.min(d, size));
        return this;
      } finally {
        power.readLock().unlock();
      }
    }

    @Override
    public void force(boolean metaData) throws IOException {
      power.readLock().lock();
      try {
        check();
        long size = delegate.size();
        delegate.force(metaData);
        // Syncs that overlap finish in any order; what is durable only grows.
        durable.merge(path, size, Math::max);
      } finally {
        power.readLock().unlock();
      }
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      check();
      return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count)
        throws IOException {
      throw new IOException("transferFrom is not modelled by the fault injector");
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      check();
      return delegate.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return writeLimited(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      check();
      return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      delegate.close();
    }
  }
}
