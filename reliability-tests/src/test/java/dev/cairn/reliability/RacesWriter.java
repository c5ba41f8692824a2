package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.Hash;
import dev.cairn.stack.Cairn;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writer JVM of the two-JVM race (family 7): opens {@code args[0]} (a spec) read-write and, for
 * {@code args[1]} seconds, writes numbered objects from two threads (single puts and batches),
 * moves refs forward through numbered ref objects, and now and then compacts away garbage it never
 * acknowledged. Each acknowledgement is a line on standard output, printed only after the call
 * returned: {@code ACK i} for object {@code i} ({@link #object}), {@code REF r s} for ref {@code r}
 * at step {@code s} ({@link #refObject}). Then it closes the store and prints {@code DONE}. {@code
 * READY} is printed once the store is open.
 *
 * <p>The content of every object follows from its number, so the reader checks bytes without being
 * told them, and a ref's value names an object that says which ref and step it is.
 */
final class RacesWriter {
  static final int REFS = 3;
  private static final int THREADS = 2;

  private RacesWriter() {}

  /** The bytes of object {@code i}: 0 to ~12 KiB, a pattern that only {@code i} yields. */
  static byte[] object(long i) {
    Random random = new Random(i * 0x9E3779B97F4A7C15L);
    int size = (int) (i % 7 == 0 ? random.nextInt(12_000) : random.nextInt(300));
    byte[] bytes = new byte[size + 8];
    random.nextBytes(bytes);
    for (int b = 0; b < 8; b++) {
      bytes[b] = (byte) (i >>> (8 * b));
    }
    return bytes;
  }

  /** The object ref {@code r} names at its step {@code step}. */
  static byte[] refObject(int r, long step) {
    return String.format("ref %d step %d of the races writer", r, step)
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The name of ref {@code r}. */
  static String refName(int r) {
    return "refs/heads/writer-" + r;
  }

  private static byte[] garbage(long g) {
    return ("garbage " + g + " never acknowledged").getBytes(StandardCharsets.US_ASCII);
  }

  public static void main(String[] args) throws Exception {
    String spec = args[0];
    long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
    Set<Hash> garbage = ConcurrentHashMap.newKeySet();
    AtomicInteger garbageCount = new AtomicInteger();
    try (Backend store = Cairn.open(spec)) {
      System.out.println("READY");
      System.out.flush();
      Thread[] threads = new Thread[THREADS];
      Throwable[] failure = new Throwable[1];
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        threads[t] =
            new Thread(
                () -> {
                  try {
                    write(store, thread, deadline, garbage, garbageCount);
                  } catch (Throwable e) {
                    synchronized (failure) {
                      failure[0] = e;
                    }
                  }
                });
        threads[t].start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      if (failure[0] != null) {
        throw new AssertionError("a writer thread failed", failure[0]);
      }
    }
    System.out.println("DONE");
    System.out.flush();
  }

  private static void write(
      Backend store, int thread, long deadline, Set<Hash> garbage, AtomicInteger garbageCount) {
    Random random = new Random(thread);
    long next = thread;
    // Thread t moves the refs r with r % THREADS == t, so each ref has one writer and its
    // steps are acknowledged in order.
    long[] steps = new long[REFS];
    for (int round = 0; System.nanoTime() < deadline; round++) {
      if (random.nextInt(4) == 0) {
        Map<Hash, byte[]> batch = new LinkedHashMap<>();
        long first = next;
        int n = 1 + random.nextInt(8);
        for (int k = 0; k < n; k++, next += THREADS) {
          byte[] bytes = object(next);
          batch.put(store.hashAlgorithm().hash(bytes), bytes);
        }
        store.writeBatch(batch);
        StringBuilder acks = new StringBuilder();
        for (long i = first; i < next; i += THREADS) {
          acks.append("ACK ").append(i).append('\n');
        }
        System.out.print(acks);
      } else {
        store.put(object(next));
        System.out.println("ACK " + next);
        next += THREADS;
      }
      if (round % 5 == 0) {
        int r = thread + THREADS * random.nextInt((REFS + THREADS - 1 - thread) / THREADS);
        long step = ++steps[r];
        Hash value = store.put(refObject(r, step));
        Optional<Hash> current = store.getRef(refName(r));
        if (random.nextBoolean()) {
          store.setRef(refName(r), value);
        } else if (!store.testAndSetRef(refName(r), current.orElse(null), value)) {
          throw new AssertionError("CAS of the only writer of " + refName(r) + " failed");
        }
        System.out.println("REF " + r + " " + step);
      }
      if (round % 40 == 0) {
        garbage.add(store.put(garbage(garbageCount.incrementAndGet())));
      }
      if (thread == 0 && round % 400 == 399) {
        store.feature(Compaction.class).ifPresent(c -> c.compact(h -> !garbage.contains(h)));
        System.out.println("COMPACTED");
      }
    }
  }
}
