package dev.cairn.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.decorators.Decorators;
import dev.cairn.decorators.LayeredStore;
import dev.cairn.disk.DiskBackend;
import dev.cairn.disk.DiskOptions;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GarbageCollection.Mode;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The natural deployment: {@code layered(upper=disk:..., lower=s3:...)}, whose collection archives
 * the objects no ref reaches from the local disk into object storage (as durable batches keyed by
 * hash: packs and their indexes) before it drops them from the disk, in a few requests whatever the
 * number of objects.
 */
class S3LayeredGcIT {
  @TempDir Path upper;
  @TempDir Path elsewhere;

  @Test
  void gcArchivesWhatNoRefReachesIntoTheBucketAndAFreshProcessReadsIt() {
    String prefix = Rgw.freshPrefix("layered-gc");
    Map<Hash, byte[]> cold = new LinkedHashMap<>();
    Hash live;
    S3Backend lower = S3Backend.open(Rgw.get().options(prefix).build());
    try (LayeredStore stack = Decorators.layered(disk(), lower)) {
      live = stack.put(Rgw.utf8("the object a ref reaches"));
      stack.setRef("refs/heads/main", live);
      for (int i = 0; i < 100; i++) {
        byte[] data = Rgw.utf8("a cold object no ref reaches, number " + i);
        cold.put(HashAlgorithm.SHA256.hash(data), data);
      }
      stack.writeBatch(cold);
      long requests = lower.requests();
      GcReport report =
          stack.feature(GarbageCollection.class).orElseThrow().gc(GcOptions.defaults());
      // A LIST of the lower's refs, one of its indexes (which of the 100 it holds already), one
      // pack and its index: not one LIST per archived object.
      assertThat(lower.requests() - requests).as("requests to the bucket by the gc").isLessThan(8);
      assertThat(report.mode()).isEqualTo(Mode.ARCHIVE);
      assertThat(report.archived()).isEqualTo(cold.size());
      assertThat(report.dropped()).isEqualTo(cold.size());
      cold.keySet().forEach(hash -> assertThat(stack.upper().exists(hash)).isFalse());
      GcReport again =
          stack.feature(GarbageCollection.class).orElseThrow().gc(GcOptions.defaults());
      assertThat(again.archived()).isZero();
    }
    // Another machine: only the bucket, with its own cache.
    try (S3Backend bucket = S3Backend.open(Rgw.get().options(prefix).cacheDir(elsewhere).build())) {
      cold.forEach((hash, data) -> assertThat(bucket.read(hash)).hasValue(data));
    }
    try (LayeredStore stack =
        Decorators.layered(disk(), S3Backend.open(Rgw.get().options(prefix).build()))) {
      assertThat(stack.getRef("refs/heads/main")).hasValue(live);
      for (Hash hash : List.copyOf(cold.keySet())) {
        assertThat(stack.read(hash)).hasValue(cold.get(hash));
      }
    }
  }

  private DiskBackend disk() {
    return DiskBackend.open(
        upper,
        DiskOptions.builder()
            .fsync(DiskOptions.Fsync.ALWAYS)
            .segmentSize(64 * 1024)
            .hashAlgorithm(HashAlgorithm.SHA256)
            .build());
  }
}
