package dev.cairn.decorators;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashMismatchException;
import dev.cairn.spi.Hasher;
import dev.cairn.spi.ObjectReader;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A child's {@link ObjectReader} re-hashed as it is read, for {@code verify}: the hash of the bytes
 * is compared with the object's name before the last of them reach the caller, and a mismatch is
 * thrown as {@link HashMismatchException} instead (as is an object that ends before or after its
 * size). Not thread-safe.
 */
final class CheckedReader implements ObjectReader {
  private final ObjectReader child;
  private final Hash expected;
  private final Hasher hasher;
  private long delivered;
  private boolean checked;

  CheckedReader(ObjectReader child, Hash expected) {
    this.child = child;
    this.expected = expected;
    this.hasher = expected.algorithm().newHasher();
  }

  @Override
  public long size() {
    return child.size();
  }

  @Override
  public int read(ByteBuffer target) throws IOException {
    int start = target.position();
    int n = child.read(target);
    if (n > 0) {
      hasher.update(target.duplicate().limit(start + n).position(start));
      delivered += n;
    }
    if ((n < 0 || delivered >= child.size()) && !checked) {
      checked = true;
      Hash actual = hasher.finish();
      if (!actual.equals(expected) || delivered != child.size()) {
        target.position(start);
        throw new HashMismatchException(expected, actual);
      }
    }
    return n;
  }

  @Override
  public boolean isOpen() {
    return child.isOpen();
  }

  @Override
  public void close() throws IOException {
    child.close();
  }
}
