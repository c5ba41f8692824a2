package dev.cairn.s3;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of the child JVMs of {@link S3CrossProcessIT}: {@code cas}, {@code create} and {@code
 * writer}, each on the store at one prefix of the test bucket (with a cache directory of its own,
 * as another machine would have), reporting on stdout.
 */
public final class Child {
  static final HashAlgorithm ALGORITHM = HashAlgorithm.SHA256;
  static final int THREADS = 4;

  private Child() {}

  /** The objects of batch {@code batch} of writer {@code tag}: 200 objects of 1 KiB. */
  static Map<Hash, byte[]> batch(String tag, int batch) {
    Map<Hash, byte[]> objects = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      byte[] data = new byte[1024];
      byte[] label = (tag + " batch " + batch + " object " + i).getBytes(UTF_8);
      System.arraycopy(label, 0, data, 0, label.length);
      objects.put(ALGORITHM.hash(data), data);
    }
    return objects;
  }

  /** The counter value {@code n} as an object. */
  static byte[] counter(long n) {
    return ("counter " + n).getBytes(UTF_8);
  }

  /** The store at {@code prefix}, its indexes cached in {@code cacheDir}. */
  static S3Backend open(String prefix, Path cacheDir) {
    return S3Backend.open(
        Rgw.get()
            .options(prefix)
            .hashAlgorithm(ALGORITHM)
            .cacheDir(cacheDir)
            .connections(THREADS + 2)
            .build());
  }

  /** Arguments: mode, prefix, cache directory, then the mode's own. */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    try (S3Backend store = open(args[1], Path.of(args[2]))) {
      switch (mode) {
        case "cas" ->
            cas(
                store,
                Integer.parseInt(args[3]),
                Integer.parseInt(args[4]),
                Long.parseLong(args[5]));
        case "create" -> create(store, Integer.parseInt(args[3]), Long.parseLong(args[4]));
        case "writer" -> writer(store, args[3]);
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

  /**
   * Each of 4 threads makes {@code increments} successful CAS increments of refs/counter, from
   * counter n to counter n + 1 (the objects 0 to {@code max} written by the parent, known here by
   * hash), printing "MOVED n" for each success and "FAILED k" at the end.
   */
  private static void cas(S3Backend store, int increments, int max, long startAt) throws Exception {
    Map<Hash, Integer> values = new LinkedHashMap<>();
    for (int n = 0; n <= max; n++) {
      values.put(ALGORITHM.hash(counter(n)), n);
    }
    StringBuffer moved = new StringBuffer();
    int[] failures = new int[THREADS];
    awaitStart(startAt);
    Thread[] threads = new Thread[THREADS];
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      threads[t] =
          new Thread(
              () -> {
                int mine = 0;
                while (mine < increments) {
                  Hash current = store.getRef("refs/counter").orElseThrow();
                  int n = values.get(current);
                  Hash next = ALGORITHM.hash(counter(n + 1));
                  if (store.testAndSetRef("refs/counter", current, next)) {
                    mine++;
                    moved.append("MOVED ").append(n).append('\n');
                  } else {
                    failures[thread]++;
                  }
                }
              });
      threads[t].start();
    }
    int failed = 0;
    for (int t = 0; t < THREADS; t++) {
      threads[t].join();
      failed += failures[t];
    }
    System.out.print(moved);
    System.out.println("FAILED " + failed);
  }

  /** Each of 4 threads tries to create refs/round/R for every round; prints the rounds won. */
  private static void create(S3Backend store, int rounds, long startAt) throws Exception {
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
  private static void writer(S3Backend store, String tag) {
    System.out.println("READY");
    System.out.flush();
    for (int b = 0; ; b++) {
      store.writeBatch(batch(tag, b));
      System.out.println("ACK " + b);
      System.out.flush();
    }
  }
}
