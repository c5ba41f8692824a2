package dev.cairn.decorators;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.Hash;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.ReadOnlyStoreException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code read-only} decorator: a view of its child without {@link Capability#WRITE_OBJECTS}
 * and {@link Capability#WRITE_REFS}. {@link dev.cairn.spi.AbstractBackend} rejects every
 * mutating call with a {@link dev.cairn.spi.ReadOnlyStoreException} naming the operation before
 * anything reaches the child; reads, {@code flush} and {@code close} pass through.
 */
final class ReadOnlyStore extends ForwardingBackend {
  ReadOnlyStore(Backend child) {
    super("read-only", child, withoutWrites(child.capabilities()));
  }

  private static Set<Capability> withoutWrites(Set<Capability> capabilities) {
    Set<Capability> kept = EnumSet.noneOf(Capability.class);
    kept.addAll(capabilities);
    kept.removeAll(EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS));
    return kept;
  }

  /**
   * The child's {@link ObjectStreams}, if any, reading only: a streamed write throws {@link
   * ReadOnlyStoreException} before reading its input. If the child offers {@link
   * GarbageCollection}, one that refuses: a read-only view does not
   * rewrite its child, so {@code gc} throws {@link ReadOnlyStoreException} naming the operation.
   */
  @Override
  public <T> Optional<T> feature(Class<T> type) {
    if (type == ObjectStreams.class) {
      checkOpen("feature");
      return child().feature(ObjectStreams.class).map(s -> type.cast(new Streams(s)));
    }
    if (type == GarbageCollection.class) {
      return childCollection().map(collection -> type.cast((GarbageCollection) options -> {
        throw new ReadOnlyStoreException(toString(), "gc");
      }));
    }
    return super.feature(type);
  }

  /** The child's streams for reading; writes refused. */
  private final class Streams extends ForwardingBackend.Streams {
    Streams(ObjectStreams child) {
      super(child);
    }

    @Override
    Hash writeChild(InputStream in, long length) {
      // Not reached: the check of write() refuses first, as the capabilities have no writes.
      throw new ReadOnlyStoreException(ReadOnlyStore.this.toString(), "write");
    }
  }
}
