package dev.cairn.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
      assertThat(store.read(other)).hasValueSatisfying(
          b -> assertThat(b).isEqualTo(batch.get(other)));
      assertThat(store.requests() - before).as("requests for a point read").isEqualTo(1);
    }
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).build())) {
      assertThat(store.read(single)).hasValueSatisfying(
          b -> assertThat(new String(b, java.nio.charset.StandardCharsets.UTF_8))
              .isEqualTo("one object"));
      batch.forEach((h, d) -> assertThat(store.exists(h)).isTrue());
      assertThat(store.getRef("refs/heads/gone")).isEmpty();
      var result = store.compact(h -> !h.equals(single));
      assertThat(result.dropped()).isEqualTo(1);
      assertThat(store.read(single)).isEmpty();
      assertThat(store.packCount()).isEqualTo(1);
      batch.entrySet().stream().limit(50).forEach(e -> assertThat(store.read(e.getKey()))
          .hasValueSatisfying(b -> assertThat(b).isEqualTo(e.getValue())));
    }
  }

  /**
   * A pack with a dictionary: its head is fetched with its index (one ranged GET, once), so a
   * point read is one ranged GET of the record also in a process that did not write the pack
   * (another cache directory), and compression makes small documents smaller than raw.
   */
  @Test
  void aPointReadIsOneRangedGetAlsoFromAPackWithADictionaryOpenedElsewhere(
      @TempDir Path elsewhere) throws Exception {
    String prefix = Rgw.freshPrefix("dictionary");
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < 2000; i++) {
      byte[] data = Rgw.utf8("{\"id\": " + i + ", \"author\": \"user" + (i % 17)
          + "@example.org\", \"state\": \"" + (i % 3 == 0 ? "open" : "closed")
          + "\", \"labels\": [\"area/" + (i % 5) + "\"], \"parent\": \""
          + Integer.toHexString(i * 7919) + "\"}\n");
      batch.put(HashAlgorithm.SHA256.hash(data), data);
    }
    long payload = batch.values().stream().mapToLong(b -> b.length).sum();
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).build())) {
      store.writeBatch(batch);
    }
    try (S3Backend store = S3Backend.open(Rgw.get().options(prefix).cacheDir(elsewhere)
        .build())) {
      assertThat(store.packCount()).isEqualTo(1);
      assertThat(elsewhere.resolve(Files.list(elsewhere).filter(p -> p.toString()
          .endsWith(".head")).findFirst().orElseThrow(() -> new AssertionError(
          "no pack head cached: the pack has no dictionary")))).exists();
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
      System.out.printf("s3 pack of %d small documents (%d payload bytes): %d bytes stored"
          + " (%.1f per object, %.2f of the payload); %d GETs for %d point reads%n",
          batch.size(), payload, stored, (double) stored / batch.size(),
          (double) stored / payload, requests, 50);
      assertThat(stored).as("pack and index bytes").isLessThan(payload);
    }
  }

  /** The bytes of the packs and indexes of the store at {@code prefix}. */
  private static long storedBytes(String prefix) {
    try (var client = Rgw.get().client()) {
      return client.listObjectsV2Paginator(b -> b.bucket(Rgw.BUCKET).prefix(prefix + "/"))
          .contents().stream()
          .filter(o -> o.key().contains("/packs/") || o.key().contains("/indexes/"))
          .mapToLong(o -> o.size()).sum();
    }
  }
}
