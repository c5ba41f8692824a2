package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

/**
 * How a {@link PackWriter} writes: the compression, the zstd level, the bounds of the dictionary it
 * may train, and how much of each hash its index keeps.
 *
 * @param compression how records are stored
 * @param level the zstd level, 1 to 22
 * @param dictionaryBytes the largest dictionary trained (the pack stores it once)
 * @param sampleBytes how many bytes of the first objects are held back and sampled to train the
 *     dictionary before anything is written; the writer's heap is bounded by about this
 * @param indexHashBytes 0 to keep whole hashes in the index (a read trusts the index, whose
 *     checksum was verified when it was opened); else at least 8: the index keeps that many leading
 *     bytes of each hash (more where two objects share them), and every read re-hashes the payload
 *     it found, which costs a hash of the payload per read and saves {@code digestLength -
 *     indexHashBytes} bytes per object
 */
public record PackOptions(
    Compression compression, int level, int dictionaryBytes, int sampleBytes, int indexHashBytes) {
  /** Checks the values. */
  public PackOptions {
    requireNonNull(compression, "compression");
    if (level < 1 || level > 22) {
      throw new IllegalArgumentException("zstd level must be 1 to 22, got " + level);
    }
    if (dictionaryBytes < 256 || sampleBytes < dictionaryBytes) {
      throw new IllegalArgumentException(
          String.format(
              "a dictionary of %d bytes (at least 256) from %d sample bytes (at least as many)",
              dictionaryBytes, sampleBytes));
    }
    if (indexHashBytes != 0 && (indexHashBytes < PackFormat.MIN_PREFIX || indexHashBytes > 255)) {
      throw new IllegalArgumentException(
          "index hash bytes must be 0 (whole hashes) or 8 to 255, got " + indexHashBytes);
    }
  }

  /**
   * {@code compression} at zstd level 6, a dictionary of at most 256 KiB (and a sixteenth of the
   * samples) trained from the first 16 MiB of objects, whole hashes in the index.
   */
  public static PackOptions of(Compression compression) {
    return new PackOptions(compression, RecordCodec.DEFAULT_LEVEL, 256 << 10, 16 << 20, 0);
  }

  /** These options at zstd level {@code level}. */
  public PackOptions withLevel(int level) {
    return new PackOptions(compression, level, dictionaryBytes, sampleBytes, indexHashBytes);
  }

  /** These options keeping {@code bytes} of each hash in the index (0: whole hashes). */
  public PackOptions withIndexHashBytes(int bytes) {
    return new PackOptions(compression, level, dictionaryBytes, sampleBytes, bytes);
  }
}
