package dev.cairn.git;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Git's delta encoding (the data of a pack's {@code OFS_DELTA} and {@code REF_DELTA} entries): the
 * base's size and the result's size as little-endian base-128 numbers, then instructions that copy
 * a range of the base or insert literal bytes.
 *
 * <p>{@link #encode} finds copies with an index of the base's aligned 16-byte blocks and a rolling
 * hash over the target, extending every match both ways; it is linear in the sizes of base and
 * target. {@link #apply} rebuilds a target, for checks. Stateless and thread-safe.
 */
public final class Delta {
  private static final int BLOCK = 16;
  private static final int PRIME = 0x01000193;
  private static final int MAX_COPY = 0xffffff;
  private static final int MAX_INSERT = 0x7f;
  private static final int POWER;

  static {
    int p = 1;
    for (int i = 0; i < BLOCK - 1; i++) {
      p *= PRIME;
    }
    POWER = p;
  }

  private Delta() {}

  /**
   * A delta that rebuilds {@code target[targetOffset, +targetLength)} from {@code base[baseOffset,
   * +baseLength)}, or {@code null} if none shorter than {@code limit} bytes was found.
   */
  public static byte @Nullable [] encode(
      byte[] base,
      int baseOffset,
      int baseLength,
      byte[] target,
      int targetOffset,
      int targetLength,
      int limit) {
    if (baseLength < BLOCK || targetLength < BLOCK || limit <= 0) {
      return null;
    }
    int slots = Integer.highestOneBit(Math.max(16, baseLength / BLOCK * 2)) << 1;
    int shift = Integer.numberOfLeadingZeros(slots - 1);
    int[] table = new int[slots];
    Arrays.fill(table, -1);
    for (int at = 0; at + BLOCK <= baseLength; at += BLOCK) {
      table[slot(hash(base, baseOffset + at), shift)] = at;
    }
    Output out = new Output(Math.min(limit, targetLength / 4 + 64));
    out.varint(baseLength);
    out.varint(targetLength);
    int i = 0;
    int pending = 0;
    int h = hash(target, targetOffset);
    while (i + BLOCK <= targetLength) {
      int candidate = table[slot(h, shift)];
      if (candidate >= 0
          && Arrays.equals(
              base,
              baseOffset + candidate,
              baseOffset + candidate + BLOCK,
              target,
              targetOffset + i,
              targetOffset + i + BLOCK)) {
        int length = BLOCK;
        while (candidate + length < baseLength
            && i + length < targetLength
            && base[baseOffset + candidate + length] == target[targetOffset + i + length]) {
          length++;
        }
        int back = 0;
        while (back < i - pending
            && candidate - back > 0
            && base[baseOffset + candidate - back - 1] == target[targetOffset + i - back - 1]) {
          back++;
        }
        out.insert(target, targetOffset + pending, i - back - pending);
        out.copy(candidate - back, length + back);
        i += length;
        pending = i;
        if (out.size > limit) {
          return null;
        }
        if (i + BLOCK <= targetLength) {
          h = hash(target, targetOffset + i);
        }
      } else {
        if (i + BLOCK < targetLength) {
          h =
              (h - (target[targetOffset + i] & 0xff) * POWER) * PRIME
                  + (target[targetOffset + i + BLOCK] & 0xff);
        }
        i++;
      }
    }
    out.insert(target, targetOffset + pending, targetLength - pending);
    return out.size >= limit ? null : Arrays.copyOf(out.bytes, out.size);
  }

  /**
   * The bytes {@code delta} rebuilds from {@code base}.
   *
   * @throws IllegalArgumentException if the delta is malformed or made for another base
   */
  public static byte[] apply(byte[] base, byte[] delta) {
    int[] at = {0};
    long baseSize = varint(delta, at);
    long size = varint(delta, at);
    if (baseSize != base.length || size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "delta made for a base of " + baseSize + " bytes, not " + base.length);
    }
    byte[] result = new byte[(int) size];
    int written = 0;
    int i = at[0];
    while (i < delta.length) {
      int op = delta[i++] & 0xff;
      if ((op & 0x80) != 0) {
        long offset = 0;
        int length = 0;
        for (int b = 0; b < 4; b++) {
          if ((op & (1 << b)) != 0) {
            offset |= (long) (delta[i++] & 0xff) << (8 * b);
          }
        }
        for (int b = 0; b < 3; b++) {
          if ((op & (0x10 << b)) != 0) {
            length |= (delta[i++] & 0xff) << (8 * b);
          }
        }
        if (length == 0) {
          length = 0x10000;
        }
        if (offset + length > base.length || written + length > result.length) {
          throw new IllegalArgumentException("delta copies outside its base or result");
        }
        System.arraycopy(base, (int) offset, result, written, length);
        written += length;
      } else if (op != 0) {
        if (i + op > delta.length || written + op > result.length) {
          throw new IllegalArgumentException("delta inserts past its end");
        }
        System.arraycopy(delta, i, result, written, op);
        i += op;
        written += op;
      } else {
        throw new IllegalArgumentException("delta holds the reserved instruction 0");
      }
    }
    if (written != result.length) {
      throw new IllegalArgumentException("delta rebuilds " + written + " of " + size + " bytes");
    }
    return result;
  }

  private static long varint(byte[] data, int[] at) {
    long value = 0;
    int shift = 0;
    int b;
    do {
      b = data[at[0]++] & 0xff;
      value |= (long) (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return value;
  }

  private static int hash(byte[] data, int offset) {
    int h = 0;
    for (int k = 0; k < BLOCK; k++) {
      h = h * PRIME + (data[offset + k] & 0xff);
    }
    return h;
  }

  private static int slot(int hash, int shift) {
    return (hash * 0x9E3779B1) >>> shift;
  }

  /** A growing array of instructions. */
  private static final class Output {
    byte[] bytes;
    int size;

    Output(int capacity) {
      bytes = new byte[Math.max(64, capacity)];
    }

    void put(int b) {
      if (size == bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      bytes[size++] = (byte) b;
    }

    void varint(long value) {
      while (value >= 0x80) {
        put((int) (value & 0x7f) | 0x80);
        value >>>= 7;
      }
      put((int) value);
    }

    void insert(byte[] data, int offset, int length) {
      while (length > 0) {
        int n = Math.min(length, MAX_INSERT);
        put(n);
        for (int k = 0; k < n; k++) {
          put(data[offset + k]);
        }
        offset += n;
        length -= n;
      }
    }

    void copy(int offset, int length) {
      while (length > 0) {
        int n = Math.min(length, MAX_COPY);
        int op = 0x80;
        int at = size;
        put(0);
        for (int b = 0; b < 4; b++) {
          int v = (offset >>> (8 * b)) & 0xff;
          if (v != 0) {
            op |= 1 << b;
            put(v);
          }
        }
        for (int b = 0; b < 3; b++) {
          int v = (n >>> (8 * b)) & 0xff;
          if (v != 0) {
            op |= 0x10 << b;
            put(v);
          }
        }
        bytes[at] = (byte) op;
        offset += n;
        length -= n;
      }
    }
  }
}
