package dev.cairn.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Compaction;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithms;
import dev.cairn.spi.StoreContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The store's basic promises against the build's RGW, in seconds. */
class S3StoreIT {
  @Test
  void objectsRefsAndCompactionSurviveReopen() {
    String prefix = Rgw.freshPrefix("store");
    Hash single;
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).build())) {
      single = store.put(Rgw.utf8("one object"));
      for (int i = 0; i < 1000; i++) {
        byte[] data = Rgw.utf8("object " + i);
        batch.put(HashAlgorithm.SHA256.hash(data), data);
      }
      long before = store.requests();
      store.writeBatch(batch);
      assertThat(store.requests() - before).as("requests for a batch of 1000").isEqualTo(2);
      assertThat(store.testAndSetRef("refs/heads/main", null, single)).isTrue();
      assertThat(store.testAndSetRef("refs/heads/main", null, single)).isFalse();
      Hash other = batch.keySet().iterator().next();
      assertThat(store.testAndSetRef("refs/heads/main", single, other)).isTrue();
      assertThat(store.testAndSetRef("refs/heads/gone", null, other)).isTrue();
      assertThat(store.testAndSetRef("refs/heads/gone", other, null)).isTrue();
      assertThat(store.listRefs()).containsExactly("refs/heads/main");
      before = store.requests();
      assertThat(store.read(other))
          .hasValueSatisfying(b -> assertThat(b).isEqualTo(batch.get(other)));
      assertThat(store.requests() - before).as("requests for a point read").isEqualTo(1);
    }
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).build())) {
      assertThat(store.read(single))
          .hasValueSatisfying(
              b ->
                  assertThat(new String(b, java.nio.charset.StandardCharsets.UTF_8))
                      .isEqualTo("one object"));
      batch.forEach((h, d) -> assertThat(store.exists(h)).isTrue());
      assertThat(store.getRef("refs/heads/gone")).isEmpty();
      var result = store.compact(h -> !h.equals(single));
      assertThat(result.dropped()).isEqualTo(1);
      assertThat(store.read(single)).isEmpty();
      assertThat(store.packCount()).isEqualTo(1);
      batch.entrySet().stream()
          .limit(50)
          .forEach(
              e ->
                  assertThat(store.read(e.getKey()))
                      .hasValueSatisfying(b -> assertThat(b).isEqualTo(e.getValue())));
    }
  }

  /**
   * A pack with a dictionary: its head is fetched with its index (one ranged GET, once), so a point
   * read is one ranged GET of the record also in a process that did not write the pack (another
   * cache directory), and compression makes small documents smaller than raw.
   */
  @Test
  void aPointReadIsOneRangedGetAlsoFromAPackWithADictionaryOpenedElsewhere(@TempDir Path elsewhere)
      throws Exception {
    String prefix = Rgw.freshPrefix("dictionary");
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < 2000; i++) {
      byte[] data =
          Rgw.utf8(
              "{\"id\": "
                  + i
                  + ", \"author\": \"user"
                  + (i % 17)
                  + "@example.org\", \"state\": \""
                  + (i % 3 == 0 ? "open" : "closed")
                  + "\", \"labels\": [\"area/"
                  + (i % 5)
                  + "\"], \"parent\": \""
                  + Integer.toHexString(i * 7919)
                  + "\"}\n");
      batch.put(HashAlgorithm.SHA256.hash(data), data);
    }
    long payload = batch.values().stream().mapToLong(b -> b.length).sum();
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).build())) {
      store.writeBatch(batch);
    }
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).cacheDir(elsewhere).build())) {
      assertThat(store.packCount()).isEqualTo(1);
      assertThat(
              elsewhere.resolve(
                  Files.list(elsewhere)
                      .filter(p -> p.toString().endsWith(".head"))
                      .findFirst()
                      .orElseThrow(
                          () ->
                              new AssertionError(
                                  "no pack head cached: the pack has no dictionary"))))
          .exists();
      long before = store.requests();
      int reads = 0;
      for (Map.Entry<Hash, byte[]> e : batch.entrySet()) {
        if (reads++ % 40 == 0) {
          assertThat(store.read(e.getKey())).hasValue(e.getValue());
        }
      }
      long requests = store.requests() - before;
      assertThat(requests).as("requests for %d point reads", 50).isEqualTo(50);
      long stored = storedBytes(prefix);
      System.out.printf(
          "s3 pack of %d small documents (%d payload bytes): %d bytes stored"
              + " (%.1f per object, %.2f of the payload); %d GETs for %d point reads%n",
          batch.size(),
          payload,
          stored,
          (double) stored / batch.size(),
          (double) stored / payload,
          requests,
          50);
      assertThat(stored).as("pack and index bytes").isLessThan(payload);
    }
  }

  /**
   * RGW answers 500 (ECANCELED) to a conditional PUT that races another write on the same key; that
   * answer used to fail the CAS with a StoreIOException. It is a conflict, tried again.
   */
  @Test
  void casRacesOfEightThreadsOnOneRefHaveOneWinnerPerRoundThoughRgwCancelsRacingWrites()
      throws Exception {
    int threads = 8;
    int rounds = 60;
    try (S3Backend store =
        S3Backend.open(
            Rgw.get().options(Rgw.freshPrefix("cas-race")).connections(threads).build())) {
      List<Hash> values = new ArrayList<>();
      for (int i = 0; i <= threads * rounds; i++) {
        values.add(HashAlgorithm.SHA256.hash(Rgw.utf8("value " + i)));
      }
      String ref = "refs/heads/main";
      store.setRef(ref, values.get(0));
      AtomicInteger[] winners = new AtomicInteger[rounds];
      for (int r = 0; r < rounds; r++) {
        winners[r] = new AtomicInteger();
      }
      Map<Integer, Hash> won = new ConcurrentHashMap<>();
      CyclicBarrier barrier = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          running.add(
              pool.submit(
                  () -> {
                    for (int r = 0; r < rounds; r++) {
                      barrier.await(60, TimeUnit.SECONDS);
                      Hash mine = values.get(1 + r * threads + thread);
                      if (store.testAndSetRef(ref, r == 0 ? values.get(0) : won.get(r - 1), mine)) {
                        winners[r].incrementAndGet();
                        won.put(r, mine);
                      }
                      barrier.await(60, TimeUnit.SECONDS);
                    }
                    return null;
                  }));
        }
        for (Future<?> future : running) {
          future.get(5, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      for (int r = 0; r < rounds; r++) {
        assertThat(winners[r]).as("winners of round %d", r).hasValue(1);
      }
      assertThat(store.getRef(ref)).contains(won.get(rounds - 1));
    }
  }

  /**
   * Packs a crashed writer left (PUT, but never committed by an index) are deleted by the
   * compaction's lease run once older than the grace period, while a younger one is kept (its
   * writer may be about to commit it) and committed packs stay readable. The two orphans are
   * uploaded by hand, as a writer killed between its pack and its index leaves them; the run's
   * clock is set so that the grace horizon falls between their server-side times.
   */
  @Test
  void orphanedPacksOlderThanTheGracePeriodAreDeletedByCompactionAndYoungerOnesKept()
      throws Exception {
    String prefix = Rgw.freshPrefix("orphans");
    Duration grace = Duration.ofHours(1);
    Hash committed;
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).build())) {
      committed = store.put(Rgw.utf8("a committed object"));
    }
    String oldPack = Pack.key(S3Backend.newPackId(System.currentTimeMillis()));
    String youngPack = Pack.key(S3Backend.newPackId(System.currentTimeMillis()));
    Instant oldTime;
    Instant youngTime;
    try (S3Client client = Rgw.get().client()) {
      client.putObject(
          b -> b.bucket(Rgw.BUCKET).key(prefix + "/" + oldPack),
          RequestBody.fromBytes(Rgw.utf8("an orphaned pack of a crashed writer")));
      oldTime = lastModified(client, prefix + "/" + oldPack);
      // Upload the young one until the server gives it a later time than the old one.
      youngTime = oldTime;
      for (int attempt = 0; !youngTime.isAfter(oldTime); attempt++) {
        assertThat(attempt).as("uploads of the young orphan").isLessThan(100);
        Thread.sleep(200);
        client.putObject(
            b -> b.bucket(Rgw.BUCKET).key(prefix + "/" + youngPack),
            RequestBody.fromBytes(Rgw.utf8("a pack a writer is about to commit")));
        youngTime = lastModified(client, prefix + "/" + youngPack);
      }
    }
    // The horizon (now - grace) lies between the two: the old orphan is past it, the young not.
    Instant now =
        youngTime.plus(grace).minusMillis(Duration.between(oldTime, youngTime).toMillis() / 2);
    StoreContext at =
        new StoreContext() {
          @Override
          public HashAlgorithms hashAlgorithms() {
            return StoreContext.standard().hashAlgorithms();
          }

          @Override
          public ScheduledExecutorService scheduler() {
            return StoreContext.standard().scheduler();
          }

          @Override
          public Clock clock() {
            return Clock.fixed(now, ZoneOffset.UTC);
          }
        };
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).gcGrace(grace).build(), at)) {
      Compaction.Result result = store.compact(h -> true);
      assertThat(result.dropped()).isZero();
      List<String> packs = packKeys(prefix);
      assertThat(packs)
          .as("packs after the compaction")
          .doesNotContain(oldPack)
          .contains(youngPack);
      assertThat(store.read(committed)).hasValue(Rgw.utf8("a committed object"));
    }
  }

  /** The time of {@code key} as a listing gives it, which is what compaction goes by. */
  private static Instant lastModified(S3Client client, String key) {
    return client.listObjectsV2(b -> b.bucket(Rgw.BUCKET).prefix(key)).contents().stream()
        .filter(o -> o.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError(key + " is not listed"))
        .lastModified();
  }

  /** The keys, relative to the prefix, of the packs of the store at {@code prefix}. */
  private static List<String> packKeys(String prefix) {
    try (S3Client client = Rgw.get().client()) {
      return client
          .listObjectsV2Paginator(b -> b.bucket(Rgw.BUCKET).prefix(prefix + "/" + IndexSet.PACKS))
          .contents()
          .stream()
          .map(o -> o.key().substring(prefix.length() + 1))
          .toList();
    }
  }

  /**
   * Enumeration learns every object's size from the index objects, so a store that knows its
   * indexes enumerates packs of compressed records (whose record lengths are not the sizes) with
   * one listing and no GET, from another process's cache directory as well.
   */
  @Test
  void forEachObjectReadsNoPackAndReportsEveryObjectsSize(@TempDir Path elsewhere) {
    String prefix = Rgw.freshPrefix("enumerate");
    Map<Hash, Long> sizes = new LinkedHashMap<>();
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).build())) {
      for (int pack = 0; pack < 3; pack++) {
        Map<Hash, byte[]> batch = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
          byte[] data = Rgw.utf8(("document " + pack + "/" + i + " ").repeat(1 + i % 40));
          batch.put(HashAlgorithm.SHA256.hash(data), data);
          sizes.put(HashAlgorithm.SHA256.hash(data), (long) data.length);
        }
        store.writeBatch(batch);
      }
    }
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).cacheDir(elsewhere).build())) {
      assertThat(store.packCount()).isEqualTo(3);
      Map<Hash, Long> visited = new LinkedHashMap<>();
      long before = store.requests();
      store.forEachObject(o -> visited.put(o.hash(), o.size()));
      assertThat(store.requests() - before)
          .as("requests of an enumeration (the listing)")
          .isEqualTo(1);
      assertThat(visited).isEqualTo(sizes);
    }
  }

  /** The bytes of the packs and indexes of the store at {@code prefix}. */
  private static long storedBytes(String prefix) {
    try (var client = Rgw.get().client()) {
      return client
          .listObjectsV2Paginator(b -> b.bucket(Rgw.BUCKET).prefix(prefix + "/"))
          .contents()
          .stream()
          .filter(o -> o.key().contains("/packs/") || o.key().contains("/indexes/"))
          .mapToLong(o -> o.size())
          .sum();
    }
  }
}
