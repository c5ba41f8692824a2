package dev.cairn.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
