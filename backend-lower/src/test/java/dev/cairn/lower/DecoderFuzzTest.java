package dev.cairn.lower;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.volume.VolumeException;
import dev.cairn.storage.Bloom;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Fuzz targets for every decoder of a volume's files: the control file, the mapping, the index, the
 * bloom filter and the archive record. Given any bytes, a decoder returns something consistent or
 * throws {@link CorruptionException} naming the file and an offset inside it; the control file and
 * the index may also throw {@link VolumeException} ({@code UNSUPPORTED_VOLUME_FORMAT}) (their
 * contract, from the {@code Lower} contract) when they are intact but of another format version.
 * Anything else, including an {@link OutOfMemoryError} from a length read off the file, is a
 * finding.
 *
 * <p>A normal build runs the committed seeds in {@code DecoderFuzzTestInputs/<method>/}. The first
 * input byte is a mode: bit 0 recomputes the checksums the format carries, so that the fuzzer
 * reaches the fields behind them; bit 1 picks SHA-1 rather than SHA-256; bit 2 is target-specific.
 * The rest is the file.
 */
class DecoderFuzzTest {
  private static final Path DIR = directory();
  private static long files;

  /** A control file decodes to fields that re-encode and decode alike, or is rejected. */
  @FuzzTest(maxDuration = "30s")
  void controlFile(byte[] input) {
    byte[] bytes = body(input);
    if (fixChecksums(input) && bytes.length >= 4) {
      fixTrailingCrc(bytes);
    }
    ControlFile control;
    try {
      control = ControlFile.decode("volume.control", bytes);
    } catch (CorruptionException e) {
      assertNamesFile(e, "volume.control", bytes.length);
      return;
    } catch (VolumeException e) {
      assertThat(e.reason()).isEqualTo(VolumeException.Reason.UNSUPPORTED_VOLUME_FORMAT);
      assertThat(e.getMessage()).startsWith("volume.control ");
      return;
    }
    assertThat(control.encode()).isEqualTo(bytes);
    assertThat(ControlFile.decode("again", control.encode())).isEqualTo(control);
  }

  /**
   * A mapping of any bytes, read to any committed end, is rejected or holds entries in order whose
   * sums do not overflow. Input after the mode: u32 CRC (ignored when fixing), u64 end (used modulo
   * the file length plus one entry when fixing), then the file.
   */
  @FuzzTest(maxDuration = "30s")
  void mapping(byte[] input) throws IOException {
    byte[] rest = body(input);
    if (rest.length < 12) {
      return;
    }
    ByteBuffer header = ByteBuffer.wrap(rest);
    int crc = header.getInt(0);
    long end = header.getLong(4);
    byte[] bytes = Arrays.copyOfRange(rest, 12, rest.length);
    if (fixChecksums(input)) {
      end = Math.floorMod(end, bytes.length / Mapping.ENTRY_SIZE + 2) * Mapping.ENTRY_SIZE;
      CRC32C check = new CRC32C();
      check.update(bytes, 0, (int) Math.min(end, bytes.length));
      crc = (int) check.getValue();
    }
    Path file = DIR.resolve(LoadedVolume.MAPPING);
    Files.write(file, bytes);
    Mapping mapping;
    try {
      mapping = Mapping.read(file, end, crc);
    } catch (CorruptionException e) {
      assertNamesFile(e, file.toString(), bytes.length);
      return;
    }
    assertThat((long) mapping.size() * Mapping.ENTRY_SIZE).isEqualTo(end);
    long extent = mapping.dataExtent();
    for (int i = 0; i < mapping.size(); i++) {
      assertThat(mapping.position(i) + mapping.length(i)).isBetween(1L, extent);
      assertThat(mapping.find(mapping.offset(i))).isEqualTo(i);
      assertThat(mapping.find(mapping.offset(i) + mapping.length(i) - 1)).isEqualTo(i);
    }
    mapping.find(crc);
    mapping.find(end);
  }

  /**
   * An index whose control file agrees with its length and count opens or is rejected; once open,
   * every lookup stays inside it. Bit 2 of the mode sets the count the control file claims to the
   * fuzzed trailer's instead of the one that fits the length.
   */
  @FuzzTest(maxDuration = "30s")
  void volumeIndex(byte[] input) throws IOException {
    byte[] bytes = body(input);
    int h = algorithm(input).digestLength();
    long count =
        (bytes.length - VolumeIndex.HEADER - VolumeIndex.TRAILER) / VolumeIndex.entrySize(h);
    if (fixChecksums(input) && bytes.length >= 4) {
      fixTrailingCrc(bytes);
    }
    if ((input.length > 0 && (input[0] & 4) != 0) && bytes.length >= 12) {
      count = ByteBuffer.wrap(bytes).getLong(bytes.length - 12);
    }
    // A new file each run: rewriting one that earlier runs still map gets slower every run.
    Files.deleteIfExists(DIR.resolve(files + "-volume.1.index"));
    Path file = DIR.resolve(++files + "-volume.1.index");
    Files.write(file, bytes);
    VolumeIndex index;
    try {
      index = VolumeIndex.open(file, bytes.length, count, h);
    } catch (CorruptionException e) {
      assertNamesFile(e, file.toString(), bytes.length);
      return;
    } catch (VolumeException e) {
      assertThat(e.reason()).isEqualTo(VolumeException.Reason.UNSUPPORTED_VOLUME_FORMAT);
      assertThat(e.getMessage()).startsWith(file.toString());
      return;
    }
    assertThat((long) index.count()).isEqualTo(count);
    byte[] entry = new byte[VolumeIndex.entrySize(h)];
    for (int i = 0; i < index.count(); i++) {
      index.copyEntry(i, entry);
      int found = index.find(Arrays.copyOf(entry, h));
      if (found >= 0) {
        index.offset(found);
        index.recordLength(found);
      }
    }
    for (int at = 0; at + h <= bytes.length; at += 61) {
      index.find(Arrays.copyOfRange(bytes, at, at + h));
    }
  }

  /** Bloom filter bytes decode to a filter or are corrupt; a filter answers any key. */
  @FuzzTest(maxDuration = "30s")
  void bloom(byte[] input) {
    byte[] bytes = body(input);
    Bloom bloom;
    try {
      bloom = LoadedVolume.decodeBloom("volume.1.bloom", bytes);
    } catch (CorruptionException e) {
      assertNamesFile(e, "volume.1.bloom", bytes.length);
      return;
    }
    bloom.mightContain(Bloom.keyOfAll(input));
  }

  /**
   * An archive record of any bytes, packed or classic, yields a hash and payload or is corrupt,
   * named with an offset inside the record: never another exception, never a crash of the
   * decompressor.
   */
  @FuzzTest(maxDuration = "30s")
  void archiveRecord(byte[] input) {
    byte[] bytes = body(input);
    HashAlgorithm algorithm = algorithm(input);
    if (fixChecksums(input) && bytes.length >= 8) {
      boolean packed = bytes[0] < 0;
      CRC32C crc = new CRC32C();
      crc.update(bytes, packed ? 4 : 0, bytes.length - 4 - (packed ? 4 : 0));
      ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    }
    try {
      ArchiveRecord.Decoded decoded =
          ArchiveRecord.decode(ByteBuffer.wrap(bytes), algorithm, "volume.data", 4096);
      assertThat((long) decoded.payload().length).isLessThanOrEqualTo(bytes.length * 32_768L);
    } catch (CorruptionException e) {
      assertThat(e.file()).isEqualTo("volume.data");
      assertThat(e.offset()).isBetween(4096L, 4096L + bytes.length);
    }
  }

  private static void assertNamesFile(CorruptionException e, String file, long length) {
    assertThat(e.file()).isEqualTo(file);
    assertThat(e.offset()).as(e.getMessage()).isBetween(-1L, length);
  }

  private static void fixTrailingCrc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
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

  /** A temporary directory for the fuzzed files, in memory where the machine offers it. */
  private static Path directory() {
    try {
      Path shm = Path.of("/dev/shm");
      Path dir =
          Files.isDirectory(shm) && Files.isWritable(shm)
              ? Files.createTempDirectory(shm, "cairn-lower-fuzz")
              : Files.createTempDirectory("cairn-lower-fuzz");
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try (var files = Files.list(dir)) {
                      for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                      }
                      Files.deleteIfExists(dir);
                    } catch (IOException e) {
                      // A leftover temporary file harms nothing.
                    }
                  }));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
