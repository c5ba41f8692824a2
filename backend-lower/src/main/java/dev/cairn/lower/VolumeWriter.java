package dev.cairn.lower;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.storage.Compression;
import dev.cairn.storage.DurableFiles;
import dev.cairn.storage.RecordCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The two ways data enters a volume archive, in the order of writes and syncs that makes them
 * crash-safe: {@link #append} (archive: past the committed ends, then a new index, bloom filter and
 * temporary control, nothing visible until the swap) and {@link #createFirst} (the first volume
 * from an existing file, built in a staging directory and renamed into place). The caller has
 * checked the arguments and serializes calls.
 */
final class VolumeWriter {
  private final String store;
  private final HashAlgorithm algorithm;
  private final int digestLength;
  private final int runEntries;
  private final RecordCodec codec;

  VolumeWriter(String store, HashAlgorithm algorithm, int runEntries, Compression compression) {
    this.store = store;
    this.algorithm = algorithm;
    this.digestLength = algorithm.digestLength();
    this.runEntries = runEntries;
    // Volumes keep no dictionary: an archive appends to a volume that earlier ones wrote.
    this.codec =
        RecordCodec.create(compression == Compression.AUTO ? Compression.ZSTD : compression, null);
  }

  /**
   * Appends {@code objects} to {@code volume} from global offset {@code fromOffset} and writes its
   * temporary control for {@code generation}; everything is synced when this returns.
   */
  Archived append(
      LoadedVolume volume,
      String upperRoot,
      int generation,
      long fromOffset,
      Iterator<ArchiveEntry> objects)
      throws IOException {
    Path directory = volume.path();
    ControlFile old = volume.control();
    long dataEnd = old == null ? 0 : old.dataEnd();
    long mappingEnd = old == null ? 0 : old.mappingEnd();
    long offset = fromOffset;
    long count = 0;
    try (FileChannel data =
            DurableFiles.open(
                directory.resolve(LoadedVolume.DATA),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        IndexWriter index =
            new IndexWriter(directory, "volume." + generation, digestLength, runEntries)) {
      // Whatever lies past the committed end is what a crashed archive left: overwrite it.
      data.truncate(dataEnd);
      data.position(dataEnd);
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(data), 1 << 16));
      while (objects.hasNext()) {
        ArchiveEntry entry = requireNonNull(objects.next(), "an archive entry");
        if (!entry.hash().algorithm().name().equals(algorithm.name())) {
          throw new HashAlgorithmMismatchException(store, algorithm, entry.hash());
        }
        if (entry.data().length > RecordCodec.MAX_PAYLOAD - 4) {
          throw new IllegalArgumentException(
              String.format(
                  "object %s is %d bytes, more than a volume record holds",
                  entry.hash(), entry.data().length));
        }
        byte[] record = ArchiveRecord.encode(entry.data(), codec);
        out.write(record);
        index.add(entry.hash(), offset, record.length);
        offset += record.length;
        count++;
        ArchiveSteps.reached(ArchiveSteps.RECORD);
      }
      out.flush();
      data.force(true);
      ArchiveSteps.reached(ArchiveSteps.DATA_SYNCED);
      if (count == 0 && old == null) {
        // Nothing to commit in an empty volume: it stays empty, and swap has nothing to rename.
        return new Archived(volume.id(), generation, fromOffset, fromOffset, 0);
      }
      int mappingCrc;
      try (FileChannel mapping =
          DurableFiles.open(
              directory.resolve(LoadedVolume.MAPPING),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.READ)) {
        mapping.truncate(mappingEnd);
        if (count > 0) {
          mapping.position(mappingEnd);
          DurableFiles.writeFully(mapping, Mapping.entry(fromOffset, dataEnd, offset - fromOffset));
          mappingEnd += Mapping.ENTRY_SIZE;
        }
        mapping.force(true);
        ByteBuffer all = ByteBuffer.allocate((int) mappingEnd);
        DurableFiles.readExactly(
            mapping, all, 0, directory.resolve(LoadedVolume.MAPPING).toString());
        CRC32C check = new CRC32C();
        check.update(all.flip());
        mappingCrc = (int) check.getValue();
      }
      ArchiveSteps.reached(ArchiveSteps.MAPPING_SYNCED);
      ControlFile next;
      if (count == 0 && old != null) {
        next =
            new ControlFile(
                old.startOffset(),
                old.endOffset(),
                old.dataEnd(),
                old.mappingEnd(),
                old.mappingCrc(),
                old.indexGeneration(),
                old.objectCount(),
                old.indexLength(),
                old.bloomLength(),
                old.bloomCrc(),
                algorithm.name(),
                upperRoot);
      } else {
        IndexWriter.Written written =
            index.finish(
                volume.index(),
                LoadedVolume.indexFile(directory, generation),
                LoadedVolume.bloomFile(directory, generation));
        next =
            new ControlFile(
                old == null ? fromOffset : old.startOffset(),
                offset,
                dataEnd + (offset - fromOffset),
                mappingEnd,
                mappingCrc,
                generation,
                written.count(),
                written.indexLength(),
                written.bloomLength(),
                written.bloomCrc(),
                algorithm.name(),
                upperRoot);
        ArchiveSteps.reached(ArchiveSteps.INDEX_SYNCED);
      }
      next.write(LoadedVolume.tempControl(directory, generation));
      ArchiveSteps.reached(ArchiveSteps.CONTROL_SYNCED);
      DurableFiles.syncDirectory(directory);
      ArchiveSteps.reached(ArchiveSteps.ARCHIVED);
    }
    return new Archived(volume.id(), generation, fromOffset, offset, count);
  }

  /**
   * Makes {@code root/volume.0} from {@code src}: checks and indexes its records, moves it into
   * {@code volume.0.staging/} with a mapping, index, bloom filter and control, then renames the
   * staging directory into place. A staging directory left by a crash is undone first.
   */
  void createFirst(Path root, Path src, int deadHeaderSize, long size) throws IOException {
    Path staging = root.resolve("volume.0.staging");
    recoverStaging(src, staging);
    Files.createDirectory(staging);
    try (IndexWriter index = new IndexWriter(staging, "volume.0", digestLength, runEntries)) {
      scan(src, deadHeaderSize, size, index);
      ArchiveSteps.reached(ArchiveSteps.CREATE_SCANNED);
      DurableFiles.move(src, staging.resolve(LoadedVolume.DATA));
      ArchiveSteps.reached(ArchiveSteps.CREATE_MOVED);
      ByteBuffer mappingBytes =
          size == 0 ? ByteBuffer.allocate(0) : Mapping.entry(0, deadHeaderSize, size);
      CRC32C mappingCrc = new CRC32C();
      mappingCrc.update(mappingBytes.duplicate());
      try (FileChannel mapping =
          DurableFiles.open(
              staging.resolve(LoadedVolume.MAPPING),
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE)) {
        DurableFiles.writeFully(mapping, mappingBytes.duplicate());
        mapping.force(true);
      }
      IndexWriter.Written written =
          index.finish(
              null, LoadedVolume.indexFile(staging, 0), LoadedVolume.bloomFile(staging, 0));
      ControlFile control =
          new ControlFile(
              0,
              size,
              (long) deadHeaderSize + size,
              mappingBytes.remaining(),
              (int) mappingCrc.getValue(),
              0,
              written.count(),
              written.indexLength(),
              written.bloomLength(),
              written.bloomCrc(),
              algorithm.name(),
              src.toAbsolutePath().toString());
      control.write(staging.resolve(LoadedVolume.CONTROL));
      DurableFiles.syncDirectory(staging);
      ArchiveSteps.reached(ArchiveSteps.CREATE_STAGED);
    } catch (CorruptionException e) {
      deleteTree(staging);
      throw e;
    }
    Files.move(staging, root.resolve("volume.0"), StandardCopyOption.ATOMIC_MOVE);
    DurableFiles.syncDirectory(root);
    ArchiveSteps.reached(ArchiveSteps.CREATE_RENAMED);
  }

  /**
   * Undoes what a crashed {@code createFrom} left in {@code staging}: if {@code src} was already
   * moved in, it is moved back (through {@code src.returning}, renamed into place only once whole,
   * so a crash while moving back loses nothing either); then the staging directory is deleted.
   */
  private static void recoverStaging(Path src, Path staging) throws IOException {
    Path moved = staging.resolve(LoadedVolume.DATA);
    Path returning = src.resolveSibling(src.getFileName() + ".returning");
    if (Files.exists(returning) && !Files.exists(moved) && !Files.exists(src)) {
      // Moved back whole (the staging copy is deleted only after that), not yet renamed.
      DurableFiles.rename(returning, src);
    }
    if (!Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.exists(src) && Files.exists(moved)) {
      Files.deleteIfExists(returning);
      DurableFiles.move(moved, returning);
      DurableFiles.rename(returning, src);
    }
    deleteTree(staging);
  }

  private static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
    DurableFiles.syncDirectory(requireNonNull(directory.getParent(), "parent of " + directory));
  }

  /** Checks every record of {@code src} before anything moves, indexing them. */
  private void scan(Path src, int deadHeaderSize, long size, IndexWriter index) throws IOException {
    long fileSize = Files.size(src);
    if (fileSize < deadHeaderSize + size) {
      throw new CorruptionException(
          src.toString(),
          fileSize,
          String.format(
              "file ends before its dead header (%d) plus size (%d)", deadHeaderSize, size));
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(src), 1 << 16)) {
      in.skipNBytes(deadHeaderSize);
      long position = 0;
      byte[] header = new byte[4];
      while (position < size) {
        long at = deadHeaderSize + position;
        if (size - position < ArchiveRecord.MIN_SIZE) {
          throw new CorruptionException(src.toString(), at, "a record crosses the end offset");
        }
        in.readNBytes(header, 0, 4);
        int word = ByteBuffer.wrap(header).getInt();
        long recordSize = ArchiveRecord.sizeFromFirstWord(word, digestLength);
        if (recordSize < ArchiveRecord.MIN_SIZE
            || recordSize > size - position
            || recordSize > Integer.MAX_VALUE) {
          throw new CorruptionException(
              src.toString(),
              at,
              String.format("record length %d crosses the end offset %d", word & 0x7fffffff, size));
        }
        byte[] record = new byte[(int) recordSize];
        System.arraycopy(header, 0, record, 0, 4);
        if (in.readNBytes(record, 4, record.length - 4) != record.length - 4) {
          throw new CorruptionException(src.toString(), at, "file ends inside a record");
        }
        Hash hash =
            ArchiveRecord.decode(ByteBuffer.wrap(record), algorithm, src.toString(), at).hash();
        index.add(hash, position, record.length);
        position += recordSize;
      }
    }
  }
}
