package dev.cairn.decorators;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Reloadable;
import dev.cairn.spi.volume.Lower;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code read-only} decorator: a view of its child without {@link Capability#WRITE_OBJECTS} and
 * {@link Capability#WRITE_REFS}. {@link dev.cairn.spi.AbstractBackend} rejects every mutating call
 * with a {@link dev.cairn.spi.ReadOnlyStoreException} naming the operation before anything reaches
 * the child; reads, {@code flush} and {@code close} pass through.
 */
final class ReadOnlyStore extends Decorator {
  ReadOnlyStore(Backend child) {
    super("read-only:" + child, child, withoutWrites(child.capabilities()));
  }

  private static Set<Capability> withoutWrites(Set<Capability> capabilities) {
    Set<Capability> kept = EnumSet.noneOf(Capability.class);
    kept.addAll(capabilities);
    kept.removeAll(EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS));
    return kept;
  }

  /**
   * The child's features as a read-only view may offer them: {@link ObjectEnumeration}, {@link
   * IntegrityCheck} and {@link Reloadable} only read and are forwarded; a {@link Lower} archive is
   * wrapped in a view that reads it, says it {@linkplain Lower#isReadOnly is read-only} and rejects
   * every write (so a collection over it fails rather than drops what it cannot archive); every
   * other feature, {@link dev.cairn.spi.GarbageCollection} and {@link dev.cairn.spi.Compaction}
   * included, is {@linkplain #refused refused}: using it throws {@link ReadOnlyStoreException}
   * naming the operation.
   */
  @Override
  protected <T> T childFeature(Class<T> type, T feature) {
    if (type
        == ObjectStreams
            .class) { // reading only: a streamed write throws ReadOnlyStoreException before reading
      // its input
      return type.cast(new Streams((ObjectStreams) feature));
    }
    if (type == ObjectEnumeration.class
        || type == IntegrityCheck.class
        || type == Reloadable.class) {
      return feature;
    }
    if (type == Lower.class) {
      return type.cast(new ReadOnlyLower((Lower) feature, toString()));
    }
    return refused(type, operation -> new ReadOnlyStoreException(toString(), operation));
  }

  /** The child's streams for reading; writes refused. */
  private final class Streams extends Decorator.Streams {
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
