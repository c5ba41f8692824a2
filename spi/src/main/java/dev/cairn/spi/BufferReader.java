package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/** {@link ObjectReader#of(ByteBuffer)}: the bytes of a buffer, not copied. */
final class BufferReader implements ObjectReader {
  private final ByteBuffer bytes;
  private final long size;
  private boolean open = true;

  BufferReader(ByteBuffer bytes) {
    this.bytes = requireNonNull(bytes, "bytes").asReadOnlyBuffer();
    this.size = this.bytes.remaining();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int read(ByteBuffer target) throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
    if (!bytes.hasRemaining()) {
      return -1;
    }
    int n = Math.min(target.remaining(), bytes.remaining());
    target.put(bytes.duplicate().limit(bytes.position() + n));
    bytes.position(bytes.position() + n);
    return n;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
