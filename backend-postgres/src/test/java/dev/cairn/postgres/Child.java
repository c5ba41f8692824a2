package dev.cairn.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The body of the child JVMs of {@link CrossProcessIT}: {@code cas}, {@code create}, {@code writer}
 * and {@code rewriter}, each on the store of one schema, reporting on stdout.
 */
public final class Child {
  static final HashAlgorithm ALGORITHM = HashAlgorithm.SHA256;
  static final int THREADS = 4;

  private Child() {}

  /** The objects of batch {@code batch} of writer {@code tag}: 50 objects of 1 KiB. */
  static Map<Hash, byte[]> batch(String tag, int batch) {
    Map<Hash, byte[]> objects = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      byte[] data = new byte[1024];
      byte[] label = (tag + " batch " + batch + " object " + i).getBytes(UTF_8);
      System.arraycopy(label, 0, data, 0, label.length);
      objects.put(ALGORITHM.hash(data), data);
    }
    return objects;
  }

  /** Object {@code i} of the compaction test. */
  static byte[] object(int i) {
    return ("compaction object " + i).getBytes(UTF_8);
  }

  /** The counter value {@code n} as an object. */
  static byte[] counter(long n) {
    return ("counter " + n).getBytes(UTF_8);
  }

  /** Arguments: mode, schema, then the mode's own. */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    try (PostgresBackend store =
        PostgresBackend.open(
            TestServer.options(args[1])
                .hashAlgorithm(ALGORITHM)
                .poolSize(THREADS)
                .gcGrace(java.time.Duration.ZERO)
                .build())) {
      switch (mode) {
        case "cas" -> cas(store, Integer.parseInt(args[2]), Long.parseLong(args[3]));
        case "create" -> create(store, Integer.parseInt(args[2]), Long.parseLong(args[3]));
        case "writer" -> writer(store, args[2]);
        case "rewriter" -> rewriter(store, Integer.parseInt(args[2]));
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
    }
    System.out.flush();
  }

  private static void awaitStart(long startAt) throws InterruptedException {
    long wait = startAt - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  /** Each of 4 threads makes {@code increments} successful CAS increments of refs/counter. */
  private static void cas(PostgresBackend store, int increments, long startAt) throws Exception {
    AtomicInteger successes = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    awaitStart(startAt);
    Thread[] threads = new Thread[THREADS];
    for (int t = 0; t < THREADS; t++) {
      threads[t] =
          new Thread(
              () -> {
                int mine = 0;
                while (mine < increments) {
                  Hash current = store.getRef("refs/counter").orElseThrow();
                  long n =
                      Long.parseLong(
                          new String(store.read(current).orElseThrow(), UTF_8)
                              .substring("counter ".length()));
                  Hash next = store.put(counter(n + 1));
                  if (store.testAndSetRef("refs/counter", current, next)) {
                    mine++;
                    successes.incrementAndGet();
                  } else {
                    failures.incrementAndGet();
                  }
                }
              });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    System.out.println("SUCCESSES " + successes.get() + " FAILURES " + failures.get());
  }

  /** Each of 4 threads tries to create refs/round/R for every round; prints the rounds won. */
  private static void create(PostgresBackend store, int rounds, long startAt) throws Exception {
    Hash value = store.put(counter(ProcessHandle.current().pid()));
    awaitStart(startAt);
    Thread[] threads = new Thread[THREADS];
    StringBuffer won = new StringBuffer();
    for (int t = 0; t < THREADS; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int round = 0; round < rounds; round++) {
                  if (store.testAndSetRef("refs/round/" + round, null, value)) {
                    won.append("WON ").append(round).append('\n');
                  }
                }
              });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    System.out.print(won);
  }

  /** Writes batches 0, 1, 2… until killed, printing ACK n after each returned. */
  private static void writer(PostgresBackend store, String tag) {
    System.out.println("READY");
    System.out.flush();
    for (int b = 0; ; b++) {
      store.writeBatch(batch(tag, b));
      System.out.println("ACK " + b);
      System.out.flush();
    }
  }

  /**
   * Writes objects 0..count-1 again and again until its standard input closes, printing the time
   * each write began once it returned: "W i startMillis".
   */
  private static void rewriter(PostgresBackend store, int count) throws Exception {
    Thread stopper =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // wait for the end of input
                }
              } catch (java.io.IOException ignored) {
                // the parent went away
              }
              System.out.flush();
              Runtime.getRuntime().halt(0);
            });
    stopper.setDaemon(true);
    stopper.start();
    System.out.println("READY");
    System.out.flush();
    for (int round = 0; ; round++) {
      for (int i = 0; i < count; i += 7) {
        // Only even objects are rewritten, so the odd ones are dropped however fast this runs.
        int k = ((i + round) % count) & ~1;
        long start = System.currentTimeMillis();
        store.put(object(k));
        synchronized (System.out) {
          System.out.println("W " + k + " " + start);
        }
      }
    }
  }
}
