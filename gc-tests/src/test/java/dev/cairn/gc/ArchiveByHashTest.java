package dev.cairn.gc;

import static dev.cairn.gc.Stacks.gc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.decorators.Decorators;
import dev.cairn.decorators.LayeredStore;
import dev.cairn.spi.Backend;
import dev.cairn.spi.ForwardingBackend;
import dev.cairn.spi.GarbageCollection.Mode;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collection that archives into a lower by hash (a disk store here, object storage in production)
 * learns which unreachable objects the lower holds already from one pass over the lower's objects,
 * not from one {@code exists} per object: on {@code s3:} each {@code exists} that misses lists the
 * store's indexes again, so the archive of N objects cost N LIST requests.
 */
class ArchiveByHashTest {
  @TempDir Path root;

  @Test
  void theArchiveAsksTheLowerOnceForAllAndStillSkipsWhatItHolds() {
    HashAlgorithm sha256 = HashAlgorithm.SHA256;
    CountingExists lower = new CountingExists(Stacks.disk(root.resolve("lower"), sha256));
    Map<Hash, byte[]> cold = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      byte[] data = ("a cold object no ref reaches, number " + i).getBytes(StandardCharsets.UTF_8);
      cold.put(sha256.hash(data), data);
    }
    try (LayeredStore stack =
        Decorators.layered(Stacks.disk(root.resolve("upper"), sha256), lower)) {
      Hash live = stack.put("the object a ref reaches".getBytes(StandardCharsets.UTF_8));
      stack.setRef("refs/heads/main", live);
      stack.writeBatch(cold);
      // A fifth of them the lower holds already (a collection that crashed before compacting).
      Map<Hash, byte[]> already = new LinkedHashMap<>();
      cold.entrySet().stream().limit(20).forEach(e -> already.put(e.getKey(), e.getValue()));
      stack.lower().writeBatch(already);
      lower.exists.set(0);

      GcReport report = gc(stack).gc(GcOptions.defaults());

      assertThat(report.mode()).isEqualTo(Mode.ARCHIVE);
      assertThat(report.archived()).isEqualTo(80);
      assertThat(report.dropped()).isEqualTo(100);
      assertThat(lower.exists.get()).as("exists calls on the lower during the gc").isLessThan(5);
      cold.forEach((hash, data) -> assertThat(stack.lower().read(hash)).hasValue(data));
      assertThat(stack.read(live)).isPresent();
    }
  }

  /** A lower that counts the {@code exists} calls it is asked and forwards every feature. */
  private static final class CountingExists extends ForwardingBackend {
    final AtomicLong exists = new AtomicLong();

    CountingExists(Backend child) {
      super("counting:" + child, child);
    }

    @Override
    protected boolean containsObject(Hash hash) {
      exists.incrementAndGet();
      return super.containsObject(hash);
    }

    @Override
    protected <T> T childFeature(Class<T> type, T feature) {
      return feature;
    }
  }
}
