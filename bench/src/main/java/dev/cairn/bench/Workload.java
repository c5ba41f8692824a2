package dev.cairn.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * The objects every store is given: {@code count} incompressible (uniformly random) values of
 * {@code valueSize} bytes, keyed by the SHA-256 of their bytes. Value {@code i} is a pure function
 * of {@code (seed, i)}, so every store and every JVM sees the same objects without shipping them
 * around.
 *
 * @param valueSize bytes per value
 * @param count number of objects
 * @param seed the data set; another seed gives other objects
 */
public record Workload(int valueSize, long count, long seed) {
  /** The key length: SHA-256. */
  public static final int KEY_LENGTH = 32;

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JDK always ships SHA-256", e);
            }
          });

  /** Checks the arguments. */
  public Workload {
    if (valueSize < 1) {
      throw new IllegalArgumentException("valueSize must be positive: " + valueSize);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
  }

  /** The payload in bytes: {@code valueSize * count}. */
  public long payloadBytes() {
    return valueSize * count;
  }

  /** Value number {@code index}. */
  public byte[] value(long index) {
    return random(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index), valueSize);
  }

  /** A fresh array of {@code size} random bytes drawn from {@code random}. */
  public static byte[] random(SplittableRandom random, int size) {
    byte[] bytes = new byte[size];
    int i = 0;
    for (; i + 8 <= size; i += 8) {
      long v = random.nextLong();
      for (int b = 0; b < 8; b++) {
        bytes[i + b] = (byte) (v >>> (8 * b));
      }
    }
    long v = random.nextLong();
    for (; i < size; i++, v >>>= 8) {
      bytes[i] = (byte) v;
    }
    return bytes;
  }

  /** The SHA-256 of {@code value}: its key. */
  public static byte[] key(byte[] value) {
    return SHA256.get().digest(value);
  }

  /** Writes the keys of every object, in order, to {@code file} (32 bytes each). */
  public void writeKeys(Path file) {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      for (long i = 0; i < count; i++) {
        out.write(key(value(i)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing keys to " + file, e);
    }
  }

  /** Reads a file written by {@link #writeKeys}. */
  public static byte[][] readKeys(Path file) {
    try {
      long size = Files.size(file);
      if (size % KEY_LENGTH != 0 || size / KEY_LENGTH > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("not a keys file (size " + size + "): " + file);
      }
      byte[][] keys = new byte[(int) (size / KEY_LENGTH)][KEY_LENGTH];
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        DataInputStream data = new DataInputStream(in);
        for (byte[] key : keys) {
          data.readFully(key);
        }
      }
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException("reading keys from " + file, e);
    }
  }
}
