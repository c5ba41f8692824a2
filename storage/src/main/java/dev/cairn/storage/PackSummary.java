package dev.cairn.storage;

/**
 * What a {@link PackWriter} wrote.
 *
 * @param objects the objects indexed (a hash added twice counts once)
 * @param payloadBytes the bytes of their payloads
 * @param packBytes the length of the pack
 * @param indexBytes the length of the index
 * @param dictionaryBytes the length of the pack's dictionary (0 if none)
 * @param compressedRecords the records stored compressed
 * @param packChecksum the CRC32C of the pack before its trailer
 */
public record PackSummary(
    long objects,
    long payloadBytes,
    long packBytes,
    long indexBytes,
    int dictionaryBytes,
    long compressedRecords,
    int packChecksum) {
  /** Pack and index bytes per payload byte (0 for an empty pack). */
  public double ratio() {
    return payloadBytes == 0 ? 0 : (double) (packBytes + indexBytes) / payloadBytes;
  }
}
