package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.Hasher;
import dev.cairn.spi.ObjectStreams;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child JVM of the streamed-large-objects kill family ({@link StreamKillTest}): opens {@link
 * FullStack} on a directory and, until killed, streams Git blobs into it through {@link
 * ObjectStreams} — most of them larger than the disk store writes as ordinary records, every other
 * one of undeclared length — points a few refs at some, and runs a collection now and then, so that
 * unreferenced large objects are archived and compacted away.
 *
 * <p>Standard output, one line per event, each printed only after what it reports happened:
 *
 * <pre>
 * READY                 the stack is open (recovery done)
 * I SEED SIZE           a streamed write of blob SEED of SIZE content bytes is about to start
 * O SEED SIZE HEX       it returned: object HEX is durable
 * ERROR MESSAGE         an operation threw (a defect)
 * </pre>
 *
 * <p>Arguments: directory, seed.
 */
public final class StreamChild {
  private StreamChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(
                    120_000); // a parent that died without killing us must not leave us running
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(4);
            });
    watchdog.setDaemon(true);
    watchdog.start();
    Random random = new Random(seed);
    try (Backend store = FullStack.open(dir)) {
      out.println("READY");
      ObjectStreams streams = ObjectStreams.of(store);
      for (int i = 0; ; i++) {
        long blob = seed * 1000 + i;
        int size = size(random);
        out.println("I " + blob + " " + size);
        Blob in = new Blob(blob, size);
        Hash hash = streams.write(in, i % 2 == 0 ? in.length() : ObjectStreams.UNKNOWN_LENGTH);
        out.println("O " + blob + " " + size + " " + hash.toHex());
        if (random.nextInt(3) == 0) {
          store.setRef("refs/heads/stream-" + random.nextInt(3), hash);
        }
        if (i % 4 == 3) {
          FullStack.gc(store).gc(FullStack.gcOptions());
        }
      }
    } catch (RuntimeException | Error e) {
      StackChild.error(out, "streamer", e);
      System.exit(3);
    }
  }

  /** Mostly 4.5 to 12 MiB, past the disk store's ordinary records; some small ones. */
  static int size(Random random) {
    return random.nextInt(4) == 0
        ? random.nextInt(64 * 1024)
        : (9 << 19) + random.nextInt(15 << 19);
  }

  /** The hash of blob {@code blob} of {@code size} content bytes, computed as the parent does. */
  static Hash hashOf(long blob, int size) throws IOException {
    Hasher hasher = HashAlgorithm.SHA1.newHasher();
    byte[] buffer = new byte[64 * 1024];
    try (Blob in = new Blob(blob, size)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        hasher.update(buffer, 0, n);
      }
    }
    return hasher.finish();
  }

  /** A Git blob, {@code "blob SIZE\0"} then SIZE deterministic pseudo-random bytes. */
  static final class Blob extends InputStream {
    private final byte[] header;
    private final long length;
    private final Random random;
    private final byte[] chunk = new byte[8192];
    private long position;
    private int chunkAt = chunk.length;

    Blob(long seed, int size) {
      this.header = ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII);
      this.length = header.length + (long) size;
      this.random = new Random(seed);
    }

    long length() {
      return length;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= length) {
        return -1;
      }
      int n = 0;
      while (n < len && position < length) {
        if (position < header.length) {
          b[off + n++] = header[(int) position++];
          continue;
        }
        if (chunkAt == chunk.length) {
          random.nextBytes(chunk);
          chunkAt = 0;
        }
        int take = (int) Math.min(Math.min(len - n, chunk.length - chunkAt), length - position);
        System.arraycopy(chunk, chunkAt, b, off + n, take);
        chunkAt += take;
        n += take;
        position += take;
      }
      return n;
    }
  }
}
