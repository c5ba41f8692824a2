package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.ObjectTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The memory store's {@link ObjectStreams}, and through it the heap fallback every store that
 * cannot stream gets from {@link ObjectStreams#of}.
 */
class MemoryStreamsTest {
  private static final byte[] DATA =
      "streamed bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** An input that must not be read. */
  private static final InputStream UNTOUCHABLE =
      new InputStream() {
        @Override
        public int read() {
          throw new AssertionError("the input was read");
        }
      };

  @Test
  void writesHashAsPutAndReadsWithoutACopy() throws IOException {
    try (MemoryBackend store = MemoryBackend.create()) {
      ObjectStreams streams = store.feature(ObjectStreams.class).orElseThrow();
      Hash hash = streams.write(new ByteArrayInputStream(DATA), ObjectStreams.UNKNOWN_LENGTH);
      assertThat(hash).isEqualTo(HashAlgorithm.SHA256.hash(DATA));
      assertThat(streams.write(new ByteArrayInputStream(DATA), DATA.length)).isEqualTo(hash);
      try (ObjectReader reader = streams.open(hash).orElseThrow()) {
        assertThat(reader.size()).isEqualTo(DATA.length);
        ByteBuffer all = ByteBuffer.allocate(DATA.length + 1);
        while (reader.read(all) > 0) {
          // reading
        }
        assertThat(reader.read(all)).isEqualTo(-1);
        assertThat(all.flip()).isEqualTo(ByteBuffer.wrap(DATA));
      }
      assertThat(store.stats().orElseThrow().bytesRead()).isEqualTo(DATA.length);
    }
  }

  @Test
  void inputsShorterOrLongerThanDeclaredAreRefusedAndStoreNothing() {
    try (MemoryBackend store = MemoryBackend.create()) {
      ObjectStreams streams = ObjectStreams.of(store);
      assertThatThrownBy(() -> streams.write(new ByteArrayInputStream(DATA), DATA.length + 1))
          .isInstanceOf(EOFException.class);
      assertThatThrownBy(() -> streams.write(new ByteArrayInputStream(DATA), DATA.length - 1))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("more than the");
      assertThat(store.objectCount()).isZero();
    }
  }

  @Test
  void theHeapFallbackRefusesWhatCannotFitBeforeReading() {
    try (MemoryBackend store = MemoryBackend.create()) {
      ObjectStreams heap = ObjectStreams.inHeap(store);
      assertThat(heap.maxObjectSize()).isEqualTo(Integer.MAX_VALUE - 8);
      assertThatThrownBy(() -> heap.write(UNTOUCHABLE, Integer.MAX_VALUE))
          .isInstanceOf(ObjectTooLargeException.class)
          .hasMessageContaining("holds objects of at most 2147483639 bytes");
      long beyondHeap = Runtime.getRuntime().maxMemory() + 1;
      if (beyondHeap < Integer.MAX_VALUE - 8) {
        assertThatThrownBy(() -> heap.write(UNTOUCHABLE, beyondHeap))
            .isInstanceOf(ObjectTooLargeException.class)
            .hasMessageContaining("does not fit in a heap of at most");
      }
      assertThatThrownBy(() -> heap.write(UNTOUCHABLE, -2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("(-2)");
    }
  }

  @Test
  void sizesAreWrittenInWords() {
    assertThat(ObjectStreams.sizeInWords(0)).isEqualTo("0 bytes");
    assertThat(ObjectStreams.sizeInWords(1536)).isEqualTo("1.5 KiB");
    assertThat(ObjectStreams.sizeInWords(512L << 20)).isEqualTo("512 MiB");
    assertThat(ObjectStreams.sizeInWords(1L << 30)).isEqualTo("1 GiB");
  }
}
