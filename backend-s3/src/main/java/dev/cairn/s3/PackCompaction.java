package dev.cairn.s3;

import dev.cairn.spi.Compaction;
import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreIOException;
import dev.cairn.storage.PackIndex;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Compaction of an {@link S3Backend}: merges its packs, dropping the objects {@code keep} refuses
 * and duplicate copies, under a lease object so that one process compacts at a time.
 *
 * <p><b>Steps.</b> Take the lease ({@code gc/lease}, created with {@code If-None-Match} or taken
 * over with {@code If-Match} once expired). Delete what earlier runs and crashed writers left:
 * packs retired more than the grace period ago, and packs with no index whose last write is older
 * than the grace period. List the committed packs; copy the objects to keep into new packs, each
 * committed by its index before anything is retired; then retire each old pack (a {@code
 * retired/ID} marker, then deletion of its index). A retired pack's bytes stay for the grace
 * period, so a reader that still knows its old index finds them, and one that does not finds the
 * objects in the new packs.
 *
 * <p><b>Concurrent writers</b> are never affected: they write new packs, which this run neither
 * reads nor retires, so an object re-written while a compaction drops it is kept in its new pack.
 * <b>A crash</b> at any point leaves objects in old and new packs (harmless duplicates) or orphaned
 * packs (deleted by a later run); it never leaves an object without a committed copy.
 */
final class PackCompaction {
  static final String LEASE = "gc/lease";
  static final String RETIRED = "retired/";
  private static final Duration LEASE_TIME = Duration.ofMinutes(10);

  private final S3Backend store;
  private final Bucket bucket;
  private final IndexSet indexes;
  private final S3Options options;
  private final StoreContext context;

  PackCompaction(
      S3Backend store, Bucket bucket, IndexSet indexes, S3Options options, StoreContext context) {
    this.store = store;
    this.bucket = bucket;
    this.indexes = indexes;
    this.options = options;
    this.context = context;
  }

  synchronized Compaction.Result compact(Predicate<? super Hash> keep) {
    Lease lease = Lease.acquire(bucket, context);
    try {
      cleanUp();
      indexes.refresh(indexes.ticket());
      List<Pack> old = new ArrayList<>(indexes.packs());
      long bytesBefore = 0;
      for (Pack pack : old) {
        bytesBefore += pack.index().packLength();
      }
      Set<Hash> seen = new HashSet<>();
      Map<Hash, byte[]> buffer = new LinkedHashMap<>();
      long[] counts = new long[4]; // kept, dropped, bytes buffered, bytes after
      List<String> retired = new ArrayList<>();
      for (Pack pack : old) {
        PackIndex index = pack.index();
        boolean[] wanted = new boolean[index.size()];
        int wantedCount = 0;
        for (int i = 0; i < wanted.length; i++) {
          Hash hash = pack.hash(i);
          wanted[i] = seen.add(hash) && keep.test(hash);
          wantedCount += wanted[i] ? 1 : 0;
        }
        if (wantedCount == wanted.length && index.packLength() >= options.packSize() / 2) {
          counts[0] += wanted.length; // a large pack all of whose objects stay is left alone
          counts[3] += index.packLength();
          continue;
        }
        counts[0] += wantedCount;
        counts[1] += wanted.length - wantedCount;
        if (wantedCount > 0) {
          pack.forEach(
              (hash, data, offset) -> {
                if (!wanted[index.find(hash)]) {
                  return;
                }
                buffer.put(hash, data);
                counts[2] += data.length;
                if (counts[2] >= options.packSize()) {
                  counts[3] += flush(buffer);
                  counts[2] = 0;
                  lease.renewIfDue();
                }
              });
        }
        retired.add(pack.id());
      }
      long bytesAfter = counts[3] + flush(buffer);
      lease.renew(); // still ours: nobody else can be retiring the same packs
      for (String id : retired) {
        bucket.put(
            RETIRED + id, Long.toString(context.clock().millis()).getBytes(StandardCharsets.UTF_8));
        bucket.delete(IndexSet.indexKey(id));
      }
      indexes.remove(Set.copyOf(retired));
      return new Compaction.Result(counts[0], counts[1], bytesBefore, bytesAfter);
    } finally {
      lease.release();
    }
  }

  private long flush(Map<Hash, byte[]> buffer) {
    if (buffer.isEmpty()) {
      return 0;
    }
    long size = store.commit(Map.copyOf(buffer));
    buffer.clear();
    return size;
  }

  /**
   * Deletes retired packs whose grace period has passed, orphaned packs (no index) older than the
   * grace period, and markers whose pack is gone.
   */
  void cleanUp() {
    Instant horizon = context.clock().instant().minus(options.gcGrace());
    Set<String> indexed = new HashSet<>();
    for (Bucket.Listed index : bucket.list(IndexSet.INDEXES)) {
      indexed.add(stem(index.key().substring(IndexSet.INDEXES.length())));
    }
    Map<String, Instant> retired = new HashMap<>();
    for (Bucket.Listed marker : bucket.list(RETIRED)) {
      retired.put(marker.key().substring(RETIRED.length()), marker.lastModified());
    }
    Set<String> packs = new HashSet<>();
    for (Bucket.Listed pack : bucket.list(IndexSet.PACKS)) {
      String id = stem(pack.key().substring(IndexSet.PACKS.length()));
      packs.add(id);
      if (indexed.contains(id)) {
        continue;
      }
      Instant since = retired.getOrDefault(id, pack.lastModified());
      if (since.isBefore(horizon)) {
        bucket.delete(pack.key());
        packs.remove(id);
      }
    }
    retired.forEach(
        (id, when) -> {
          if (!packs.contains(id)) {
            bucket.delete(RETIRED + id);
          }
        });
  }

  private static String stem(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  /** The compaction lease: one holder at a time, taken over only once expired. */
  static final class Lease {
    private final Bucket bucket;
    private final StoreContext context;
    private final String owner = UUID.randomUUID().toString();
    private @Nullable String etag;
    private long expires;

    private Lease(Bucket bucket, StoreContext context) {
      this.bucket = bucket;
      this.context = context;
    }

    static Lease acquire(Bucket bucket, StoreContext context) {
      Lease lease = new Lease(bucket, context);
      byte[] body = lease.body();
      if (bucket.putIfAbsent(LEASE, body)) {
        lease.confirm(body);
        return lease;
      }
      Optional<Bucket.Blob> current = bucket.get(LEASE);
      if (current.isPresent()) {
        long until = until(current.get());
        if (until > context.clock().millis()) {
          throw new StoreIOException(
              bucket + ": compacting",
              Bucket.failure(
                  "another compaction holds the lease "
                      + LEASE
                      + " until "
                      + Instant.ofEpochMilli(until)));
        }
        String held = current.get().etag();
        if (held != null && bucket.putIfMatch(LEASE, body, held)) {
          lease.confirm(body);
          return lease;
        }
      } else if (bucket.putIfAbsent(LEASE, body)) {
        lease.confirm(body);
        return lease;
      }
      throw new StoreIOException(
          bucket + ": compacting",
          Bucket.failure("another compaction took the lease " + LEASE + " first"));
    }

    private static long until(Bucket.Blob blob) {
      String[] parts = new String(blob.data(), StandardCharsets.UTF_8).strip().split(" ");
      try {
        return parts.length == 3 ? Long.parseLong(parts[2]) : 0;
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    private byte[] body() {
      expires = context.clock().millis() + LEASE_TIME.toMillis();
      return ("lease " + owner + " " + expires + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void confirm(byte[] body) {
      Bucket.Blob blob = bucket.get(LEASE).orElseThrow(() -> lost("it vanished"));
      if (!Arrays.equals(blob.data(), body)) {
        throw lost("another process holds it");
      }
      etag = blob.etag();
    }

    void renewIfDue() {
      if (expires - context.clock().millis() < LEASE_TIME.toMillis() / 2) {
        renew();
      }
    }

    /** Extends the lease; throws if it is no longer ours (then nothing is retired). */
    void renew() {
      if (expires <= context.clock().millis()) {
        throw lost("it expired");
      }
      String held = etag;
      if (held == null) {
        throw lost("it was released");
      }
      byte[] body = body();
      if (!bucket.putIfMatch(LEASE, body, held)) {
        throw lost("another process took it over");
      }
      confirm(body);
    }

    void release() {
      if (etag != null) {
        try {
          bucket.putIfMatch(LEASE, ("lease none 0\n").getBytes(StandardCharsets.UTF_8), etag);
        } catch (StoreIOException e) {
          // Released or not, it expires on its own.
        }
        etag = null;
      }
    }

    private StoreIOException lost(String why) {
      return new StoreIOException(
          bucket + ": compacting", Bucket.failure("lost the lease " + LEASE + ": " + why));
    }
  }
}
