package dev.cairn.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashMismatchException;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every decorator passes on its child's {@link ObjectStreams}, keeping its own promises:
 * {@code verify} re-hashes while streaming, {@code stats} counts, {@code cache} does not cache
 * what streams, {@code layered} reads through the upper then the lower, {@code read-only}
 * refuses writes. A decorator over a child that cannot stream offers none.
 */
class StreamForwardingTest {
  private static final byte[] DATA = new byte[300_000];

  static {
    new Random(9).nextBytes(DATA);
  }

  /** A map store that streams: its readers serve the map's bytes as they are now. */
  static class StreamingStore extends MapStore {
    /** When set, streamed writes name objects by this hash (a store bug). */
    Hash misname;

    @Override
    public <T> Optional<T> feature(Class<T> type) {
      if (type != ObjectStreams.class) {
        return super.feature(type);
      }
      ObjectStreams heap = ObjectStreams.inHeap(this);
      return Optional.of(type.cast(new ObjectStreams() {
        @Override
        public long maxObjectSize() {
          return 1 << 20;
        }

        @Override
        public Hash write(InputStream in, long length) throws IOException {
          Hash hash = heap.write(in, length);
          return misname != null ? misname : hash;
        }

        @Override
        public Optional<ObjectReader> open(Hash hash) {
          return Optional.ofNullable(objects.get(hash))
              .map(bytes -> ObjectReader.of(ByteBuffer.wrap(bytes)));
        }
      }));
    }
  }

  /** An input that must not be read. */
  private static final InputStream UNTOUCHABLE = new InputStream() {
    @Override
    public int read() {
      throw new AssertionError("the input was read");
    }
  };

  private static byte[] readAll(ObjectStreams streams, Hash hash) throws IOException {
    try (InputStream in = streams.open(hash).orElseThrow().asInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    }
  }

  private static ObjectStreams streams(Backend store) {
    return store.feature(ObjectStreams.class).orElseThrow();
  }

  private static final Hash HASH = HashAlgorithm.SHA256.hash(DATA);

  @Test
  void everyDecoratorStreamsWhatItsChildStreams() throws IOException {
    for (Backend store : new Backend[] {Decorators.verify(new StreamingStore()),
        Decorators.stats(new StreamingStore()), Decorators.cache(new StreamingStore(), 10),
        Decorators.layered(new StreamingStore(), new MapStore())}) {
      assertThat(streams(store).maxObjectSize()).as("%s", store).isEqualTo(1 << 20);
      assertThat(streams(store).write(new ByteArrayInputStream(DATA), DATA.length))
          .as("%s", store).isEqualTo(HASH);
      assertThat(readAll(streams(store), HASH)).as("%s", store).isEqualTo(DATA);
      assertThat(store.read(HASH)).as("%s", store).hasValue(DATA);
      assertThat(streams(store).open(HashAlgorithm.SHA256.hash(new byte[1]))).isEmpty();
    }
  }

  @Test
  void aDecoratorOverAChildThatCannotStreamOffersNoStreams() throws IOException {
    for (Backend store : new Backend[] {Decorators.verify(new MapStore()),
        Decorators.stats(new MapStore()), Decorators.cache(new MapStore(), 10),
        Decorators.readOnly(new MapStore()), Decorators.layered(new MapStore(), new MapStore())}) {
      assertThat(store.feature(ObjectStreams.class)).as("%s", store).isEmpty();
    }
    Backend verified = Decorators.verify(new MapStore());
    Hash hash = ObjectStreams.of(verified).write(new ByteArrayInputStream(DATA), -1);
    assertThat(hash).isEqualTo(HASH);
    assertThat(readAll(ObjectStreams.of(verified), HASH)).isEqualTo(DATA);
  }

  @Test
  void verifyCatchesDamageWhileStreamingBeforeTheLastBytes() throws IOException {
    StreamingStore child = new StreamingStore();
    Backend store = Decorators.verify(child);
    streams(store).write(new ByteArrayInputStream(DATA), DATA.length);
    byte[] damaged = DATA.clone();
    damaged[1000] ^= 1;
    child.objects.put(HASH, damaged);
    try (ObjectReader reader = streams(store).open(HASH).orElseThrow()) {
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      long[] delivered = {0};
      assertThatThrownBy(() -> {
        for (int n; (n = reader.read(buffer.clear())) != -1; ) {
          delivered[0] += n;
        }
      }).isInstanceOf(HashMismatchException.class).hasMessageContaining(HASH.toString());
      assertThat(delivered[0]).isLessThan(DATA.length);
    }
  }

  @Test
  void verifyRefusesAStreamedWriteTheChildNamedWrongly() {
    StreamingStore child = new StreamingStore();
    child.misname = HashAlgorithm.SHA256.hash(new byte[] {1});
    Backend store = Decorators.verify(child);
    assertThatThrownBy(() -> streams(store).write(new ByteArrayInputStream(DATA), -1))
        .isInstanceOf(HashMismatchException.class)
        .hasMessageContaining(HASH.toString());
  }

  @Test
  void statsCountsStreamedWritesAndReads() throws IOException {
    Backend store = Decorators.stats(new StreamingStore());
    streams(store).write(new ByteArrayInputStream(DATA), -1);
    readAll(streams(store), HASH);
    StoreStats stats = store.stats().orElseThrow();
    assertThat(stats.writes()).isEqualTo(1);
    assertThat(stats.bytesWritten()).isEqualTo(DATA.length);
    assertThat(stats.reads()).isEqualTo(1);
    assertThat(stats.bytesRead()).isEqualTo(DATA.length);
    assertThat(stats.latencies()).containsKeys("write", "read");
  }

  @Test
  void theCacheKeepsNothingThatStreamsButServesWhatItHolds() throws IOException {
    StreamingStore child = new StreamingStore();
    CachingStore cache = CachingStore.byEntries(child, 10);
    streams(cache).write(new ByteArrayInputStream(DATA), DATA.length);
    readAll(streams(cache), HASH);
    assertThat(cache.size()).isZero();
    cache.read(HASH);
    assertThat(cache.size()).isEqualTo(1);
    child.objects.clear(); // from now on only the cache has it
    assertThat(readAll(streams(cache), HASH)).isEqualTo(DATA);
  }

  @Test
  void layeredReadsThroughTheUpperThenTheLowerAndWritesTheUpper() throws IOException {
    StreamingStore upper = new StreamingStore();
    MapStore lower = new MapStore();
    byte[] archived = "only in the lower".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Hash inLower = lower.put(archived);
    Backend store = Decorators.layered(upper, lower);
    assertThat(readAll(streams(store), inLower)).isEqualTo(archived);
    streams(store).write(new ByteArrayInputStream(DATA), DATA.length);
    assertThat(upper.objects).containsKey(HASH);
    assertThat(lower.objects).doesNotContainKey(HASH);
  }

  @Test
  void readOnlyRefusesStreamedWritesBeforeReadingAndStreamsReads() throws IOException {
    StreamingStore child = new StreamingStore();
    child.put(DATA);
    Backend store = Decorators.readOnly(child);
    assertThatThrownBy(() -> streams(store).write(UNTOUCHABLE, 10))
        .isInstanceOf(ReadOnlyStoreException.class).hasMessageContaining("write");
    assertThat(readAll(streams(store), HASH)).isEqualTo(DATA);
  }
}
