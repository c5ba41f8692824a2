package dev.cairn.decorators;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.Arrays;

/**
 * A set of hashes of one algorithm, compact enough to hold every object of a large store: an
 * open-addressing table of the hashes' first 8 bytes (digests are uniform, so they are as good as
 * any mix) pointing into an append-only slab of full digests, which settles the rare prefix
 * collision. About {@code 12 / load + digestLength} bytes per hash (≈ 50 bytes for SHA-256),
 * against well over 100 for a {@code HashSet<Hash>}.
 *
 * <p>Thread-safe: every method is synchronized (a collector and the write barrier of many writers
 * share one set; the lock is held for a few probes).
 */
final class MarkSet {
  private static final int CHUNK_BITS = 14;
  private static final int CHUNK = 1 << CHUNK_BITS;

  private final HashAlgorithm algorithm;
  private final int digest;
  private long[] prefixes;

  /** Entry number + 1 per slot; 0 marks an empty slot. */
  private int[] entries;

  private byte[][] chunks = new byte[4][];
  private int size;

  MarkSet(HashAlgorithm algorithm) {
    this.algorithm = requireNonNull(algorithm, "algorithm");
    this.digest = algorithm.digestLength();
    this.prefixes = new long[1024];
    this.entries = new int[1024];
  }

  /** Adds {@code hash}; returns whether it was absent. */
  synchronized boolean add(Hash hash) {
    long prefix = prefix(hash);
    int slot = find(hash, prefix);
    if (entries[slot] != 0) {
      return false;
    }
    if (size == Integer.MAX_VALUE - 1) {
      throw new IllegalStateException("a mark set holds at most " + size + " hashes");
    }
    int chunk = size >>> CHUNK_BITS;
    if (chunk == chunks.length) {
      chunks = Arrays.copyOf(chunks, chunks.length * 2);
    }
    if (chunks[chunk] == null) {
      chunks[chunk] = new byte[CHUNK * digest];
    }
    hash.copyTo(chunks[chunk], (size & (CHUNK - 1)) * digest);
    prefixes[slot] = prefix;
    entries[slot] = ++size;
    if (size > entries.length / 4 * 3) {
      grow();
    }
    return true;
  }

  /** Whether {@code hash} was added. */
  synchronized boolean contains(Hash hash) {
    return entries[find(hash, prefix(hash))] != 0;
  }

  /** The number of hashes added. */
  synchronized int size() {
    return size;
  }

  /** The hash added {@code index}-th, from 0. */
  synchronized Hash get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + " of " + size);
    }
    return Hash.of(algorithm, chunks[index >>> CHUNK_BITS], (index & (CHUNK - 1)) * digest, digest);
  }

  /** The slot holding {@code hash}, or the empty slot where it belongs. */
  private int find(Hash hash, long prefix) {
    int mask = entries.length - 1;
    for (int slot = (int) prefix & mask; ; slot = (slot + 1) & mask) {
      int entry = entries[slot];
      if (entry == 0 || prefixes[slot] == prefix && sameDigest(entry - 1, hash)) {
        return slot;
      }
    }
  }

  private boolean sameDigest(int entry, Hash hash) {
    byte[] chunk = chunks[entry >>> CHUNK_BITS];
    int offset = (entry & (CHUNK - 1)) * digest;
    for (int i = Math.min(8, digest); i < digest; i++) {
      if (chunk[offset + i] != hash.byteAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    long[] oldPrefixes = prefixes;
    int[] oldEntries = entries;
    prefixes = new long[oldEntries.length * 2];
    entries = new int[oldEntries.length * 2];
    int mask = entries.length - 1;
    for (int i = 0; i < oldEntries.length; i++) {
      if (oldEntries[i] != 0) {
        int slot = (int) oldPrefixes[i] & mask;
        while (entries[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        prefixes[slot] = oldPrefixes[i];
        entries[slot] = oldEntries[i];
      }
    }
  }

  /** The first 8 digest bytes (fewer for a shorter digest), big-endian. */
  private static long prefix(Hash hash) {
    long prefix = 0;
    for (int i = 0; i < Math.min(8, hash.length()); i++) {
      prefix = (prefix << 8) | (hash.byteAt(i) & 0xff);
    }
    return prefix;
  }
}
