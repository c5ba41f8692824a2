package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.ObjectTooLargeException;
import dev.cairn.spi.ReadOnlyStoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ObjectStreams} of the disk store: {@link DiskStreams} and {@link RecordReader}. */
class DiskStreamsTest {
  private static final int LARGE = DiskStreams.SMALL_OBJECT + 3 * (1 << 20) + 17;

  @TempDir Path dir;

  private static byte[] bytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static ObjectStreams streams(DiskBackend store) {
    return store.feature(ObjectStreams.class).orElseThrow();
  }

  private static byte[] readAll(ObjectStreams streams, Hash hash) throws IOException {
    try (ObjectReader reader = streams.open(hash).orElseThrow();
        InputStream in = reader.asInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      assertThat(out.size()).isEqualTo(reader.size());
      return out.toByteArray();
    }
  }

  private Set<String> files() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void streamedWritesHashAsPutDoesAndReadBackWhole() throws IOException {
    try (DiskBackend store = DiskBackend.open(dir)) {
      for (int size :
          new int[] {0, 1, 5000, DiskStreams.SMALL_OBJECT, DiskStreams.SMALL_OBJECT + 1, LARGE}) {
        byte[] data = bytes(size, size);
        Hash expected = HashAlgorithm.SHA256.hash(data);
        assertThat(streams(store).write(new ByteArrayInputStream(data), size))
            .as("declared %d", size)
            .isEqualTo(expected);
        assertThat(
                streams(store).write(new ByteArrayInputStream(data), ObjectStreams.UNKNOWN_LENGTH))
            .as("unknown length %d", size)
            .isEqualTo(expected);
        assertThat(store.read(expected)).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
        assertThat(readAll(streams(store), expected)).isEqualTo(data);
      }
    }
    try (DiskBackend reopened = DiskBackend.open(dir)) {
      byte[] data = bytes(LARGE, LARGE);
      assertThat(readAll(streams(reopened), HashAlgorithm.SHA256.hash(data))).isEqualTo(data);
    }
  }

  @Test
  void aLargeObjectStreamedTwiceIsStoredOnce() throws IOException {
    try (DiskBackend store = DiskBackend.open(dir)) {
      byte[] data = bytes(LARGE, 1);
      streams(store).write(new ByteArrayInputStream(data), LARGE);
      Set<String> after = files();
      streams(store).write(new ByteArrayInputStream(data), ObjectStreams.UNKNOWN_LENGTH);
      assertThat(files()).isEqualTo(after);
    }
  }

  /** An input that yields {@code good} bytes, then fails. */
  private static InputStream failingAfter(byte[] good) {
    return new SequenceInputStream(
        new ByteArrayInputStream(good),
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("the input broke");
          }
        });
  }

  @Test
  void anInputFailingMidwayLeavesNothingAndLosesNothing() throws IOException {
    Hash kept;
    Set<String> before;
    try (DiskBackend store = DiskBackend.open(dir)) {
      kept = streams(store).write(new ByteArrayInputStream(bytes(LARGE, 2)), LARGE);
      store.put(bytes(100, 3));
      before = files();
      for (long declared : new long[] {LARGE * 2L, ObjectStreams.UNKNOWN_LENGTH}) {
        assertThatThrownBy(() -> streams(store).write(failingAfter(bytes(LARGE, 4)), declared))
            .isInstanceOf(IOException.class)
            .hasMessage("the input broke");
        assertThat(files()).isEqualTo(before);
      }
      assertThat(store.exists(HashAlgorithm.SHA256.hash(bytes(LARGE, 4)))).isFalse();
      assertThat(readAll(streams(store), kept)).isEqualTo(bytes(LARGE, 2));
    }
    try (DiskBackend reopened = DiskBackend.open(dir)) {
      assertThat(reopened.read(kept)).isPresent();
      assertThat(reopened.read(HashAlgorithm.SHA256.hash(bytes(100, 3)))).isPresent();
    }
  }

  @Test
  void anInputShorterOrLongerThanDeclaredIsRefusedAndLeavesNothing() throws IOException {
    try (DiskBackend store = DiskBackend.open(dir)) {
      Set<String> before = files();
      for (int size : new int[] {100, LARGE}) {
        byte[] data = bytes(size, 5);
        assertThatThrownBy(() -> streams(store).write(new ByteArrayInputStream(data), size + 1))
            .isInstanceOf(EOFException.class)
            .hasMessageContaining("ended after " + size + " of the " + (size + 1));
        assertThatThrownBy(() -> streams(store).write(new ByteArrayInputStream(data), size - 1))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("more than the " + (size - 1) + " bytes declared");
        assertThat(store.exists(HashAlgorithm.SHA256.hash(data))).isFalse();
        assertThat(store.exists(HashAlgorithm.SHA256.hash(data, 0, size - 1))).isFalse();
      }
      assertThat(files()).isEqualTo(before);
    }
  }

  /** An input that must not be read at all. */
  private static final InputStream UNTOUCHABLE =
      new InputStream() {
        @Override
        public int read() {
          throw new AssertionError("the input was read");
        }

        @Override
        public int read(byte[] b, int off, int len) {
          throw new AssertionError("the input was read");
        }
      };

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() {
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(streams(store).maxObjectSize()).isEqualTo(512L << 20);
      assertThatThrownBy(() -> streams(store).write(UNTOUCHABLE, (512L << 20) + 1))
          .isInstanceOf(ObjectTooLargeException.class)
          .hasMessageContaining("holds objects of at most 536870912 bytes (512 MiB)")
          .hasMessageContaining("this one has 536870913 bytes");
      assertThatThrownBy(() -> streams(store).write(UNTOUCHABLE, 1L << 30))
          .isInstanceOf(ObjectTooLargeException.class)
          .hasMessageContaining("(1 GiB)");
    }
  }

  @Test
  void anUndeclaredInputIsRefusedAsSoonAsItCrossesTheLimitLosingNothing() throws IOException {
    try (DiskBackend store = DiskBackend.open(dir)) {
      Hash kept = store.put(bytes(100, 6));
      Set<String> before = files();
      int limit = LARGE - 1;
      DiskStreams limited = new DiskStreams(store, limit);
      long[] consumed = {0};
      InputStream endless =
          new InputStream() {
            @Override
            public int read() {
              consumed[0]++;
              return 7;
            }

            @Override
            public int read(byte[] b, int off, int len) {
              consumed[0] += len;
              java.util.Arrays.fill(b, off, off + len, (byte) 7);
              return len;
            }
          };
      assertThatThrownBy(() -> limited.write(endless, ObjectStreams.UNKNOWN_LENGTH))
          .isInstanceOf(ObjectTooLargeException.class)
          .hasMessageContaining("at most " + limit + " bytes")
          .hasMessageContaining("this one has more");
      assertThat(consumed[0]).isLessThanOrEqualTo(limit + (1L << 20) + 1);
      assertThat(files()).isEqualTo(before);
      assertThat(store.read(kept)).isPresent();
    }
  }

  @Test
  void aReadOnlyOpenerRefusesStreamedWritesBeforeReading() throws IOException {
    try (DiskBackend writer = DiskBackend.open(dir)) {
      writer.put(bytes(10, 8));
      try (DiskBackend follower =
          DiskBackend.open(dir, DiskOptions.builder().readOnly(true).build())) {
        assertThatThrownBy(() -> streams(follower).write(UNTOUCHABLE, 10))
            .isInstanceOf(ReadOnlyStoreException.class);
      }
    }
  }

  @Test
  void aFollowerSeesAStreamedObjectAfterReload() throws IOException {
    try (DiskBackend writer = DiskBackend.open(dir);
        DiskBackend follower =
            DiskBackend.open(dir, DiskOptions.builder().readOnly(true).build())) {
      byte[] data = bytes(LARGE, 9);
      Hash hash = streams(writer).write(new ByteArrayInputStream(data), LARGE);
      assertThat(follower.reload()).isTrue();
      assertThat(readAll(streams(follower), hash)).isEqualTo(data);
    }
  }

  private void flipPayloadByte(Path segment, long at) throws IOException {
    try (FileChannel channel =
        FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x10)).position(0);
      channel.write(one, at);
    }
  }

  @Test
  void damageToAStreamedObjectIsReportedBeforeItsLastBytes() throws IOException {
    byte[] large = bytes(LARGE, 10);
    byte[] small = bytes(3000, 11);
    Hash largeHash;
    Hash smallHash;
    try (DiskBackend store = DiskBackend.open(dir)) {
      largeHash = streams(store).write(new ByteArrayInputStream(large), LARGE);
      smallHash = streams(store).write(new ByteArrayInputStream(small), 3000);
    }
    List<Path> segments;
    try (Stream<Path> list = Files.list(dir)) {
      segments = list.filter(p -> p.toString().endsWith(".data")).sorted().toList();
    }
    int h = HashAlgorithm.SHA256.digestLength();
    for (Path segment : segments) {
      long size = Files.size(segment);
      if (size > LARGE) {
        flipPayloadByte(segment, Record.PREFIX + h + LARGE / 2);
      } else if (size > 0) {
        flipPayloadByte(segment, Record.PREFIX + h + 1500);
      }
    }
    try (DiskBackend store = DiskBackend.open(dir)) {
      for (Hash hash : List.of(largeHash, smallHash)) {
        try (ObjectReader reader = streams(store).open(hash).orElseThrow()) {
          ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
          long delivered = 0;
          long size = reader.size();
          CorruptionException damage = null;
          try {
            for (int n; (n = reader.read(buffer.clear())) != -1; ) {
              delivered += n;
            }
          } catch (CorruptionException e) {
            damage = e;
          }
          assertThat(damage).as("damage of %s", hash).isNotNull();
          assertThat(damage.getMessage()).contains("record checksum mismatch");
          assertThat(delivered).isLessThan(size);
        }
      }
    }
  }

  @Test
  void aReaderOutlivesACompactionThatDropsItsObject() throws IOException {
    byte[] data = bytes(LARGE, 12);
    try (DiskBackend store = DiskBackend.open(dir)) {
      Hash hash = streams(store).write(new ByteArrayInputStream(data), LARGE);
      store.put(bytes(10, 13));
      try (ObjectReader reader = streams(store).open(hash).orElseThrow();
          InputStream in = reader.asInputStream()) {
        byte[] first = in.readNBytes(1000);
        store.compact(h -> false);
        assertThat(store.exists(hash)).isFalse();
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        in.transferTo(rest);
        assertThat(first.length + rest.size()).isEqualTo(LARGE);
        assertThat(rest.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, LARGE));
      }
    }
  }

  @Test
  void aStoreClosedWhileAnObjectStreamsListsNothingOfIt() throws IOException {
    DiskBackend store = DiskBackend.open(dir);
    Set<String> before = files();
    byte[] data = bytes(LARGE, 14);
    InputStream closingMidway =
        new SequenceInputStream(
            new ByteArrayInputStream(data, 0, LARGE / 2),
            new InputStream() {
              private final InputStream rest = new ByteArrayInputStream(data, LARGE / 2, LARGE);

              @Override
              public int read() throws IOException {
                store.close();
                return rest.read();
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                store.close();
                return rest.read(b, off, len);
              }
            });
    assertThatThrownBy(() -> streams(store).write(closingMidway, LARGE))
        .isInstanceOf(dev.cairn.spi.StoreClosedException.class);
    try (DiskBackend reopened = DiskBackend.open(dir)) {
      assertThat(reopened.exists(HashAlgorithm.SHA256.hash(data))).isFalse();
    }
    assertThat(files()).isEqualTo(before);
  }

  @Test
  void openingAnAbsentObjectIsEmpty() {
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(streams(store).open(HashAlgorithm.SHA256.hash(new byte[1]))).isEmpty();
    }
  }
}
