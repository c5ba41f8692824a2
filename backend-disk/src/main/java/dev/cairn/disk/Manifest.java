package dev.cairn.disk;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The authority on which files make up a store: format version, hash algorithm, generation, the
 * sealed segments and the active one. Immutable; replaced atomically on disk (temp file, fsync,
 * rename, directory fsync), so a crash leaves the old or the new manifest.
 *
 * <pre>
 *   "CAIRNMF1"                 8 bytes
 *   u32 format version         (1)
 *   u16 n, n bytes UTF-8       hash algorithm name
 *   u64 generation             grows by one with every replacement
 *   u64 active segment id
 *   u64 next segment id        ids are never reused
 *   u32 k, k x u64             sealed segment ids, oldest first
 *   u32 CRC32C of all the bytes before it
 * </pre>
 */
final class Manifest {
  static final String FILE = "MANIFEST";
  static final String TEMP = "MANIFEST.tmp";
  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "CAIRNMF1".getBytes(StandardCharsets.US_ASCII);

  final String algorithm;
  final long generation;
  final long activeSegment;
  final long nextSegmentId;
  final List<Long> sealed;

  Manifest(
      String algorithm,
      long generation,
      long activeSegment,
      long nextSegmentId,
      List<Long> sealed) {
    this.algorithm = requireNonNull(algorithm, "algorithm");
    this.generation = generation;
    this.activeSegment = activeSegment;
    this.nextSegmentId = nextSegmentId;
    this.sealed = List.copyOf(sealed);
  }

  Manifest withSegments(long activeSegment, long nextSegmentId, List<Long> sealed) {
    return new Manifest(algorithm, generation + 1, activeSegment, nextSegmentId, sealed);
  }

  /** All live segment ids: the sealed ones then the active one. */
  List<Long> liveSegments() {
    List<Long> all = new ArrayList<>(sealed);
    all.add(activeSegment);
    return all;
  }

  byte[] encode() {
    byte[] name = algorithm.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + 4 + 2 + name.length + 24 + 4 + 8 * sealed.size() + 4);
    out.put(MAGIC)
        .putInt(FORMAT_VERSION)
        .putShort((short) name.length)
        .put(name)
        .putLong(generation)
        .putLong(activeSegment)
        .putLong(nextSegmentId)
        .putInt(sealed.size());
    sealed.forEach(out::putLong);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  static Manifest decode(byte[] bytes, String file) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length < 8 + 4 + 2 + 24 + 4 + 4) {
      throw new CorruptionException(file, bytes.length, "manifest is too short");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
    if ((int) crc.getValue() != stored) {
      throw new CorruptionException(file, bytes.length - 4, "manifest checksum mismatch");
    }
    byte[] magic = new byte[8];
    in.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CorruptionException(file, 0, "not a Cairn manifest (bad magic)");
    }
    int version = in.getInt();
    if (version != FORMAT_VERSION) {
      throw new CorruptionException(
          file,
          8,
          "manifest format version "
              + version
              + " is not supported (expected "
              + FORMAT_VERSION
              + ")");
    }
    try {
      int nameLength = Short.toUnsignedInt(in.getShort());
      if (nameLength > in.remaining() - (24 + 4 + 4)) {
        throw new CorruptionException(
            file,
            in.position() - 2,
            "algorithm name length " + nameLength + " runs past the end of the manifest");
      }
      byte[] name = new byte[nameLength];
      in.get(name);
      long generation = in.getLong();
      long active = in.getLong();
      long next = in.getLong();
      int count = in.getInt();
      if (count < 0 || count > (in.remaining() - 4) / 8) {
        throw new CorruptionException(file, in.position() - 4, "bad segment count " + count);
      }
      List<Long> sealed = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        sealed.add(in.getLong());
      }
      if (in.remaining() != 4) {
        throw new CorruptionException(file, in.position(), "trailing bytes after the manifest");
      }
      String algorithm;
      try {
        // Strictly: a name that is not UTF-8 would not re-encode to the bytes it came from.
        algorithm =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(name))
                .toString();
      } catch (CharacterCodingException e) {
        throw new CorruptionException(file, 14, "algorithm name is not UTF-8", e);
      }
      return new Manifest(algorithm, generation, active, next, sealed);
    } catch (java.nio.BufferUnderflowException e) {
      throw new CorruptionException(file, in.position(), "manifest is truncated", e);
    }
  }

  /** The manifest in {@code directory}, or null if there is none. */
  static @Nullable Manifest read(Path directory) throws IOException {
    Path path = directory.resolve(FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    }
    return decode(bytes, path.toString());
  }

  /** Replaces the manifest of {@code directory} with this one, durably and atomically. */
  void install(Path directory) throws IOException {
    DurableFiles.replace(directory.resolve(FILE), ByteBuffer.wrap(encode())); // via TEMP
  }
}
