/**
 * The durable disk store, {@code disk:/path}: {@link dev.cairn.disk.DiskBackend}, opened directly
 * with {@link dev.cairn.disk.DiskBackend#open(java.nio.file.Path, dev.cairn.disk.DiskOptions)} or
 * through the stack by {@link dev.cairn.disk.DiskStoreFactory}.
 *
 * <h2>On-disk format (version 1)</h2>
 *
 * <p>All integers are big-endian; every checksum is CRC32C.
 *
 * <ul>
 *   <li>{@code MANIFEST}: magic {@code CAIRNMF1}, format version, hash algorithm name, generation,
 *       active segment id, next segment id, sealed segment ids, checksum. The authority on which
 *       files are live; replaced by temp file, fsync, rename, directory fsync.
 *   <li>{@code seg-<16 hex>.data}: records appended back to back. A record is {@code u32 length |
 *       BATCH_OPEN<<31 | BATCH_CONTINUED<<30}, {@code u32} checksum (of everything but itself), the
 *       hash, the payload. Every record of a batch but the last carries BATCH_OPEN, so recovery
 *       drops a batch whose last record is missing. The data log is the write-ahead log.
 *   <li>{@code seg-<16 hex>.idx}: the index of a sealed segment, or the checkpoint of the active
 *       one (written on a clean close; recovery scans only past it): header, 256-entry fan-out,
 *       sorted hashes, 32-bit offsets, 32-bit lengths, a Bloom filter (1%) of the hashes in Guava's
 *       serial form and bit layout, a checksum of the table and one of the filter. Memory-mapped;
 *       opening checks the header, fan-out and filter, and the table's checksum is checked before
 *       the segment's first lookup, so that opening reads no table. A damaged index or filter is
 *       bypassed (the records are scanned), reported, and rebuilt by a writer.
 *   <li>{@code refs.log}: magic {@code CAIRNRF2}, {@code u64} committed length, header checksum,
 *       then entries {@code u32 length, u32 checksum, kind (set/delete), u16 name length, name,
 *       hash}; replayed on open, rewritten (temp, fsync, rename, directory fsync) when mostly
 *       superseded and at a clean close after changes. The committed length was synced before the
 *       rename, so damage within it (truncation, zeros, a bad entry) is reported; only entries
 *       appended since can be a torn tail.
 *   <li>{@code LOCK}: held with {@link java.nio.channels.FileChannel#tryLock()} by the one writer.
 * </ul>
 *
 * <p>Recovery: files the manifest does not list are removed; the active segment is scanned past its
 * checkpoint and a torn tail (a record cut short, zeros, an unfinished batch) is cut off. Damage
 * that a torn write cannot explain (a bad record followed by good ones, a whole last record failing
 * its checksum, a length field one bit off, anything within a checkpoint) is reported, never
 * served. {@link dev.cairn.spi.IntegrityCheck} ({@code cairn verify}) checks every file and reports
 * what the open found and worked around.
 */
@NullMarked
package dev.cairn.disk;

import org.jspecify.annotations.NullMarked;
