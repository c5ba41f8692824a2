package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.Bloom;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reading the decoders and fuzzing them (family 8) caught, one test each: files whose
 * checksums hold but whose fields lie, which used to escape as something other than {@link
 * CorruptionException} or to allocate from a length the file could not back.
 */
class DecoderDefectsTest {
  private static final HashAlgorithm SHA256 = HashAlgorithm.SHA256;

  @TempDir Path dir;

  @Test
  void bloomWordCountLargerThanItsBytesIsCorruptionNotOutOfMemory() {
    // Guava would allocate 2^31-1 longs (16 GiB) before reading a single word.
    byte[] bloom =
        ByteBuffer.allocate(14)
            .put((byte) 1)
            .put((byte) 5)
            .putInt(Integer.MAX_VALUE)
            .putLong(-1)
            .array();
    assertThatThrownBy(() -> Bloom.decode(bloom, "seg.idx", 1064))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("claims 2147483647 words");
  }

  @Test
  void indexWithAnOversizedBloomWordCountOpensWithoutItsFilter() throws IOException {
    Path file = index(3);
    byte[] bytes = Files.readAllBytes(file);
    int table = SegmentIndex.HEADER + 256 * 4 + 3 * (32 + 8);
    ByteBuffer.wrap(bytes).putInt(table + 2, Integer.MAX_VALUE);
    DecoderFuzzTest.fixIndex(bytes, 32);
    Files.write(file, bytes);
    SegmentIndex index = SegmentIndex.open(file, SHA256);
    assertThat(index.bloomProblem).hasMessageContaining("Bloom filter claims 2147483647 words");
  }

  @Test
  void indexFanOutBeyondCountIsCorruptionNotAnOutOfBoundsLookup() throws IOException {
    Path file = index(3);
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer.wrap(bytes).putInt(SegmentIndex.HEADER + 0x10 * 4, 1000);
    DecoderFuzzTest.fixIndex(bytes, 32);
    Files.write(file, bytes);
    assertThatThrownBy(() -> SegmentIndex.open(file, SHA256))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("fan-out entry 16 is 1000");
  }

  @Test
  void indexEntryOutsideTheDataItCoversIsCorruption() throws IOException {
    Path file = index(3);
    byte[] bytes = Files.readAllBytes(file);
    int lengths = SegmentIndex.HEADER + 256 * 4 + 3 * (32 + 4);
    ByteBuffer.wrap(bytes).putInt(lengths, 500 << 20);
    DecoderFuzzTest.fixIndex(bytes, 32);
    Files.write(file, bytes);
    SegmentIndex index = SegmentIndex.open(file, SHA256);
    assertThatThrownBy(index::verifyTable)
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("outside the");
  }

  @Test
  void indexWithNegativeDataLengthIsCorruption() throws IOException {
    // An active segment's checkpoint with a negative length sent recovery to scan from a
    // negative position: IllegalArgumentException from FileChannel.map.
    Path file = index(3);
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer.wrap(bytes).putLong(24, -5);
    DecoderFuzzTest.fixIndex(bytes, 32);
    Files.write(file, bytes);
    assertThatThrownBy(() -> SegmentIndex.open(file, SHA256))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("negative data length");
  }

  @Test
  void overlongIndexedLengthIsCorruptionNotANegativeAllocation() throws IOException {
    // Record.size(32, 2^31-1) overflowed, and ByteBuffer.allocate threw IllegalArgumentException.
    Path file = dir.resolve(Segment.dataFileName(1));
    Files.write(file, new byte[100]);
    Segment segment = new Segment(1, file, SHA256, false, false, (s, e) -> {});
    try {
      Hash hash = SHA256.hash(new byte[0]);
      assertThatThrownBy(() -> segment.read(hash, Segment.location(0, Integer.MAX_VALUE), false))
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining("past the end");
      assertThatThrownBy(() -> segment.read(hash, Segment.location(10, 400 << 20), false))
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining("past the end");
    } finally {
      segment.retire(false);
    }
  }

  @Test
  void manifestAlgorithmNameThatIsNotUtf8IsCorruption() {
    byte[] bytes = new Manifest("sha256", 1, 1, 2, List.of()).encode();
    bytes[14] = (byte) 0xff; // the first byte of the name
    fixTrailingCrc(bytes);
    assertThatThrownBy(() -> Manifest.decode(bytes, "MANIFEST"))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void manifestNameLengthPastItsEndIsCorruptionBeforeAllocating() {
    byte[] bytes = new Manifest("sha256", 1, 1, 2, List.of()).encode();
    ByteBuffer.wrap(bytes).putShort(12, (short) 0xffff);
    fixTrailingCrc(bytes);
    assertThatThrownBy(() -> Manifest.decode(bytes, "MANIFEST"))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("runs past the end");
  }

  @Test
  void journalEntryNamingAnInvalidRefIsDamageNotARef() throws IOException {
    Hash hash = SHA256.hash(new byte[] {1});
    ByteBuffer journal = ByteBuffer.allocate(200);
    journal.put("CAIRNRF1".getBytes(StandardCharsets.US_ASCII));
    entry(journal, "refs/heads/main", hash);
    entry(journal, "../../escape", hash);
    Files.write(
        dir.resolve(RefJournal.FILE), java.util.Arrays.copyOf(journal.array(), journal.position()));
    try (RefJournal refs = RefJournal.open(dir, SHA256, false)) {
      assertThatThrownBy(refs::names)
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining(dir.resolve(RefJournal.FILE).toString());
    }
  }

  private static void entry(ByteBuffer out, String name, Hash hash) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    int bodyLength = 3 + bytes.length + hash.length();
    int start = out.position();
    out.putInt(bodyLength).putInt(0).put((byte) 1).putShort((short) bytes.length).put(bytes);
    hash.writeTo(out);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), start + 8, bodyLength);
    out.putInt(start + 4, (int) crc.getValue());
  }

  /** A valid index of {@code n} records laid end to end. */
  private Path index(int n) throws IOException {
    SegmentIndex.Builder entries = new SegmentIndex.Builder(32);
    long offset = 0;
    for (int i = 0; i < n; i++) {
      entries.add(SHA256.hash(new byte[] {(byte) i}), offset, 1);
      offset += Record.size(32, 1);
    }
    Path file = dir.resolve(Segment.indexFileName(1));
    SegmentIndex.write(file, SHA256, 1, offset, entries);
    return file;
  }

  private static void fixTrailingCrc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
  }
}
