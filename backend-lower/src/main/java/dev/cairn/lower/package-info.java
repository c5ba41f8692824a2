/**
 * The volume archive, {@code lower:/path}: the lower layer of a layered store, after irmin-pack's
 * lower layer, made safer. Entry points: {@link dev.cairn.lower.VolumeArchive} (also the {@link
 * dev.cairn.spi.volume.Lower} contract) and its factory {@link dev.cairn.lower.LowerFactory}.
 *
 * <h2>On disk</h2>
 *
 * <pre>
 * root/
 *   volume.0/                  oldest; global offsets [start, end) of volume.0
 *     volume.data              records: u32 (0x80000000 | n) | the n-byte frame of the
 *                              payload in cairn-storage's record codec (codec raw or zstd,
 *                              CRC32C); the hash is the index's, re-checked on every read.
 *                              Volumes written before hold classic records, still read:
 *                              u32 length | hash | payload | u32 CRC32C
 *     volume.mapping           u64 global offset | u64 data position | u64 length, per run
 *     volume.control           the commit: offsets, data and mapping ends, mapping CRC,
 *                              index generation and count, index and bloom lengths, bloom
 *                              CRC, hash algorithm, provenance, format version, CRC32C
 *     volume.G.index           hashes sorted, locations, 256-entry fan-out, count, CRC32C
 *     volume.G.bloom           Bloom filter of the volume's hashes (cairn-storage's,
 *                              Guava's serial form over whole hashes)
 *     volume.H.control         (between archive of generation H and its swap)
 *   volume.1/ ...              the last volume is the only appendable one
 * </pre>
 *
 * <p>Everything past the ends {@code volume.control} commits, and every index, bloom filter or
 * temporary control of another generation, is garbage that the next archive overwrites or that
 * {@code swap} and {@code cleanup} delete.
 */
@NullMarked
package dev.cairn.lower;

import org.jspecify.annotations.NullMarked;
