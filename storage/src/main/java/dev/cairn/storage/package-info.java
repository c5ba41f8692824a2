/**
 * What every Cairn store that keeps files shares: one pack format, one index, one durable-file
 * layer. A store (disk, volume archive, object storage, or a third-party plugin) builds on these
 * instead of keeping its own copy.
 *
 * <h2>Writing a pack</h2>
 *
 * <pre>{@code
 * try (OutputStream pack = ...; OutputStream index = ...) {
 *   PackWriter writer = PackWriter.create(pack, HashAlgorithm.SHA256,
 *       PackOptions.of(Compression.AUTO));
 *   for (...) writer.add(hash, bytes);          // in any order; a repeated hash is stored once
 *   PackSummary written = writer.finish(index); // pack trailer, then the whole index
 * }
 * // durable: sync both files (DurableFiles.sync), then rename them into place (DurableFiles.rename)
 * }</pre>
 *
 * <h2>Reading</h2>
 *
 * <pre>{@code
 * PackIndex index = PackIndex.decode(DurableFiles.map(indexChannel, 0, size), "x.idx");
 * PackReader reader = PackReader.open(index, ByteSource.of(packChannel), algorithm, "x.pack");
 * Optional<byte[]> bytes = reader.read(hash);  // one ByteSource.read of exactly one record
 * }</pre>
 *
 * <p>{@link dev.cairn.storage.ByteSource} is a "read this range" callback: a file channel, a mapped
 * buffer, or one ranged GET of an object store. Opening a reader costs one read of the pack's head
 * ({@link dev.cairn.storage.PackIndex#headLength()} bytes: header and dictionary), which a store
 * may keep and serve itself since packs never change; a pack without a dictionary opens with no
 * read at all ({@link dev.cairn.storage.PackReader#openWithoutHead}). A point read costs one read
 * of the record, located by the index alone.
 *
 * <h2>The pack file (format version 1)</h2>
 *
 * <pre>
 * header      "CRNP" | version u8 (1) | digest length u8 | 0 u16 | dictionary length u32 | CRC32C u32
 * dictionary  zstd dictionary bytes | CRC32C u32            (only if its length is not 0)
 * records     one per object, in the order written:
 *               codec u8 | [payload length varint, if compressed] | body | CRC32C u32
 *               codec 0 raw (body = payload), 1 zstd frame, 2 zstd frame with the dictionary
 * trailer     "CRNE" | record count u32 | CRC32C u32 of every byte before the trailer
 * </pre>
 *
 * <p>A record holds neither its hash nor its length: the index has both. A raw record adds 5 bytes
 * to its payload.
 *
 * <h2>The index file (format version 1)</h2>
 *
 * <pre>
 * header      "CRNI" | version u8 (1) | digest length u8 | prefix length u8 | offset width u8 (4|8)
 *             | count u32 | pack length u64 | pack CRC32C u32 | dictionary length u32 | CRC32C u32
 * fan-out     256 x u32: entries whose hash's first byte is at most i
 * prefixes    count x prefix length bytes, sorted (unsigned): the hashes, or their first bytes
 * offsets     count x offset width: where each record starts in the pack
 * lengths     count x u32: each record's length
 * trailer     CRC32C u32 of every byte before it
 * </pre>
 *
 * <p>With whole hashes in the index (the default) an object costs its record plus {@code digest +
 * 8} index bytes. An index that keeps prefixes ({@link
 * dev.cairn.storage.PackOptions#indexHashBytes()}, at least 8 bytes and unique within the pack)
 * costs {@code prefix + 8}, and every read re-hashes the payload to check that it is the object
 * asked for.
 *
 * <h2>Damage</h2>
 *
 * <p>Every decoder checks its checksum first and every length against the bytes present before
 * allocating: a flipped bit anywhere in a pack or index (header, dictionary, record, compressed
 * data, fan-out, location) is a {@link dev.cairn.spi.CorruptionException} naming the file and
 * offset, never data served and never a crash.
 *
 * <h2>Durable files</h2>
 *
 * <p>{@link dev.cairn.storage.DurableFiles} is the one implementation of atomic replace, sync of
 * files and directories (a failed directory sync is an error, never swallowed), durable moves and
 * short-transfer loops, public for plugins that keep files.
 */
@NullMarked
package dev.cairn.storage;

import org.jspecify.annotations.NullMarked;
