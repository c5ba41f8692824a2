package dev.cairn.decorators;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashMismatchException;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code verify} decorator: re-hashes every object read from the child and every object offered
 * for writing, and throws {@link HashMismatchException} naming both hashes when they differ. Wrong
 * bytes are never returned, and a write whose bytes do not match its hash never reaches the child
 * (in a batch, one bad object keeps the whole batch from the child).
 *
 * <p>Writes hash a private copy of the bytes and hand that copy to the child, so bytes the caller
 * changes during the call cannot slip past the check. {@code put} is hashed twice (once to name the
 * object, once to check it): this decorator trades speed for certainty.
 *
 * <p>{@link ObjectStreams}, where the child offers it, is checked the same way while it streams: a
 * streamed write is hashed here as it passes to the child, and the hash the child names the object
 * by must be that one (else {@link HashMismatchException}: the child named it wrongly); a reader is
 * re-hashed as it is read, and a mismatch is thrown before the last bytes reach the caller (see
 * {@link ObjectReader}).
 */
final class VerifyingStore extends Decorator {
  VerifyingStore(Backend child) {
    super("verify:" + child, child);
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    Optional<byte[]> data = child().read(hash);
    data.ifPresent(bytes -> check(hash, bytes));
    return data;
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    byte[] copy = data.clone();
    check(hash, copy);
    child().write(hash, copy);
  }

  @Override
  protected void writeObjects(Map<Hash, byte[]> objects) {
    Map<Hash, byte[]> checked = new LinkedHashMap<>();
    objects.forEach(
        (hash, bytes) -> {
          byte[] copy = bytes.clone();
          check(hash, copy);
          checked.put(hash, copy);
        });
    child().writeBatch(checked);
  }

  private void check(Hash expected, byte[] bytes) {
    Hash actual = hashAlgorithm().hash(bytes);
    if (!actual.equals(expected)) {
      throw new HashMismatchException(expected, actual);
    }
  }

  /**
   * Forwards every feature of the child: a feature works on the child's own files (collecting,
   * archiving, enumerating, checking them) and hands no object through this store's {@code read},
   * so nothing this decorator promises about the bytes it returns is bypassed.
   */
  @Override
  protected <T> T childFeature(Class<T> type, T feature) {
    if (type == ObjectStreams.class) { // re-hashed as they pass
      return type.cast(new Streams((ObjectStreams) feature));
    }
    return feature;
  }

  /** The child's streams, re-hashed as they pass. */
  private final class Streams extends Decorator.Streams {
    Streams(ObjectStreams child) {
      super(child);
    }

    @Override
    Hash writeChild(InputStream in, long length) throws IOException {
      PassingInput input = PassingInput.hashed(in, hashAlgorithm(), length);
      Hash named = child.write(input, length);
      Hash actual = requireNonNull(input.hash(), "the hash of a hashed input");
      if (!named.equals(actual)) {
        throw new HashMismatchException(named, actual);
      }
      return named;
    }

    @Override
    Optional<ObjectReader> openChild(Hash hash) {
      return child.open(hash).map(r -> new CheckedReader(r, hash));
    }
  }
}
