package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.Bloom;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Fuzz targets for every decoder of the disk store's files: the manifest, the ref journal, the
 * segment index, its Bloom filter, a record read through an index location, and the scan of an
 * active segment's tail. Given any bytes, a decoder returns something consistent or throws {@link
 * CorruptionException} naming the file and an offset inside it; anything else (an unchecked
 * exception, an {@link OutOfMemoryError} from a length read off the file) is a finding.
 *
 * <p>A normal build runs the committed seeds in {@code DecoderFuzzTestInputs/<method>/} (valid
 * files of each format and the inputs of past findings). To fuzz one target, see {@code
 * RELIABILITY.md} (family 8): {@code JAZZER_FUZZ=1} with {@code -Dtest=DecoderFuzzTest#x}.
 *
 * <p>The first input byte is a mode: bit 0 recomputes the checksums the format carries before
 * decoding, so that the fuzzer gets past them to the fields behind; bit 1 picks SHA-1 rather than
 * SHA-256. The rest is the file.
 */
class DecoderFuzzTest {
  private static final Path DIR = FuzzFiles.directory("cairn-disk-fuzz");
  private static long files;

  /** The manifest decodes to a manifest that re-encodes to the same bytes, or is corrupt. */
  @FuzzTest(maxDuration = "30s")
  void manifest(byte[] input) {
    byte[] bytes = body(input);
    if (fixChecksums(input) && bytes.length >= 4) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, bytes.length - 4);
      ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    }
    Manifest manifest;
    try {
      manifest = Manifest.decode(bytes, "MANIFEST");
    } catch (CorruptionException e) {
      assertNamesFile(e, "MANIFEST", bytes.length);
      return;
    }
    assertThat(manifest.encode()).isEqualTo(bytes);
  }

  /**
   * The ref journal opens (read-only and read-write); its refs are valid names mapped to hashes, or
   * every ref operation throws the corruption it found. A writer's new ref survives a reopen.
   */
  @FuzzTest(maxDuration = "30s")
  void refJournal(byte[] input) throws IOException {
    byte[] bytes = body(input);
    if (fixChecksums(input)) {
      fixJournal(bytes);
    }
    HashAlgorithm algorithm = algorithm(input);
    Path file = DIR.resolve(RefJournal.FILE);
    Files.write(file, bytes);
    try (RefJournal journal = RefJournal.open(DIR, algorithm, false)) {
      readAll(journal, file.toString(), bytes.length);
    }
    Hash hash = algorithm.hash(input);
    try (RefJournal journal = RefJournal.open(DIR, algorithm, true)) {
      if (!readAll(journal, file.toString(), bytes.length)) {
        return;
      }
      journal.set("refs/fuzz", hash, false);
    }
    try (RefJournal journal = RefJournal.open(DIR, algorithm, false)) {
      assertThat(journal.get("refs/fuzz")).hasValue(hash);
    }
  }

  /** Whether the journal's refs could be read; checks them if so. */
  private static boolean readAll(RefJournal journal, String file, long length) {
    List<String> names;
    try {
      names = journal.names();
    } catch (CorruptionException e) {
      assertNamesFile(e, file, length);
      return false;
    }
    for (String name : names) {
      assertThat(dev.cairn.spi.RefName.isValid(name)).as(name).isTrue();
      assertThat(journal.get(name)).isPresent();
    }
    return true;
  }

  /**
   * A segment index opens and checks its table, after which every lookup stays inside it and every
   * entry it serves lies inside the data it covers; or it is corrupt.
   */
  @FuzzTest(maxDuration = "30s")
  void segmentIndex(byte[] input) throws IOException {
    byte[] bytes = body(input);
    HashAlgorithm algorithm = algorithm(input);
    if (fixChecksums(input)) {
      fixIndex(bytes, algorithm.digestLength());
    }
    Path file = fresh(Segment.indexFileName(1), bytes);
    SegmentIndex index;
    try {
      index = SegmentIndex.open(file, algorithm);
      index.verifyTable();
    } catch (CorruptionException e) {
      assertNamesFile(e, file.toString(), bytes.length);
      return;
    }
    int h = algorithm.digestLength();
    for (int i = 0; i < index.count; i++) {
      Hash hash = index.hashAt(i);
      long location = index.find(hash, Bloom.key(hash));
      if (location >= 0) { // the Bloom filter may be damaged and say no
        assertThat(Segment.offsetOf(location)).isEqualTo(index.offsetAt(i));
      }
      assertThat(index.offsetAt(i) + Record.size(h, index.lengthAt(i)))
          .isLessThanOrEqualTo(index.dataLength);
    }
    for (int at = 0; at + h <= bytes.length; at += 97) {
      Hash probe = Hash.of(algorithm, bytes, at, h);
      index.find(probe, Bloom.key(probe));
    }
  }

  /** Bloom filter bytes decode to a filter or are corrupt; a filter answers any hash. */
  @FuzzTest(maxDuration = "30s")
  void bloom(byte[] input) {
    byte[] bytes = body(input);
    Bloom bloom;
    try {
      bloom = Bloom.decode(bytes, "seg.idx", 1000);
    } catch (CorruptionException e) {
      assertThat(e.file()).isEqualTo("seg.idx");
      assertThat(e.offset()).isBetween(1000L, 1000L + bytes.length);
      return;
    }
    bloom.mightContain(HashAlgorithm.SHA256.hash(input));
  }

  /**
   * A record read at any location of any segment file returns the payload of a whole record naming
   * the hash, or is corrupt at that location: never an allocation for a length the file cannot
   * hold. Input after the mode: u32 offset, u32 length, then the data file.
   */
  @FuzzTest(maxDuration = "30s")
  void record(byte[] input) throws IOException {
    byte[] rest = body(input);
    if (rest.length < 8) {
      return;
    }
    HashAlgorithm algorithm = algorithm(input);
    int h = algorithm.digestLength();
    long offset = Integer.toUnsignedLong(ByteBuffer.wrap(rest).getInt(0));
    int length = ByteBuffer.wrap(rest).getInt(4);
    byte[] data = Arrays.copyOfRange(rest, 8, rest.length);
    if (fixChecksums(input) && data.length > 0) {
      offset %= data.length;
      fixRecordAt(data, (int) offset, h);
    }
    Hash hash =
        offset + Record.PREFIX + h <= data.length
            ? Hash.of(algorithm, data, (int) offset + Record.PREFIX, h)
            : algorithm.hash(data);
    Path file = fresh(Segment.dataFileName(1), data);
    Segment segment = new Segment(1, file, algorithm, false, false, (s, problem) -> {});
    try {
      byte[] payload = segment.read(hash, Segment.location(offset, length), (input[0] & 4) != 0);
      assertThat(payload).hasSize(length);
      assertThat(offset + Record.size(h, length)).isLessThanOrEqualTo(data.length);
    } catch (CorruptionException e) {
      // The damage is the record the location names, wherever it claims to be.
      assertThat(e.file()).isEqualTo(file.toString());
      assertThat(e.offset()).as(e.getMessage()).isEqualTo(offset);
    } finally {
      segment.retire(false);
    }
  }

  /**
   * The recovery scan of an active segment's tail, from any start: it returns only whole, checked
   * records (each of which then reads back), ending at a committed end inside the file; damage it
   * skips is reported, never thrown.
   */
  @FuzzTest(maxDuration = "30s")
  void tailScan(byte[] input) throws IOException {
    byte[] rest = body(input);
    if (rest.length < 1) {
      return;
    }
    HashAlgorithm algorithm = algorithm(input);
    int h = algorithm.digestLength();
    byte[] data = Arrays.copyOfRange(rest, 1, rest.length);
    long from = Byte.toUnsignedInt(rest[0]);
    if (fixChecksums(input)) {
      for (int at = (int) Math.min(from, data.length); at < data.length; ) {
        int size = fixRecordAt(data, at, h);
        at += size > 0 ? size : data.length;
      }
    }
    Path file = fresh(Segment.dataFileName(2), data);
    Segment segment = new Segment(2, file, algorithm, false, false, (s, problem) -> {});
    try {
      Segment.Scan scan = segment.scan(from);
      assertThat(scan.committedEnd).isBetween(from, Math.max(from, (long) data.length));
      for (int i = 0; i < scan.hashes.size(); i++) {
        long location = scan.locations.get(i);
        assertThat(Segment.offsetOf(location)).isGreaterThanOrEqualTo(from);
        assertThat(segment.read(scan.hashes.get(i), location, false))
            .hasSize(Segment.lengthOf(location));
      }
    } catch (CorruptionException e) {
      assertNamesFile(e, file.toString(), data.length);
    } finally {
      segment.retire(false);
    }
  }

  /**
   * A new file holding {@code bytes}, the previous one deleted: rewriting a file that earlier runs
   * still map (mappings go only when collected) costs the kernel more with every run.
   */
  private static Path fresh(String name, byte[] bytes) throws IOException {
    Path previous = DIR.resolve(files + "-" + name);
    Files.deleteIfExists(previous);
    Path file = DIR.resolve(++files + "-" + name);
    Files.write(file, bytes);
    return file;
  }

  private static void assertNamesFile(CorruptionException e, String file, long length) {
    assertThat(e.file()).isEqualTo(file);
    assertThat(e.offset()).as(e.getMessage()).isBetween(-1L, length);
  }

  private static byte[] body(byte[] input) {
    return input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
  }

  private static boolean fixChecksums(byte[] input) {
    return input.length > 0 && (input[0] & 1) != 0;
  }

  private static HashAlgorithm algorithm(byte[] input) {
    return input.length > 0 && (input[0] & 2) != 0 ? HashAlgorithm.SHA1 : HashAlgorithm.SHA256;
  }

  /** Makes the record at {@code at} check, if its length fits; returns its size or -1. */
  static int fixRecordAt(byte[] data, int at, int h) {
    if (data.length - at < Record.PREFIX + h) {
      return -1;
    }
    ByteBuffer buffer = ByteBuffer.wrap(data);
    int length = Record.payloadLength(buffer.getInt(at));
    if (length > data.length - at - Record.PREFIX - h) {
      return -1;
    }
    int size = Record.size(h, length);
    buffer.putInt(at + 4, Record.checksum(buffer.duplicate().position(at).limit(at + size)));
    return size;
  }

  /** Makes the header and sync point (formats 2 and 3) and each entry whose length fits check. */
  static void fixJournal(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int at = 8;
    String magic =
        bytes.length >= 8
            ? new String(bytes, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)
            : "";
    if ((magic.equals("CAIRNRF2") || magic.equals("CAIRNRF3")) && bytes.length >= 20) {
      CRC32C header = new CRC32C();
      header.update(bytes, 0, 16);
      buffer.putInt(16, (int) header.getValue());
      at = 20;
      if (magic.equals("CAIRNRF3") && bytes.length >= 20 + SyncPoint.SIZE) {
        CRC32C sync = new CRC32C();
        sync.update(bytes, SyncPoint.OFFSET, SyncPoint.SIZE - 4);
        buffer.putInt(SyncPoint.OFFSET + SyncPoint.SIZE - 4, (int) sync.getValue());
        at = 20 + SyncPoint.SIZE;
      }
    }
    while (at + 8 <= bytes.length) {
      int length = buffer.getInt(at);
      if (length < 0 || length > bytes.length - at - 8) {
        return;
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes, at + 8, length);
      buffer.putInt(at + 4, (int) crc.getValue());
      at += 8 + length;
    }
  }

  /** Makes the table and Bloom checksums of an index whose header lengths fit check. */
  static void fixIndex(byte[] bytes, int h) {
    if (bytes.length < SegmentIndex.HEADER + 256 * 4 + 8) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long count = buffer.getInt(32);
    long bloomLength = buffer.getInt(36);
    long table = SegmentIndex.HEADER + 256L * 4 + count * (h + 8);
    if (count < 0 || bloomLength < 0 || table + bloomLength + 8 > bytes.length) {
      return;
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, (int) table);
    buffer.putInt(bytes.length - 8, (int) crc.getValue());
    crc.reset();
    crc.update(bytes, (int) table, (int) bloomLength);
    buffer.putInt(bytes.length - 4, (int) crc.getValue());
  }

  /** Temporary directories for fuzz files, in memory where the machine offers it. */
  static final class FuzzFiles {
    private FuzzFiles() {}

    static Path directory(String prefix) {
      try {
        Path shm = Path.of("/dev/shm");
        Path dir =
            Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, prefix)
                : Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        return dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void delete(Path dir) {
      try (var files = Files.walk(dir)) {
        files
            .sorted((a, b) -> b.getNameCount() - a.getNameCount())
            .forEach(
                p -> {
                  try {
                    Files.deleteIfExists(p);
                  } catch (IOException e) {
                    // A leftover temp file harms nothing.
                  }
                });
      } catch (IOException e) {
        // Same.
      }
    }
  }
}
