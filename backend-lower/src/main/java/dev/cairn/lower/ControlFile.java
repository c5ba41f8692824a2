package dev.cairn.lower;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.volume.VolumeException;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A volume's control file, the authority on what the volume holds: {@code volume.control} for the
 * committed state, {@code volume.<generation>.control} for an archive awaiting its swap. Every
 * other file of the volume is trusted only as far as this says (its committed ends, the checksums
 * of the mapping and bloom filter, the generation of the index).
 *
 * <p>Format version 1, big-endian: magic {@code CAIRNVOL}, version (u32), start offset, end offset,
 * data end, mapping end (u64 each), mapping CRC32C (u32), index generation, object count, index
 * length, bloom length (u64 each), bloom CRC32C (u32), hash algorithm name and upper root (u16
 * length + UTF-8 each), then a CRC32C of everything before it.
 *
 * @param startOffset the first global offset held
 * @param endOffset the global offset past the last byte held
 * @param dataEnd the committed length of {@code volume.data}; bytes past it are a garbage tail
 * @param mappingEnd the committed length of {@code volume.mapping}
 * @param mappingCrc CRC32C of the committed mapping
 * @param indexGeneration names {@code volume.<generation>.index} and {@code .bloom}
 * @param objectCount the number of entries of the index
 * @param indexLength the length of the index file
 * @param bloomLength the length of the bloom filter file
 * @param bloomCrc CRC32C of the bloom filter file
 * @param algorithm the name of the hash algorithm of every object in the volume
 * @param upperRoot where the last archive came from, for diagnostics; may be empty
 */
record ControlFile(
    long startOffset,
    long endOffset,
    long dataEnd,
    long mappingEnd,
    int mappingCrc,
    long indexGeneration,
    long objectCount,
    long indexLength,
    long bloomLength,
    int bloomCrc,
    String algorithm,
    String upperRoot) {
  static final int VERSION = 1;
  private static final byte[] MAGIC = "CAIRNVOL".getBytes(StandardCharsets.US_ASCII);

  ControlFile {
    requireNonNull(algorithm, "algorithm");
    requireNonNull(upperRoot, "upperRoot");
  }

  byte[] encode() {
    byte[] alg = algorithm.getBytes(StandardCharsets.UTF_8);
    byte[] upper = upperRoot.getBytes(StandardCharsets.UTF_8);
    if (upper.length > 0xffff) {
      upper = new byte[0];
    }
    ByteBuffer out =
        ByteBuffer.allocate(8 + 4 + 8 * 4 + 4 + 8 * 4 + 4 + 2 + alg.length + 2 + upper.length + 4);
    out.put(MAGIC)
        .putInt(VERSION)
        .putLong(startOffset)
        .putLong(endOffset)
        .putLong(dataEnd)
        .putLong(mappingEnd)
        .putInt(mappingCrc)
        .putLong(indexGeneration)
        .putLong(objectCount)
        .putLong(indexLength)
        .putLong(bloomLength)
        .putInt(bloomCrc)
        .putShort((short) alg.length)
        .put(alg)
        .putShort((short) upper.length)
        .put(upper);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** Writes this control to {@code file} (replacing it) and syncs it. */
  void write(Path file) {
    try (FileChannel channel =
        DurableFiles.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      DurableFiles.writeFully(channel, ByteBuffer.wrap(encode()));
      channel.force(true);
    } catch (IOException e) {
      throw new StoreIOException("writing control file " + file, e);
    }
  }

  /**
   * Reads and checks a control file.
   *
   * @throws CorruptionException if its magic, checksum or fields are wrong
   * @throws VolumeException (UNSUPPORTED_VOLUME_FORMAT) if it is intact but of another format
   *     version
   */
  static ControlFile read(Path file) {
    return decode(file.toString(), readAll(file));
  }

  /** Reads a whole small file of a volume, naming it in the error. */
  static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new StoreIOException("reading " + file, e);
    }
  }

  static ControlFile decode(String name, byte[] bytes) {
    if (bytes.length < MAGIC.length + 8) {
      throw new CorruptionException(name, bytes.length, "control file truncated");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new CorruptionException(name, i, "not a volume control file (bad magic)");
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if ((int) crc.getValue() != stored) {
      throw new CorruptionException(
          name,
          bytes.length - 4,
          String.format(
              "control file checksum mismatch (stored %08x, computed %08x)",
              stored, (int) crc.getValue()));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, MAGIC.length, bytes.length - MAGIC.length - 4);
    int version = in.getInt();
    if (version != VERSION) {
      throw VolumeException.unsupportedVolumeFormat(name, version, VERSION);
    }
    try {
      ControlFile control =
          new ControlFile(
              in.getLong(),
              in.getLong(),
              in.getLong(),
              in.getLong(),
              in.getInt(),
              in.getLong(),
              in.getLong(),
              in.getLong(),
              in.getLong(),
              in.getInt(),
              string(in),
              string(in));
      if (in.hasRemaining()) {
        throw new CorruptionException(
            name, bytes.length - 4 - in.remaining(), "unexpected bytes after the control fields");
      }
      control.check(name);
      return control;
    } catch (BufferUnderflowException e) {
      throw new CorruptionException(name, bytes.length, "control file fields truncated", e);
    } catch (CharacterCodingException e) {
      throw new CorruptionException(
          name, bytes.length - 4 - in.remaining(), "control file names are not UTF-8", e);
    }
  }

  /** A u16-prefixed string, strictly UTF-8 so that it re-encodes to the same bytes. */
  private static String string(ByteBuffer in) throws CharacterCodingException {
    int length = Short.toUnsignedInt(in.getShort());
    if (length > in.remaining()) {
      throw new BufferUnderflowException(); // reported as truncated fields by decode
    }
    byte[] text = new byte[length];
    in.get(text);
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(text))
        .toString();
  }

  private void check(String name) {
    if (startOffset < 0
        || endOffset < startOffset
        || dataEnd < 0
        || mappingEnd < 0
        || mappingEnd % Mapping.ENTRY_SIZE != 0
        || objectCount < 0
        || indexLength < 0
        || bloomLength < 0
        || indexGeneration < 0) {
      throw new CorruptionException(name, MAGIC.length + 4, "inconsistent control fields: " + this);
    }
  }
}
