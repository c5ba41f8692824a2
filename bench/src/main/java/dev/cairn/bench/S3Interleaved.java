package dev.cairn.bench;

import dev.cairn.decorators.Decorators;
import dev.cairn.disk.DiskBackend;
import dev.cairn.disk.DiskOptions;
import dev.cairn.s3.S3Backend;
import dev.cairn.s3.S3Options;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code s3:} store against the raw AWS SDK v2 (the SDK the store uses, configured alike) on
 * one server, measured so that a busy machine cannot tilt the ratios: both sides take turns,
 * operation by operation, in one thread. {@code java -cp … dev.cairn.bench.S3Interleaved RGW_DIR
 * WORK_DIR [ROUNDS]} ({@code RGW_DIR} as {@code rgw.sh start} left it, {@code WORK_DIR} for the
 * index caches and the disk store; default 20 rounds of ingest) prints, for 1 KiB objects of the
 * bench {@link Workload} (incompressible):
 *
 * <ul>
 *   <li>durable batch ingest: a {@code writeBatch} of one pack's worth of objects (the store's pack
 *       size, {@value S3Options#DEFAULT_PACK_SIZE} bytes by default) against one PUT of the same
 *       bytes as one object of that size, with the requests per 1,000 objects of each (and the same
 *       with {@code compression=none}, which shows what trying zstd on each record costs);
 *   <li>point reads with the indexes known: a read against a ranged GET of as many bytes, with the
 *       requests per read;
 *   <li>reads of a hot set through {@code cache(max-bytes=64m)} over the store against the same
 *       cache over a {@code disk:} store;
 *   <li>the bytes in the bucket under the store's prefix per byte of payload;
 *   <li>the time (and requests) to open a store of 1,000 packs with a fresh and with a warm index
 *       cache directory.
 * </ul>
 *
 * The first fifth of the turns of each figure warms up and is not counted. In the ingest and the
 * cached reads each side goes first every other turn, so that neither always meets what the other
 * left behind (the server still settling a 16 MiB write, the CPU's caches).
 */
public final class S3Interleaved {
  private static final int VALUE_SIZE = 1024;
  private static final int HOT_SET = 1_000;
  private static final long CACHE_BYTES = 64L << 20;
  private static final int OPEN_PACKS = 1_000;
  private static final int OPENS = 3;

  private S3Interleaved() {}

  /** Arguments: the RGW directory, a work directory, rounds of ingest (default 20). */
  public static void main(String[] args) throws Exception {
    S3Rig rig = S3Rig.read(Path.of(args[0]));
    Path work = Files.createDirectories(Path.of(args[1]));
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    long packSize = S3Options.DEFAULT_PACK_SIZE;
    int perBatch = (int) (packSize / VALUE_SIZE);
    Workload workload = new Workload(VALUE_SIZE, Long.MAX_VALUE / 2, System.nanoTime());
    RequestCounter counter = new RequestCounter();
    String prefix = S3Rig.freshPrefix("interleaved");
    String rawPrefix = S3Rig.freshPrefix("interleaved-sdk");
    Directories.delete(work.resolve("caches"));
    System.out.printf(
        Locale.ROOT,
        "s3: against the raw AWS SDK v2 on %s, %d-byte objects, pack size %d (%d objects)%n",
        rig.endpoint(),
        VALUE_SIZE,
        packSize,
        perBatch);
    try (S3Client sdk = rig.client(counter, 16)) {
      S3Rig.createBucket(sdk);
      long payload = 0;
      List<Hash> written = new ArrayList<>();
      List<String> rawKeys = new ArrayList<>();
      try (S3Backend store =
          S3Backend.open(
              rig.options(prefix, work.resolve("caches/ingest")).packSize(packSize).build())) {
        // Ingest: one pack of objects through the store, the same bytes as one PUT by hand.
        long next =
            ingest(
                store, "", sdk, counter, rawPrefix, workload, 0, perBatch, rounds, written,
                rawKeys);
        payload += (long) rounds * perBatch * VALUE_SIZE;

        // Point reads, the indexes known: a read against a ranged GET of as many bytes.
        Turns reads =
            new Turns("point reads, indexes known", "s3:", "sdk ranged GET", 1, Double.NaN);
        SplittableRandom random = new SplittableRandom(next);
        int readTurns = Math.max(500, rounds * 200);
        for (int r = 0; r < readTurns; r++) {
          Hash hash = written.get(random.nextInt(written.size()));
          String rawKey = rawKeys.get(random.nextInt(rawKeys.size()));
          long offset = (long) random.nextInt(perBatch) * VALUE_SIZE;
          String range = "bytes=" + offset + "-" + (offset + VALUE_SIZE - 1);
          long q0 = store.requests();
          long t0 = System.nanoTime();
          store.read(hash).orElseThrow();
          long t1 = System.nanoTime();
          long q1 = store.requests();
          long c1 = counter.total();
          byte[] got =
              sdk.getObjectAsBytes(b -> b.bucket(S3Rig.BUCKET).key(rawKey).range(range))
                  .asByteArrayUnsafe();
          long t2 = System.nanoTime();
          long c2 = counter.total();
          if (got.length != VALUE_SIZE) {
            throw new IllegalStateException("a ranged GET of " + range + " gave " + got.length);
          }
          if (r >= readTurns / 5) {
            reads.add(Turns.OURS, t1 - t0, q1 - q0, 1);
            reads.add(Turns.THEIRS, t2 - t1, c2 - c1, 1);
          }
        }
        System.out.println(reads.line());

        // What the bucket holds for the payload.
        long stored = S3Rig.bytesUnder(sdk, prefix);
        long packs = S3Rig.bytesUnder(sdk, prefix + "/packs");
        long indexes = S3Rig.bytesUnder(sdk, prefix + "/indexes");
        System.out.printf(
            Locale.ROOT,
            "bytes stored / payload: %,d / %,d = %.3f (%d packs %.3f, their indexes %.3f, the"
                + " rest %,d bytes)%n",
            stored,
            payload,
            (double) stored / payload,
            store.packCount(),
            (double) packs / payload,
            (double) indexes / payload,
            stored - packs - indexes);

        // A hot set through the cache: over the store against over a disk store.
        cachedHotSet(store, written.subList(0, HOT_SET), work.resolve("disk"), readTurns);
      }
      // The same with compression=none: what framing, indexes and the second PUT cost alone.
      try (S3Backend plain =
          S3Backend.open(
              rig.options(S3Rig.freshPrefix("interleaved-none"), work.resolve("caches/none"))
                  .packSize(packSize)
                  .compression(Compression.NONE)
                  .build())) {
        ingest(
            plain,
            ", compression=none",
            sdk,
            counter,
            rawPrefix + "-none",
            workload,
            Long.MAX_VALUE / 4,
            perBatch,
            rounds,
            new ArrayList<>(),
            new ArrayList<>());
      }
      openWithPacks(rig, work, sdk);
    }
  }

  /**
   * {@code rounds} turns of one {@code writeBatch} of {@code perBatch} objects into {@code store}
   * against one PUT of as many other objects' bytes by hand, objects from {@code first} on; prints
   * the figure and returns the next object number. Adds what each side wrote to the lists.
   */
  private static long ingest(
      S3Backend store,
      String variant,
      S3Client sdk,
      RequestCounter counter,
      String rawPrefix,
      Workload workload,
      long first,
      int perBatch,
      int rounds,
      List<Hash> written,
      List<String> rawKeys) {
    Turns ingest =
        new Turns(
            "durable batch ingest (" + perBatch + " x 1 KiB per operation" + variant + ")",
            "s3:",
            "sdk",
            1_000,
            0.8);
    long next = first;
    for (int r = 0; r < rounds; r++) {
      Map<Hash, byte[]> ours = batch(workload, next, perBatch);
      next += perBatch;
      byte[] theirs = concatenated(workload, next, perBatch);
      next += perBatch;
      String rawKey = rawPrefix + "/object-" + r;
      // Each side goes first every other turn: the first meets whatever the server still does
      // for the other's last write, and what generating the objects left in the CPU's caches.
      boolean storeFirst = r % 2 == 0;
      long c0 = counter.total();
      long sdkNanos = storeFirst ? 0 : timedPut(sdk, rawKey, theirs);
      long q0 = store.requests();
      long t0 = System.nanoTime();
      store.writeBatch(ours);
      long storeNanos = System.nanoTime() - t0;
      long q1 = store.requests();
      if (storeFirst) {
        sdkNanos = timedPut(sdk, rawKey, theirs);
      }
      long sdkRequests = counter.total() - c0; // the counter sees the SDK's client only
      written.addAll(ours.keySet());
      rawKeys.add(rawKey);
      if (r >= rounds / 5) {
        ingest.add(Turns.OURS, storeNanos, q1 - q0, perBatch);
        ingest.add(Turns.THEIRS, sdkNanos, sdkRequests, perBatch);
      }
    }
    System.out.println(ingest.line());
    return next;
  }

  /** One PUT of {@code data} at {@code key} by the raw SDK; returns the nanoseconds it took. */
  private static long timedPut(S3Client sdk, String key, byte[] data) {
    long t0 = System.nanoTime();
    sdk.putObject(
        b -> b.bucket(S3Rig.BUCKET).key(key).contentLength((long) data.length), S3Rig.body(data));
    return System.nanoTime() - t0;
  }

  private static void cachedHotSet(S3Backend s3, List<Hash> hot, Path diskDir, int turns) {
    Directories.delete(diskDir);
    Map<Hash, byte[]> objects = new LinkedHashMap<>();
    for (Hash hash : hot) {
      objects.put(hash, s3.read(hash).orElseThrow());
    }
    Backend overS3 = Decorators.cacheByBytes(s3, CACHE_BYTES);
    try (Backend overDisk =
        Decorators.cacheByBytes(
            DiskBackend.open(
                diskDir,
                DiskOptions.builder()
                    .fsync(DiskOptions.Fsync.ALWAYS)
                    .hashAlgorithm(HashAlgorithm.SHA256)
                    .build()),
            CACHE_BYTES)) {
      overDisk.writeBatch(objects);
      for (Hash hash : hot) { // warm both caches
        overS3.read(hash).orElseThrow();
        overDisk.read(hash).orElseThrow();
      }
      Turns cached =
          new Turns(
              "reads of a hot set of "
                  + hot.size()
                  + " through cache(max-bytes=64m) (100 reads per operation)",
              "cache:s3:",
              "cache:disk:",
              1,
              0.5);
      SplittableRandom random = new SplittableRandom(hot.size());
      int block = 100;
      Hash[] order = new Hash[block];
      for (int r = 0; r < turns; r++) {
        for (int i = 0; i < block; i++) {
          order[i] = hot.get(random.nextInt(hot.size()));
        }
        // Each side goes first every other turn: the second reads what the first brought into
        // the CPU's caches (the same hashes).
        boolean s3First = r % 2 == 0;
        long diskNanos = s3First ? 0 : timedReads(overDisk, order);
        long q0 = s3.requests();
        long s3Nanos = timedReads(overS3, order);
        long q1 = s3.requests();
        if (s3First) {
          diskNanos = timedReads(overDisk, order);
        }
        if (r >= turns / 5) {
          cached.add(Turns.OURS, s3Nanos, q1 - q0, block);
          cached.add(Turns.THEIRS, diskNanos, 0, block);
        }
      }
      System.out.println(cached.line());
    }
    // overS3 is not closed here: closing it would close the store, which its caller closes.
  }

  private static long timedReads(Backend store, Hash[] hashes) {
    long t0 = System.nanoTime();
    for (Hash hash : hashes) {
      store.read(hash).orElseThrow();
    }
    return System.nanoTime() - t0;
  }

  /** Writes a store of 1,000 packs, then opens it with fresh and with warm index caches. */
  private static void openWithPacks(S3Rig rig, Path work, S3Client sdk) throws Exception {
    String prefix = S3Rig.freshPrefix("open");
    Path writerCache = work.resolve("caches/open-writer");
    Workload small = new Workload(VALUE_SIZE, (long) OPEN_PACKS * 10, 7);
    try (S3Backend writer = S3Backend.open(rig.options(prefix, writerCache).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int p = 0; p < OPEN_PACKS; p++) {
          long first = (long) p * 10;
          done.add(pool.submit(() -> writer.writeBatch(batch(small, first, 10))));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      if (writer.packCount() != OPEN_PACKS) {
        throw new IllegalStateException(
            "the store has " + writer.packCount() + " packs, not " + OPEN_PACKS);
      }
    }
    long[] fresh = new long[OPENS];
    long[] freshRequests = new long[OPENS];
    long[] warm = new long[OPENS];
    long[] warmRequests = new long[OPENS];
    Path warmCache = work.resolve("caches/open-warm");
    for (int i = 0; i < OPENS; i++) {
      Path cache = i == 0 ? warmCache : work.resolve("caches/open-fresh-" + i);
      long t0 = System.nanoTime();
      try (S3Backend store = S3Backend.open(rig.options(prefix, cache).build())) {
        fresh[i] = System.nanoTime() - t0;
        freshRequests[i] = store.requests();
        check(store, small);
      }
    }
    for (int i = 0; i < OPENS; i++) {
      long t0 = System.nanoTime();
      try (S3Backend store = S3Backend.open(rig.options(prefix, warmCache).build())) {
        warm[i] = System.nanoTime() - t0;
        warmRequests[i] = store.requests();
        check(store, small);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "open with %d packs: fresh cache-dir %.0f ms (%d requests), warm cache-dir %.0f ms"
            + " (%d requests); medians of %d%n",
        OPEN_PACKS,
        median(fresh) / 1e6,
        median(freshRequests),
        median(warm) / 1e6,
        median(warmRequests),
        OPENS);
  }

  private static void check(S3Backend store, Workload small) {
    if (store.packCount() != OPEN_PACKS) {
      throw new IllegalStateException("opened with " + store.packCount() + " packs");
    }
    byte[] last = small.value(small.count() - 1);
    store.read(HashAlgorithm.SHA256.hash(last)).orElseThrow();
  }

  static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Objects {@code first} to {@code first + count - 1} of {@code workload}, keyed by SHA-256. */
  static Map<Hash, byte[]> batch(Workload workload, long first, int count) {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byte[] data = workload.value(first + i);
      batch.put(Hash.of(HashAlgorithm.SHA256, Workload.key(data)), data);
    }
    return batch;
  }

  /** The same objects, one after another in one array (what the raw side PUTs as one object). */
  static byte[] concatenated(Workload workload, long first, int count) {
    byte[] out = new byte[count * workload.valueSize()];
    for (int i = 0; i < count; i++) {
      System.arraycopy(
          workload.value(first + i), 0, out, i * workload.valueSize(), workload.valueSize());
    }
    return out;
  }
}
