package dev.cairn.s3;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoredObject;
import dev.cairn.storage.PackIndex;
import dev.cairn.storage.PackOptions;
import dev.cairn.storage.PackWriter;
import dev.cairn.storage.RecordCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A store on S3-compatible object storage (AWS S3, Ceph RGW): {@code s3:BUCKET[/PREFIX]}.
 *
 * <p><b>Layout</b> under the prefix: {@code cairn-store} (the store's hash algorithm, written
 * once), {@code packs/ID.pack} (write-once packs of objects), {@code indexes/ID.idx} (one per pack:
 * its commit point), both in the {@code cairn-storage} pack and index format with records
 * compressed as {@link S3Options#compression()} says (each index followed by its objects' sizes,
 * see {@link IndexObject}), {@code refs/NAME} (one per ref), {@code gc/lease} and {@code
 * retired/ID} (compaction).
 *
 * <p><b>Durability.</b> {@code write} and {@code writeBatch} return after the pack and then its
 * index were PUT: durable, and visible to every process. A batch is one pack and one index (two
 * requests whatever its size, up to 2 GiB), so it is all-or-nothing: a pack without its index is
 * never read, and is deleted by compaction once older than the GC grace period.
 *
 * <p><b>Reads.</b> Indexes are kept in a local cache directory and memory-mapped (with the head of
 * each pack that has a zstd dictionary); a read of a known object is one ranged GET of exactly its
 * record, whose CRC32C and lengths are checked before it is returned: damaged bytes are a {@link
 * CorruptionException}, never served. A read or {@code exists} that misses lists the indexes once
 * (concurrent misses share one listing) before answering absent, so an object committed by another
 * process before the miss is found. {@link #forEachObject} reads the indexes only: each index
 * object holds the payload size of each of its objects beside the record locations ({@link
 * IndexObject}), so enumeration sends no request for a known index and one GET per index not yet
 * known, never a pack (only a pack whose index was written before sizes were kept is read whole,
 * once per enumeration). Reading an object checks it.
 *
 * <p><b>Refs</b> are linearizable across processes by conditional PUTs (see {@link RefStore});
 * opening refuses a server that does not enforce them ({@link ConditionalWriteProbe}).
 *
 * <p><b>Thread-safety.</b> Safe for any number of threads, and any number of processes on any
 * number of machines sharing the bucket and prefix. Compaction ({@link #compact}) takes a lease
 * object, so one process compacts at a time.
 *
 * <p><b>Errors.</b> A failed request is a {@link StoreIOException} of one line naming the store and
 * what failed (missing bucket, rejected credentials, unreachable endpoint, throttling after the
 * SDK's retries); a server that fails the probe or a hash mismatch is a {@link
 * StoreConfigurationException}. Nothing acknowledged is lost by either.
 */
public final class S3Backend extends AbstractBackend implements ObjectEnumeration, Compaction {
  static final String DESCRIPTOR = "cairn-store";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final S3Options options;
  private final Bucket bucket;
  private final PackOptions packOptions;
  private final IndexSet indexes;
  private final RefStore refs;
  private final ExecutorService loaders;
  private final PackCompaction compaction;

  /**
   * The pack buffer of the last commit, for the next (null while a commit holds it): kept if at
   * most {@link #spareLimit} bytes, a little over one pack of the store's pack size.
   */
  private final AtomicReference<byte[]> spare = new AtomicReference<>();

  private final long spareLimit;

  private S3Backend(
      S3Options options,
      HashAlgorithm algorithm,
      Bucket bucket,
      Path cacheDir,
      ExecutorService loaders,
      StoreContext context) {
    super(
        options.toString(),
        algorithm,
        EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS, Capability.PERSISTENT));
    this.options = options;
    this.bucket = bucket;
    this.packOptions = PackOptions.of(options.compression());
    this.loaders = loaders;
    this.indexes = new IndexSet(bucket, algorithm, cacheDir, loaders);
    this.refs = new RefStore(bucket, algorithm);
    this.compaction = new PackCompaction(this, bucket, indexes, options, context);
    this.spareLimit =
        options.packSize() + (options.packSize() >> 4) + packOptions.dictionaryBytes();
  }

  /**
   * Opens (creating if needed) the store {@code options} describe, with the standard hash
   * algorithms.
   *
   * @throws StoreIOException naming the failure if the bucket cannot be reached or read
   * @throws StoreConfigurationException if the server fails the conditional-write probe, or the
   *     store's hash algorithm is not the one asked for
   */
  public static S3Backend open(S3Options options) {
    return open(options, StoreContext.standard());
  }

  /** As {@link #open(S3Options)}, resolving hash names and time through {@code context}. */
  static S3Backend open(S3Options options, StoreContext context) {
    requireNonNull(options, "options");
    requireNonNull(context, "context");
    S3Client client = client(options);
    Bucket bucket = new Bucket(client, options.bucket(), options.prefix(), options.toString());
    ExecutorService loaders = null;
    try {
      bucket.check();
      if (options.probe()) {
        ConditionalWriteProbe.run(bucket);
      }
      HashAlgorithm algorithm = descriptor(bucket, options, context);
      Path cacheDir = cacheDir(options);
      int threads = Math.min(options.connections(), 16);
      loaders =
          Executors.newFixedThreadPool(
              threads,
              r -> {
                Thread t = new Thread(r, "cairn-s3-index-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      S3Backend store = new S3Backend(options, algorithm, bucket, cacheDir, loaders, context);
      store.indexes.refresh(store.indexes.ticket());
      return store;
    } catch (RuntimeException e) {
      if (loaders != null) {
        loaders.shutdownNow();
      }
      bucket.close();
      throw e;
    }
  }

  /**
   * A builder of the client the store makes for {@code options}: its HTTP connection pool,
   * timeouts, retries, credentials, endpoint and region, and what S3-compatible servers need
   * (checksums only where an operation requires one, no chunked signing). Public for what talks to
   * the same server beside a store, such as a benchmark's raw-SDK baseline or a test's bucket
   * set-up, so that it is configured as the store is; of the options it reads only those.
   *
   * @throws SdkException if the SDK refuses the configuration
   */
  public static S3ClientBuilder clientBuilder(S3Options options) {
    requireNonNull(options, "options");
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .maxConnections(options.connections())
                    .connectionTimeout(Duration.ofSeconds(3))
                    .socketTimeout(Duration.ofSeconds(30))
                    .connectionAcquisitionTimeout(Duration.ofSeconds(60)))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .serviceConfiguration(
                S3Configuration.builder()
                    .pathStyleAccessEnabled(options.pathStyle())
                    // A zero-byte body fails under chunked signing on RGW; plain signing is
                    // enough.
                    .chunkedEncodingEnabled(false)
                    .build())
            .overrideConfiguration(
                o ->
                    o.apiCallTimeout(Duration.ofMinutes(5))
                        .apiCallAttemptTimeout(Duration.ofSeconds(60))
                        // Standard retries with backoff: 5xx, SlowDown and throttling, connection
                        // errors.
                        .retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(6)
                                .build()))
            .credentialsProvider(credentials(options));
    options.endpoint().ifPresent(builder::endpointOverride);
    if (options.region().isPresent()) {
      builder.region(Region.of(options.region().get()));
    } else if (options.endpoint().isPresent()) {
      builder.region(Region.US_EAST_1); // S3-compatible servers accept any region
    }
    return builder;
  }

  private static S3Client client(S3Options options) {
    try {
      return clientBuilder(options).build();
    } catch (SdkException e) {
      throw new StoreConfigurationException(
          options + ": cannot configure the S3 client: " + Bucket.explain(e), e);
    }
  }

  private static AwsCredentialsProvider credentials(S3Options options) {
    if (options.accessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(options.accessKey().get(), options.secretKey().orElseThrow()));
    }
    if (options.profile().isPresent()) {
      return ProfileCredentialsProvider.create(options.profile().get());
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** Reads the store's descriptor, writing it first (once, by whoever wins) for a new store. */
  private static HashAlgorithm descriptor(Bucket bucket, S3Options options, StoreContext context) {
    Optional<Bucket.Blob> blob = bucket.get(DESCRIPTOR);
    if (blob.isEmpty()) {
      HashAlgorithm algorithm = options.hashAlgorithm().orElse(HashAlgorithm.SHA256);
      String text = "cairn s3 store\nformat 1\nhash " + algorithm.name() + "\n";
      bucket.putIfAbsent(DESCRIPTOR, text.getBytes(StandardCharsets.UTF_8));
      blob = bucket.get(DESCRIPTOR);
      if (blob.isEmpty()) {
        throw new StoreIOException(
            bucket + ": writing " + DESCRIPTOR,
            Bucket.failure("the descriptor just written cannot be read back"));
      }
    }
    String text = new String(blob.get().data(), StandardCharsets.UTF_8);
    String name = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("hash ")) {
        name = line.substring("hash ".length()).strip();
      }
    }
    if (!text.startsWith("cairn s3 store\nformat 1\n") || name == null) {
      throw new CorruptionException(
          bucket + " " + DESCRIPTOR, 0, "not a Cairn s3 store descriptor (format 1)");
    }
    HashAlgorithm algorithm = context.hashAlgorithm(name);
    if (options.hashAlgorithm().isPresent()
        && !options.hashAlgorithm().get().name().equals(algorithm.name())) {
      throw new StoreConfigurationException(
          String.format(
              "%s holds %s hashes, but hash=%s was asked for",
              bucket, algorithm.name(), options.hashAlgorithm().get().name()));
    }
    return algorithm;
  }

  private static Path cacheDir(S3Options options) {
    Path dir =
        options
            .cacheDir()
            .orElseGet(
                () -> {
                  String identity =
                      options.endpoint().map(Object::toString).orElse("aws")
                          + "|"
                          + options.bucket()
                          + "|"
                          + options.prefix();
                  String digest =
                      HashAlgorithm.SHA256
                          .hash(identity.getBytes(StandardCharsets.UTF_8))
                          .toHex()
                          .substring(0, 16);
                  return Path.of(
                      System.getProperty("java.io.tmpdir"),
                      "cairn-s3-indexes",
                      options.bucket() + "-" + digest);
                });
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StoreIOException(options + ": creating the index cache directory " + dir, e);
    }
  }

  /** A new pack identifier: time-ordered (newest sorts last), then random. */
  static String newPackId(long millis) {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return String.format("%013x-%s", millis, HexFormat.of().formatHex(random));
  }

  /** The number of requests this store has sent (for benchmarks and tests). */
  public long requests() {
    return bucket.requests();
  }

  /** The number of committed packs known now. */
  public int packCount() {
    return indexes.packs().size();
  }

  // ---- objects --------------------------------------------------------------------------------

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    long ticket = indexes.ticket();
    Optional<IndexSet.Located> at = indexes.find(hash);
    if (at.isEmpty()) {
      indexes.refresh(ticket);
      at = indexes.find(hash);
      if (at.isEmpty()) {
        return Optional.empty();
      }
    }
    Optional<byte[]> data = readAt(at.get(), hash);
    if (data.isPresent()) {
      return data;
    }
    // The pack is gone: a compaction retired it and its grace period passed. The object is in
    // the pack that replaced it, which a refresh finds.
    indexes.refresh(ticket);
    Optional<IndexSet.Located> again = indexes.find(hash);
    if (again.isEmpty()) {
      return Optional.empty();
    }
    Pack pack = again.get().pack();
    return Optional.of(
        readAt(again.get(), hash)
            .orElseThrow(
                () ->
                    new CorruptionException(
                        pack.name(),
                        pack.index().offset(again.get().entry()),
                        "the pack of " + hash + " is listed by its index but does not exist")));
  }

  /** The object from its pack: one ranged GET; empty if the pack no longer exists. */
  private Optional<byte[]> readAt(IndexSet.Located at, Hash hash) {
    Pack pack = at.pack();
    return pack.read(indexes.reader(pack), hash);
  }

  @Override
  protected boolean containsObject(Hash hash) {
    long ticket = indexes.ticket();
    if (indexes.find(hash).isPresent()) {
      return true;
    }
    indexes.refresh(ticket);
    return indexes.find(hash).isPresent();
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    writeObjects(Map.of(hash, data));
  }

  @Override
  protected void writeObjects(Map<Hash, byte[]> objects) {
    commit(objects);
  }

  /**
   * Writes {@code objects} as one pack in the {@code cairn-storage} format, then its index: the
   * commit. Returns the length of the pack and its index.
   *
   * @throws IllegalArgumentException if the objects do not fit one pack (2 GiB)
   */
  long commit(Map<Hash, byte[]> objects) {
    long bound = 32 + packOptions.dictionaryBytes(); // header, dictionary, CRCs, trailer
    for (byte[] data : objects.values()) {
      bound += data.length + RecordCodec.RAW_OVERHEAD;
    }
    if (bound > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException(
          "a batch of " + bound + " bytes does not fit one pack (at most 2 GiB)");
    }
    // Sized to the bound, so the pack is never copied into a larger buffer, nor out of this one;
    // the last commit's buffer if it is large enough (no 16 MiB to allocate and clear per batch).
    byte[] reused = spare.getAndSet(null);
    Buffer pack =
        new Buffer(reused != null && reused.length >= bound ? reused : new byte[(int) bound]);
    try {
      return commit(objects, pack);
    } finally {
      if (pack.array().length <= spareLimit) {
        spare.set(pack.array());
      }
    }
  }

  private long commit(Map<Hash, byte[]> objects, Buffer pack) {
    ByteArrayOutputStream index = new ByteArrayOutputStream();
    try {
      PackWriter writer = PackWriter.create(pack, hashAlgorithm(), packOptions);
      for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
        writer.add(e.getKey(), e.getValue());
      }
      writer.finish(index);
    } catch (IOException e) {
      throw new IllegalStateException("a pack written to memory failed", e);
    }
    String id = newPackId(System.currentTimeMillis());
    String indexKey = IndexSet.indexKey(id);
    byte[] packIndex = index.toByteArray();
    // The index object is made and cached on another thread while the pack is PUT: the CPU
    // spent on it then costs no time the commit waits for.
    Callable<Staged> staging =
        () -> {
          byte[] indexObject = IndexObject.encode(packIndex, objects, indexKey);
          return new Staged(indexObject, indexes.prepare(id, indexObject, pack.array()));
        };
    Future<Staged> staged = stage(staging);
    Staged ready;
    try {
      bucket.put(Pack.key(id), pack.array(), pack.size());
      ready = IndexSet.await(staged, "committing a pack");
      // The commit point, written only after the pack is durable.
      bucket.put(indexKey, ready.indexObject());
    } catch (RuntimeException | Error e) {
      try {
        IndexSet.await(staged, "committing a pack"); // so that nothing is cached after the discard
      } catch (RuntimeException | Error ignored) {
        // The commit failed already; this is only its staging.
      }
      indexes.discard(id);
      throw e;
    }
    indexes.publish(ready.pack());
    return pack.size() + (long) ready.indexObject().length;
  }

  /** A pack's index object and the pack readied with it, not yet known to lookups. */
  private record Staged(byte[] indexObject, Pack pack) {}

  /** Runs {@code staging} on the store's threads, or here if they take no more work (closed). */
  private Future<Staged> stage(Callable<Staged> staging) {
    try {
      return loaders.submit(staging);
    } catch (RejectedExecutionException e) {
      FutureTask<Staged> here = new FutureTask<>(staging);
      here.run();
      return here;
    }
  }

  /** A byte stream whose bytes are read in place: the first {@link #size()} of {@link #array()}. */
  private static final class Buffer extends ByteArrayOutputStream {
    /** A stream into {@code array}, from its start. */
    Buffer(byte[] array) {
      super(0);
      buf = array;
    }

    byte[] array() {
      return buf;
    }
  }

  @Override
  public void forEachObject(Consumer<? super StoredObject> visitor) {
    checkOpen("forEachObject");
    indexes.refresh(indexes.ticket());
    for (Pack pack : indexes.packs()) {
      String location = this + "/" + pack.key();
      if (pack.hasSizes()) {
        PackIndex index = pack.index();
        for (int i = 0; i < index.size(); i++) {
          visitor.accept(
              new StoredObject(pack.hash(i), pack.size(i), location + "@" + index.offset(i)));
        }
      } else {
        pack.forEach(
            (hash, data, offset) ->
                visitor.accept(new StoredObject(hash, data.length, location + "@" + offset)));
      }
    }
  }

  @Override
  public Result compact(Predicate<? super Hash> keep) {
    requireNonNull(keep, "keep");
    checkOpen("compact");
    return compaction.compact(keep);
  }

  // ---- refs -----------------------------------------------------------------------------------

  @Override
  protected Optional<Hash> readRef(String name) {
    return refs.get(name);
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    refs.set(name, hash);
  }

  @Override
  protected boolean compareAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
    return refs.compareAndSet(name, expected, replacement);
  }

  @Override
  protected List<String> refNames() {
    return refs.names();
  }

  @Override
  protected void closeStore() {
    loaders.shutdownNow();
    bucket.close();
  }

  /** The options this store was opened with. */
  S3Options options() {
    return options;
  }
}
