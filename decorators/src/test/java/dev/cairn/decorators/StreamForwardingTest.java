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
import dev.cairn.testkit.FakeBackend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every decorator passes on its child's {@link ObjectStreams}, keeping its own promises: {@code
 * verify} re-hashes while streaming, {@code stats} counts, {@code cache} does not cache what
 * streams, {@code layered} reads through the upper then the lower, {@code read-only} refuses
 * writes. A decorator over a child that cannot stream offers none.
 */
class StreamForwardingTest {
  private static final byte[] DATA = new byte[300_000];

  static {
    new Random(9).nextBytes(DATA);
  }

  /** A store that streams: its readers serve its bytes as they are now. */
  private static FakeBackend streaming() {
    return streaming(null);
  }

  /** A store that streams, and names streamed writes by {@code misname} if set (a bug). */
  private static FakeBackend streaming(Hash misname) {
    return FakeBackend.builder()
        .featureFrom(
            ObjectStreams.class,
            fake -> {
              ObjectStreams heap = ObjectStreams.inHeap(fake);
              return new ObjectStreams() {
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
                  return Optional.ofNullable(fake.objects().get(hash))
                      .map(bytes -> ObjectReader.of(ByteBuffer.wrap(bytes)));
                }
              };
            })
        .build();
  }

  /** An input that must not be read. */
  private static final InputStream UNTOUCHABLE =
      new InputStream() {
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
    for (Backend store :
        new Backend[] {
          Decorators.verify(streaming()),
          Decorators.stats(streaming()),
          Decorators.cache(streaming(), 10),
          Decorators.layered(streaming(), FakeBackend.create())
        }) {
      assertThat(streams(store).maxObjectSize()).as("%s", store).isEqualTo(1 << 20);
      assertThat(streams(store).write(new ByteArrayInputStream(DATA), DATA.length))
          .as("%s", store)
          .isEqualTo(HASH);
      assertThat(readAll(streams(store), HASH)).as("%s", store).isEqualTo(DATA);
      assertThat(store.read(HASH)).as("%s", store).hasValue(DATA);
      assertThat(streams(store).open(HashAlgorithm.SHA256.hash(new byte[1]))).isEmpty();
    }
  }

  @Test
  void aDecoratorOverAChildThatCannotStreamOffersNoStreams() throws IOException {
    for (Backend store :
        new Backend[] {
          Decorators.verify(FakeBackend.create()),
          Decorators.stats(FakeBackend.create()),
          Decorators.cache(FakeBackend.create(), 10),
          Decorators.readOnly(FakeBackend.create()),
          Decorators.layered(FakeBackend.create(), FakeBackend.create())
        }) {
      assertThat(store.feature(ObjectStreams.class)).as("%s", store).isEmpty();
    }
    Backend verified = Decorators.verify(FakeBackend.create());
    Hash hash = ObjectStreams.of(verified).write(new ByteArrayInputStream(DATA), -1);
    assertThat(hash).isEqualTo(HASH);
    assertThat(readAll(ObjectStreams.of(verified), HASH)).isEqualTo(DATA);
  }

  @Test
  void verifyCatchesDamageWhileStreamingBeforeTheLastBytes() throws IOException {
    FakeBackend child = streaming();
    Backend store = Decorators.verify(child);
    streams(store).write(new ByteArrayInputStream(DATA), DATA.length);
    byte[] damaged = DATA.clone();
    damaged[1000] ^= 1;
    child.damage(HASH, damaged);
    try (ObjectReader reader = streams(store).open(HASH).orElseThrow()) {
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      long[] delivered = {0};
      assertThatThrownBy(
              () -> {
                for (int n; (n = reader.read(buffer.clear())) != -1; ) {
                  delivered[0] += n;
                }
              })
          .isInstanceOf(HashMismatchException.class)
          .hasMessageContaining(HASH.toString());
      assertThat(delivered[0]).isLessThan(DATA.length);
    }
  }

  @Test
  void verifyRefusesAStreamedWriteTheChildNamedWrongly() {
    FakeBackend child = streaming(HashAlgorithm.SHA256.hash(new byte[] {1}));
    Backend store = Decorators.verify(child);
    assertThatThrownBy(() -> streams(store).write(new ByteArrayInputStream(DATA), -1))
        .isInstanceOf(HashMismatchException.class)
        .hasMessageContaining(HASH.toString());
  }

  @Test
  void statsCountsStreamedWritesAndReads() throws IOException {
    Backend store = Decorators.stats(streaming());
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
    FakeBackend child = streaming();
    CachingStore cache = CachingStore.byEntries(child, 10);
    streams(cache).write(new ByteArrayInputStream(DATA), DATA.length);
    readAll(streams(cache), HASH);
    assertThat(cache.size()).isZero();
    cache.read(HASH);
    assertThat(cache.size()).isEqualTo(1);
    child.lose(HASH); // from now on only the cache has it
    assertThat(child.objects()).isEmpty();
    assertThat(readAll(streams(cache), HASH)).isEqualTo(DATA);
  }

  @Test
  void layeredReadsThroughTheUpperThenTheLowerAndWritesTheUpper() throws IOException {
    FakeBackend upper = streaming();
    FakeBackend lower = FakeBackend.create();
    byte[] archived = "only in the lower".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Hash inLower = lower.put(archived);
    Backend store = Decorators.layered(upper, lower);
    assertThat(readAll(streams(store), inLower)).isEqualTo(archived);
    streams(store).write(new ByteArrayInputStream(DATA), DATA.length);
    assertThat(upper.objects()).containsKey(HASH);
    assertThat(lower.objects()).doesNotContainKey(HASH);
  }

  @Test
  void readOnlyRefusesStreamedWritesBeforeReadingAndStreamsReads() throws IOException {
    FakeBackend child = streaming();
    child.put(DATA);
    Backend store = Decorators.readOnly(child);
    assertThatThrownBy(() -> streams(store).write(UNTOUCHABLE, 10))
        .isInstanceOf(ReadOnlyStoreException.class)
        .hasMessageContaining("write");
    assertThat(readAll(streams(store), HASH)).isEqualTo(DATA);
  }
}
