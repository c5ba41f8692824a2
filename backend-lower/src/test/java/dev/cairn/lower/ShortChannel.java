package dev.cairn.lower;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** A file channel that reads and writes at most {@code limit} bytes per call, as is allowed. */
final class ShortChannel extends FileChannel {
  static final AtomicLong SHORT_CALLS = new AtomicLong();

  private final FileChannel real;
  private final int limit;

  private ShortChannel(FileChannel real, int limit) {
    this.real = real;
    this.limit = limit;
  }

  /** An opener of short channels. */
  static FileOpener opener(int limit) {
    return (Path path, OpenOption... options) ->
        new ShortChannel(FileChannel.open(path, options), limit);
  }

  private ByteBuffer cap(ByteBuffer buffer) {
    if (buffer.remaining() > limit) {
      SHORT_CALLS.incrementAndGet();
      return buffer.slice().limit(limit);
    }
    return buffer;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ByteBuffer capped = cap(dst);
    int n = real.read(capped);
    if (capped != dst && n > 0) {
      dst.position(dst.position() + n);
    }
    return n;
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    ByteBuffer capped = cap(dst);
    int n = real.read(capped, position);
    if (capped != dst && n > 0) {
      dst.position(dst.position() + n);
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ByteBuffer capped = cap(src);
    int n = real.write(capped);
    if (capped != src) {
      src.position(src.position() + n);
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    ByteBuffer capped = cap(src);
    int n = real.write(capped, position);
    if (capped != src) {
      src.position(src.position() + n);
    }
    return n;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return dsts.length == 0 || length == 0 ? 0 : read(dsts[offset]);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      if (srcs[i].hasRemaining()) {
        return write(srcs[i]);
      }
    }
    return 0;
  }

  @Override
  public long position() throws IOException {
    return real.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    real.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return real.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    real.truncate(size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    real.force(metaData);
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target)
      throws IOException {
    return real.transferTo(position, Math.min(count, limit), target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count)
      throws IOException {
    return real.transferFrom(src, position, Math.min(count, limit));
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return real.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return real.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return real.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    real.close();
  }
}
