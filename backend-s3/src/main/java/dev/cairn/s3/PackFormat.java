package dev.cairn.s3;

import dev.cairn.spi.Hash;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The seam between the store and the bytes of its packs: how a batch becomes one pack object
 * and one index object, how an index is searched where it lies (a mapped file) and how an
 * object is taken out of the bytes of its record. Everything else in the store (keys,
 * commits, refreshes, compaction) is independent of it. Implementations are stateless and
 * thread-safe.
 */
interface PackFormat {
  /** A pack and its index, ready to upload: the pack first, the index (the commit) second. */
  record Encoded(byte[] pack, byte[] index) {}

  /** Where one object's record lies in its pack. */
  record Entry(Hash hash, long offset, int length) {}

  /** A searchable index, backed by the buffer it was read from. Thread-safe. */
  interface Index {
    /** The record of {@code hash} in this index's pack, if the pack holds it. */
    Optional<Entry> find(Hash hash);

    /** The number of objects the pack holds. */
    int size();

    /** The size of the pack in bytes. */
    long packLength();

    /** Every entry, in hash order. */
    void forEach(Consumer<Entry> visitor);
  }

  /** Encodes {@code objects} (hash to bytes) as a pack and its index. */
  Encoded encode(Map<Hash, byte[]> objects);

  /**
   * Reads an index from {@code buffer} (not copied: the index keeps reading it).
   *
   * @param name how messages name the index
   * @throws dev.cairn.spi.CorruptionException naming it if it is not a well-formed index
   */
  Index index(String name, ByteBuffer buffer);

  /**
   * The object of {@code entry} from {@code record}, the bytes of the pack at the entry's
   * offset and length.
   *
   * @param name how messages name the pack
   * @throws dev.cairn.spi.CorruptionException naming the pack and offset if the record is damaged
   */
  byte[] object(String name, Entry entry, byte[] record);
}
