package dev.cairn.s3;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreIOException;
import dev.cairn.storage.ByteSource;
import dev.cairn.storage.PackIndex;
import dev.cairn.storage.PackReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One committed pack: its identifier and its index (a {@code cairn-storage} {@link PackIndex} with
 * the objects' sizes, an {@link IndexObject} kept in a mapped file of the cache directory), and how
 * its records are read from the bucket. A point read is one ranged GET of exactly the record,
 * decoded and checked (CRC32C, codec, lengths) by {@link PackReader}; the pack's head (header and
 * dictionary) is never fetched for a read, because a pack without a dictionary needs none of it and
 * the head of one with a dictionary is kept in the cache directory (see {@link IndexSet}).
 * Immutable and thread-safe.
 */
final class Pack {
  private final String id;
  private final PackIndex index;

  /** The index object: the index and, if it was written with them, the objects' sizes. */
  private final IndexObject object;

  private final Bucket bucket;
  private final HashAlgorithm algorithm;

  /** The reader of a pack without a dictionary (it holds nothing of the pack); else null. */
  private final @Nullable PackReader plain;

  /**
   * @throws CorruptionException if the index holds hashes of another algorithm, or not whole ones
   *     (this store writes whole hashes)
   */
  Pack(String id, IndexObject object, Bucket bucket, HashAlgorithm algorithm) {
    this.id = requireNonNull(id, "id");
    this.object = requireNonNull(object, "object");
    this.index = object.index();
    this.bucket = requireNonNull(bucket, "bucket");
    this.algorithm = requireNonNull(algorithm, "algorithm");
    if (index.digestLength() != algorithm.digestLength()
        || index.prefixLength() != index.digestLength()) {
      throw new CorruptionException(
          index.name(),
          5,
          String.format(
              "an index of %d-byte hashes keeping %d bytes of each, but this store keeps whole %s"
                  + " hashes (%d bytes)",
              index.digestLength(),
              index.prefixLength(),
              algorithm.name(),
              algorithm.digestLength()));
    }
    this.plain =
        index.dictionaryLength() == 0
            ? PackReader.openWithoutHead(index, source(null), algorithm, name())
            : null;
  }

  /** The pack's key, relative to the store's prefix. */
  static String key(String id) {
    return IndexSet.PACKS + id + ".pack";
  }

  String id() {
    return id;
  }

  String key() {
    return key(id);
  }

  PackIndex index() {
    return index;
  }

  /** Whether reading this pack needs its head (it has a dictionary). */
  boolean hasDictionary() {
    return plain == null;
  }

  /** Whether the index object holds the payload size of every object (see {@link IndexObject}). */
  boolean hasSizes() {
    return object.hasSizes();
  }

  /** The payload size of index entry {@code i}; only if {@link #hasSizes()}. */
  int size(int i) {
    return object.size(i);
  }

  /** The hash of index entry {@code i}. */
  Hash hash(int i) {
    return Hash.of(algorithm, index.prefix(i));
  }

  /** How messages name the pack. */
  String name() {
    return bucket + " " + key();
  }

  /**
   * The reader of this pack. {@code head} is the pack's first {@link PackIndex#headLength()} bytes
   * for a pack with a dictionary (checked here, as {@link PackReader#open} checks them), and
   * ignored for one without.
   *
   * @throws CorruptionException if {@code head} is not this pack's intact head
   */
  PackReader reader(@Nullable ByteBuffer head) {
    if (plain != null) {
      return plain;
    }
    requireNonNull(head, "head");
    try {
      return PackReader.open(index, source(head), algorithm, name());
    } catch (IOException e) {
      throw new IllegalStateException("a reader served from memory failed", e);
    }
  }

  /**
   * The object {@code hash} from {@code reader}: one ranged GET.
   *
   * @return empty if the pack does not hold it, or the pack no longer exists (a compaction retired
   *     it and its grace period passed)
   * @throws CorruptionException if its record is damaged
   */
  Optional<byte[]> read(PackReader reader, Hash hash) {
    try {
      return reader.read(hash);
    } catch (Missing e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreIOException(name() + ": reading " + hash, e);
    }
  }

  /**
   * Reads the whole pack with one GET, checks it (its checksum, every record, every hash) and calls
   * {@code visitor} with each object and the offset of its record, in index order.
   *
   * @throws CorruptionException if the pack is damaged or does not exist although its index was
   *     committed
   */
  void forEach(ObjectVisitor visitor) {
    byte[] bytes =
        bucket
            .get(key())
            .map(Bucket.Blob::data)
            .orElseThrow(
                () -> new CorruptionException(name(), 0, "a committed pack does not exist"));
    try {
      PackReader whole =
          PackReader.open(index, ByteSource.of(ByteBuffer.wrap(bytes)), algorithm, name());
      whole.verify((hash, data) -> visitor.accept(hash, data, index.offset(index.find(hash))));
    } catch (IOException e) {
      throw new IllegalStateException("a reader served from memory failed", e);
    }
  }

  /** Receives an object and the offset of its record. */
  @FunctionalInterface
  interface ObjectVisitor {
    void accept(Hash hash, byte[] data, long offset);
  }

  /**
   * The pack's bytes: {@code head} (if not null) serves the read of the head, every other read is
   * one ranged GET of exactly the bytes asked for.
   */
  private ByteSource source(@Nullable ByteBuffer head) {
    ByteSource local = head == null ? null : ByteSource.of(head);
    long headLength = head == null ? 0 : head.remaining();
    String key = key();
    return (position, length) -> {
      if (local != null && position + length <= headLength) {
        return local.read(position, length);
      }
      byte[] bytes = bucket.getRange(key, position, length).orElseThrow(() -> new Missing(key));
      if (bytes.length != length) {
        throw new EOFException(
            String.format(
                "%s: %d bytes at %d, %d were asked for", key, bytes.length, position, length));
      }
      return ByteBuffer.wrap(bytes);
    };
  }

  /** The pack does not exist (any more). */
  private static final class Missing extends IOException {
    private static final long serialVersionUID = 1L;

    Missing(String key) {
      super(key + " does not exist");
    }
  }
}
