package dev.cairn.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zstd's native library cannot be unpacked (a full or missing {@code java.io.tmpdir}): records are
 * written raw, compressed ones are refused with a {@link StoreIOException} naming why, and nothing
 * in the process is left unusable. Run in a child JVM, since this one has loaded it.
 */
class ZstdLibraryTest {
  @TempDir Path temp;

  @Test
  void withoutItsNativeLibraryRecordsAreWrittenRawAndCompressedOnesRefusedByName()
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    "-Djava.io.tmpdir=" + temp.resolve("missing"),
                    Child.class.getName()))
            .redirectErrorStream(true)
            .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out)
        .contains(
            "written codec 0",
            "payload back true",
            "refused StoreIOException zstd's native library (zstd-jni) cannot be loaded",
            temp.resolve("missing").toString());
    assertThat(child.exitValue()).as(out).isZero();
  }

  /** Encodes and decodes without the library; prints what happened. */
  static final class Child {
    public static void main(String[] args) {
      byte[] payload =
          "a payload that compresses: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              .getBytes(StandardCharsets.UTF_8);
      RecordCodec codec = RecordCodec.create(Compression.ZSTD, null);
      byte[] record = codec.encode(payload);
      System.out.println("written codec " + record[0]);
      System.out.println(
          "payload back "
              + java.util.Arrays.equals(payload, codec.decode(ByteBuffer.wrap(record), "f", 0)));
      // A compressed record made by hand: its body need not be a zstd frame, since decoding
      // asks for the library before it reads the body.
      byte[] compressed = {RecordCodec.ZSTD, 4, 1, 2, 3, 4, 0, 0, 0, 0};
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update(compressed, 0, compressed.length - 4);
      ByteBuffer.wrap(compressed).putInt(compressed.length - 4, (int) crc.getValue());
      try {
        codec.decode(ByteBuffer.wrap(compressed), "f", 0);
        System.out.println("decoded without the library");
      } catch (StoreIOException e) {
        System.out.println("refused StoreIOException " + e.getMessage());
      }
    }
  }
}
