package dev.cairn.s3;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.storage.PackIndex;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The object {@code indexes/ID.idx} of an {@link S3Backend}: the pack's {@code cairn-storage}
 * {@link PackIndex}, as the disk store writes it, followed by the payload size of each object in
 * index order, so that enumerating a store ({@code forEachObject}, which reports sizes) reads
 * indexes only and never a pack. The index holds record lengths, and a compressed record's payload
 * size is only in the record.
 *
 * <p>Trailer: {@code size (u32) × count | count (u32) | CRC32C of sizes and count (u32) | magic
 * "CSZ1" (u32)}, big-endian. An index object without a valid trailer (written before sizes were
 * kept) is a plain {@link PackIndex}; enumerating its pack reads the pack once. Immutable and
 * thread-safe.
 */
final class IndexObject {
  /** {@code "CSZ1"}. */
  static final int SIZES_MAGIC = 0x43535a31;

  private static final int TRAILER = 12;

  /** The index; {@code sizes} holds one u32 per entry from its position, or is null. */
  private final PackIndex index;

  private final @Nullable ByteBuffer sizes;

  private IndexObject(PackIndex index, @Nullable ByteBuffer sizes) {
    this.index = index;
    this.sizes = sizes;
  }

  /**
   * The index object of the pack whose index is {@code indexBytes}, holding {@code objects}
   * (exactly the pack's objects).
   */
  static byte[] encode(byte[] indexBytes, Map<Hash, byte[]> objects, String name) {
    PackIndex index = PackIndex.decode(ByteBuffer.wrap(indexBytes), name);
    int count = index.size();
    if (count != objects.size()) {
      throw new IllegalArgumentException(
          "an index of " + count + " objects for " + objects.size() + " objects");
    }
    ByteBuffer out = ByteBuffer.allocate(indexBytes.length + 4 * count + TRAILER);
    out.put(indexBytes);
    int start = out.position();
    for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
      int entry = index.find(e.getKey());
      if (entry < 0) {
        throw new IllegalArgumentException("the index does not list " + e.getKey());
      }
      out.putInt(start + 4 * entry, e.getValue().length);
    }
    out.position(start + 4 * count);
    out.putInt(count);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), start, 4 * count + 4);
    out.putInt((int) crc.getValue());
    out.putInt(SIZES_MAGIC);
    return out.array();
  }

  /**
   * The index object in {@code bytes} (position to limit), checked whole.
   *
   * @throws CorruptionException if the index in it is damaged
   */
  static IndexObject decode(ByteBuffer bytes, String name) {
    requireNonNull(bytes, "bytes");
    requireNonNull(name, "name");
    ByteBuffer all = bytes.slice();
    int size = all.limit();
    if (size >= TRAILER + 4 && all.getInt(size - 4) == SIZES_MAGIC) {
      int count = all.getInt(size - TRAILER);
      long sizesAt = size - TRAILER - 4L * count;
      if (count >= 0 && sizesAt > 0) {
        CRC32C crc = new CRC32C();
        crc.update(all.duplicate().position((int) sizesAt).limit(size - 8));
        if ((int) crc.getValue() == all.getInt(size - 8)) {
          PackIndex index = PackIndex.decode(all.duplicate().limit((int) sizesAt), name);
          if (index.size() != count) {
            throw new CorruptionException(
                name,
                size - TRAILER,
                String.format(
                    "index of %d objects followed by %d object sizes", index.size(), count));
          }
          return new IndexObject(
              index, all.duplicate().position((int) sizesAt).limit(size - TRAILER).slice());
        }
      }
    }
    // No intact trailer: a plain index, which checks itself whole.
    return new IndexObject(PackIndex.decode(all, name), null);
  }

  PackIndex index() {
    return index;
  }

  /** Whether the payload size of every entry is known. */
  boolean hasSizes() {
    return sizes != null;
  }

  /** The payload size of entry {@code i}; only if {@link #hasSizes()}. */
  int size(int i) {
    ByteBuffer known = sizes;
    if (known == null) {
      throw new IllegalStateException("this index keeps no sizes");
    }
    return known.getInt(4 * i);
  }
}
