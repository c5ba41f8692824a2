package dev.cairn.storage;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import java.nio.ByteBuffer;

/**
 * The Bloom filter of Cairn's indexes, bit for bit the filter Guava's {@code BloomFilter} builds
 * with its default strategy ({@code MURMUR128_MITZ_64}) over the first 16 bytes of each hash, and
 * in Guava's serial form, so indexes written by either read with the other. It exists because
 * Guava's filter hashes through a streaming hasher and a copy of the key: here a probe reads the
 * hash's bytes once and allocates nothing, which is most of the cost of an absent lookup and of the
 * duplicate check on every write.
 *
 * <p>Serial form: strategy (u8, 1), hash functions (u8), word count (s32), then the 64-bit words,
 * big-endian. Mutable while an index is built ({@link #put}), then only read, which is thread-safe.
 */
public final class Bloom {
  /** Guava's ordinal of {@code MURMUR128_MITZ_64}, the only strategy written. */
  public static final int STRATEGY = 1;

  /** The most hash functions Guava writes (its count is one unsigned byte). */
  private static final int MAX_FUNCTIONS = 255;

  private static final int KEY_BYTES = 16;
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private final long[] words;
  private final long bitSize;
  private final int functions;

  private Bloom(long[] words, int functions) {
    this.words = words;
    this.bitSize = (long) words.length * 64;
    this.functions = functions;
  }

  /**
   * An empty filter for {@code expected} entries at {@code falsePositives}, sized as Guava.
   *
   * @throws IllegalArgumentException if the filter would be too large for one array
   */
  public static Bloom create(long expected, double falsePositives) {
    long n = Math.max(expected, 1);
    long bits = (long) (-n * Math.log(falsePositives) / (Math.log(2) * Math.log(2)));
    int k = Math.max(1, (int) Math.round((double) bits / n * Math.log(2)));
    long wordCount = (bits + 63) / 64;
    if (wordCount > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a Bloom filter for " + expected + " entries is too large");
    }
    return new Bloom(new long[(int) wordCount], Math.min(k, MAX_FUNCTIONS));
  }

  /**
   * Decodes the serial form. The word count is checked against the bytes present before anything is
   * allocated.
   *
   * @param file the file the bytes come from, and {@code offset} where, for the error
   * @throws CorruptionException if the bytes are not a whole filter of the known strategy
   */
  public static Bloom decode(byte[] bytes, String file, long offset) {
    if (bytes.length < 6) {
      throw new CorruptionException(
          file, offset, "Bloom filter of " + bytes.length + " bytes is shorter than its header");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int strategy = Byte.toUnsignedInt(in.get(0));
    int functions = Byte.toUnsignedInt(in.get(1));
    int words = in.getInt(2);
    if (words <= 0 || (bytes.length - 6) % 8 != 0 || (bytes.length - 6) / 8 != words) {
      throw new CorruptionException(
          file,
          offset + 2,
          String.format(
              "Bloom filter claims %d words, its %d bytes hold %d",
              words, bytes.length, (bytes.length - 6) / 8));
    }
    if (strategy != STRATEGY) {
      throw new CorruptionException(
          file,
          offset,
          "Bloom filter has strategy "
              + strategy
              + "; only "
              + STRATEGY
              + " (murmur3, 128 bits) is written");
    }
    if (functions == 0) {
      throw new CorruptionException(file, offset + 1, "Bloom filter has no hash functions");
    }
    long[] data = new long[words];
    in.position(6).asLongBuffer().get(data);
    return new Bloom(data, functions);
  }

  /** The serial form. */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(6 + words.length * 8);
    out.put((byte) STRATEGY).put((byte) functions).putInt(words.length);
    out.asLongBuffer().put(words);
    return out.array();
  }

  /**
   * What a probe needs of a hash: its two murmur words. The same for every filter, so a lookup that
   * probes one filter per segment computes it once.
   */
  public static final class Key {
    final long h1;
    final long h2;

    private Key(long h1, long h2) {
      this.h1 = h1;
      this.h2 = h2;
    }
  }

  /** The probe key of {@code hash}: murmur3 of its first 16 bytes (all, if shorter). */
  public static Key key(Hash hash) {
    int length = Math.min(KEY_BYTES, hash.length());
    return key(littleEndian(hash, 0, Math.min(8, length)), littleEndian(hash, 8, length), length);
  }

  /** The probe key of the first {@code min(16, key.length)} bytes of {@code key}. */
  public static Key key(byte[] key) {
    int length = Math.min(KEY_BYTES, key.length);
    long k1 = 0;
    long k2 = 0;
    for (int i = length - 1; i >= 0; i--) {
      if (i >= 8) {
        k2 = (k2 << 8) | (key[i] & 0xffL);
      } else {
        k1 = (k1 << 8) | (key[i] & 0xffL);
      }
    }
    return key(k1, k2, length);
  }

  /**
   * The probe key of all of {@code key}'s bytes: what Guava's filter over {@code
   * Funnels.byteArrayFunnel()} computes, as the volume archive's filters are keyed.
   */
  public static Key keyOfAll(byte[] key) {
    if (key.length <= KEY_BYTES) {
      return key(key);
    }
    ByteBuffer in = ByteBuffer.wrap(key).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long h1 = 0;
    long h2 = 0;
    int blocks = key.length / KEY_BYTES;
    for (int b = 0; b < blocks; b++) {
      long k1 = in.getLong(b * KEY_BYTES);
      long k2 = in.getLong(b * KEY_BYTES + 8);
      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27);
      h1 += h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31);
      h2 += h1;
      h2 = h2 * 5 + 0x38495ab5;
    }
    long k1 = 0;
    long k2 = 0;
    int tail = blocks * KEY_BYTES;
    for (int i = key.length - 1; i >= tail; i--) {
      if (i - tail >= 8) {
        k2 = (k2 << 8) | (key[i] & 0xffL);
      } else {
        k1 = (k1 << 8) | (key[i] & 0xffL);
      }
    }
    h1 ^= mixK1(k1);
    h2 ^= mixK2(k2);
    return finish(h1, h2, key.length);
  }

  /**
   * Murmur3 x64 128 (seed 0) of {@code length} (at most 16) key bytes, given as two little-endian
   * words.
   */
  private static Key key(long k1, long k2, int length) {
    long h1 = 0;
    long h2 = 0;
    if (length == KEY_BYTES) {
      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27);
      h1 += h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31);
      h2 += h1;
      h2 = h2 * 5 + 0x38495ab5;
    } else {
      h1 ^= mixK1(k1);
      h2 ^= mixK2(k2);
    }
    return finish(h1, h2, length);
  }

  private static Key finish(long h1, long h2, int length) {
    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    h2 += h1;
    return new Key(h1, h2);
  }

  /** Adds {@code hash}. Not thread-safe: only while the filter is being built. */
  public void put(Hash hash) {
    probe(key(hash), true);
  }

  /** Whether {@code hash} may have been added; false means it certainly was not. */
  public boolean mightContain(Hash hash) {
    return probe(key(hash), false);
  }

  /** Adds the entry whose probe key is {@code key}. Not thread-safe: only while building. */
  public void put(Key key) {
    probe(key, true);
  }

  /** Whether the hash of {@code key} may have been added; false means it certainly was not. */
  public boolean mightContain(Key key) {
    return probe(key, false);
  }

  /**
   * Guava's probe sequence: bit i is (h1 + i * h2) mod size, for each hash function. Sets the bits
   * if {@code set}, else answers whether all are set.
   */
  private boolean probe(Key key, boolean set) {
    long combined = key.h1;
    for (int i = 0; i < functions; i++) {
      long bit = (combined & Long.MAX_VALUE) % bitSize;
      int word = (int) (bit >>> 6);
      if (set) {
        words[word] |= 1L << bit;
      } else if ((words[word] & (1L << bit)) == 0) {
        return false;
      }
      combined += key.h2;
    }
    return true;
  }

  /** Bytes [from, to) of the hash as a little-endian word (0 if empty). */
  private static long littleEndian(Hash hash, int from, int to) {
    long value = 0;
    for (int i = to - 1; i >= from; i--) {
      value = (value << 8) | (hash.byteAt(i) & 0xffL);
    }
    return value;
  }

  private static long mixK1(long k1) {
    return Long.rotateLeft(k1 * C1, 31) * C2;
  }

  private static long mixK2(long k2) {
    return Long.rotateLeft(k2 * C2, 33) * C1;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
