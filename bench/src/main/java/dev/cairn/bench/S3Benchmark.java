package dev.cairn.bench;

import dev.cairn.decorators.Decorators;
import dev.cairn.disk.DiskBackend;
import dev.cairn.disk.DiskOptions;
import dev.cairn.s3.S3Backend;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code s3:} store against the raw AWS SDK v2 on the same server, 1 KiB objects of the bench
 * {@link Workload}: durable ingest of one pack's worth of objects per operation ({@code
 * writeBatch}) against one PUT of as many bytes, point reads (indexes known) against a ranged GET
 * of 1 KiB, and reads of a hot set of 1,000 through {@code cache(max-bytes=64m)} over the store
 * against the same cache over a {@code disk:} store. Run by {@code bench/s3.sh}, which starts a
 * throwaway Ceph RGW; {@link S3Interleaved} gives the ratios a busy machine cannot tilt. At the end
 * of each trial it prints the requests the store sent per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class S3Benchmark {
  private static final int VALUE_SIZE = 1024;
  private static final int HOT_SET = 1_000;
  private static final long CACHE_BYTES = 64L << 20;

  /** The directory {@code rgw.sh start} wrote the server's endpoint and credentials into. */
  @Param("bench/target/rgw")
  public String rgw;

  /** A local directory for the index cache and the disk store. */
  @Param("bench/target/s3-work")
  public String work;

  /** The pack size of the store (its default), and the size of the raw side's objects. */
  @Param("16777216")
  public long packSize;

  private S3Backend store;
  private S3Client sdk;
  private Backend cachedS3;
  private Backend cachedDisk;
  private Map<Hash, byte[]> batch;
  private byte[] bytes;
  private Hash[] keys;
  private Hash[] hot;
  private final List<String> rawKeys = new ArrayList<>();
  private String rawPrefix;
  private final AtomicLong puts = new AtomicLong();
  private final RequestCounter counter = new RequestCounter();
  private long requestsAtStart;
  private final AtomicLong operations = new AtomicLong();

  /** Opens the store under a fresh prefix and writes two packs, and as many raw objects. */
  @Setup(Level.Trial)
  public void open() {
    S3Rig rig = S3Rig.read(Path.of(rgw));
    Path dir = Path.of(work);
    String prefix = S3Rig.freshPrefix("jmh");
    rawPrefix = S3Rig.freshPrefix("jmh-sdk");
    sdk = rig.client(counter, 16);
    S3Rig.createBucket(sdk);
    Directories.delete(dir.resolve("jmh-cache"));
    store =
        S3Backend.open(rig.options(prefix, dir.resolve("jmh-cache")).packSize(packSize).build());
    int perBatch = (int) (packSize / VALUE_SIZE);
    Workload workload = new Workload(VALUE_SIZE, Long.MAX_VALUE / 2, System.nanoTime());
    List<Hash> written = new ArrayList<>();
    for (int b = 0; b < 2; b++) {
      Map<Hash, byte[]> objects = S3Interleaved.batch(workload, (long) b * perBatch, perBatch);
      store.writeBatch(objects);
      written.addAll(objects.keySet());
      put(S3Interleaved.concatenated(workload, (long) (b + 2) * perBatch, perBatch));
    }
    keys = written.toArray(new Hash[0]);
    hot = written.subList(0, HOT_SET).toArray(new Hash[0]);
    batch = S3Interleaved.batch(workload, 4L * perBatch, perBatch);
    bytes = S3Interleaved.concatenated(workload, 5L * perBatch, perBatch);
    Path disk = dir.resolve("jmh-disk");
    Directories.delete(disk);
    cachedS3 = Decorators.cacheByBytes(store, CACHE_BYTES);
    cachedDisk =
        Decorators.cacheByBytes(
            DiskBackend.open(
                disk,
                DiskOptions.builder()
                    .fsync(DiskOptions.Fsync.ALWAYS)
                    .hashAlgorithm(HashAlgorithm.SHA256)
                    .build()),
            CACHE_BYTES);
    for (Hash hash : hot) {
      cachedDisk.write(hash, cachedS3.read(hash).orElseThrow());
      cachedDisk.read(hash).orElseThrow();
    }
    requestsAtStart = store.requests();
  }

  private void put(byte[] data) {
    String key = rawPrefix + "/object-" + puts.incrementAndGet();
    sdk.putObject(
        b -> b.bucket(S3Rig.BUCKET).key(key).contentLength((long) data.length), S3Rig.body(data));
    synchronized (rawKeys) {
      if (rawKeys.size() < 2) {
        rawKeys.add(key);
      }
    }
  }

  /** Durable ingest through the store: one writeBatch of one pack's worth of objects. */
  @Benchmark
  public void ingestS3() {
    store.writeBatch(batch);
    operations.incrementAndGet();
  }

  /** Durable ingest by hand: one PUT of as many bytes. */
  @Benchmark
  public void ingestSdk() {
    put(bytes);
  }

  /** A point read of a present object through the store, its index known. */
  @Benchmark
  public byte[] readS3() {
    operations.incrementAndGet();
    return store.read(keys[ThreadLocalRandom.current().nextInt(keys.length)]).orElseThrow();
  }

  /** A point read by hand: a ranged GET of 1 KiB of a raw object. */
  @Benchmark
  public byte[] readSdk() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String key = rawKeys.get(random.nextInt(rawKeys.size()));
    long offset = (long) random.nextInt((int) (packSize / VALUE_SIZE)) * VALUE_SIZE;
    String range = "bytes=" + offset + "-" + (offset + VALUE_SIZE - 1);
    return sdk.getObjectAsBytes(b -> b.bucket(S3Rig.BUCKET).key(key).range(range))
        .asByteArrayUnsafe();
  }

  /** A read of the hot set through cache(max-bytes=64m) over the store. */
  @Benchmark
  public byte[] cachedReadS3() {
    operations.incrementAndGet();
    return cachedS3.read(hot[ThreadLocalRandom.current().nextInt(hot.length)]).orElseThrow();
  }

  /** A read of the hot set through cache(max-bytes=64m) over a disk store. */
  @Benchmark
  public byte[] cachedReadDisk() {
    return cachedDisk.read(hot[ThreadLocalRandom.current().nextInt(hot.length)]).orElseThrow();
  }

  /** Prints the store's requests per operation (if it was measured), then closes everything. */
  @TearDown(Level.Trial)
  public void close() {
    long ops = operations.get();
    if (ops > 0) {
      System.out.printf(
          "%nrequests by the store per operation: %.3f (%d operations)%n",
          (double) (store.requests() - requestsAtStart) / ops, ops);
    }
    cachedDisk.close();
    cachedS3.close();
    sdk.close();
  }
}
