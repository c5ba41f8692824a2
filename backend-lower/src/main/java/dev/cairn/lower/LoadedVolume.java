package dev.cairn.lower;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoredObject;
import dev.cairn.spi.volume.RangeRead;
import dev.cairn.spi.volume.Volume;
import dev.cairn.spi.volume.VolumeException;
import dev.cairn.storage.Bloom;
import dev.cairn.storage.RecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * A volume as its control file committed it: the directory {@code volume.<n>/} holding {@code
 * volume.data}, {@code volume.mapping}, {@code volume.control}, the index and bloom filter of the
 * control's generation ({@code volume.<g>.index}, {@code volume.<g>.bloom}) and, between an archive
 * and its swap, {@code volume.<g>.control}. Loading checks the control, the mapping, the index and
 * the bloom filter; records are checked when read. Immutable and thread-safe.
 */
final class LoadedVolume implements Volume {
  static final String CONTROL = "volume.control";
  static final String DATA = "volume.data";
  static final String MAPPING = "volume.mapping";

  /** Files named by a generation: temporary controls, indexes, bloom filters, spilled runs. */
  static final Pattern GENERATION_FILE =
      Pattern.compile("volume\\.(\\d{1,18})\\.(control|index|bloom|run\\d+)");

  private final Path directory;

  /** What the control file committed; null for a volume nothing was committed to yet. */
  private final @Nullable Committed committed;

  private final Mapping mapping;
  private final int digestLength;

  /** The control file and the index and bloom filter of its generation, loaded and checked. */
  private record Committed(ControlFile control, VolumeIndex index, Bloom bloom) {}

  private LoadedVolume(
      Path directory, @Nullable Committed committed, Mapping mapping, int digestLength) {
    this.directory = directory;
    this.committed = committed;
    this.mapping = mapping;
    this.digestLength = digestLength;
  }

  static Path tempControl(Path directory, long generation) {
    return directory.resolve("volume." + generation + ".control");
  }

  static Path indexFile(Path directory, long generation) {
    return directory.resolve("volume." + generation + ".index");
  }

  static Path bloomFile(Path directory, long generation) {
    return directory.resolve("volume." + generation + ".bloom");
  }

  /** The generation a file name carries and its kind, if it is a generation file. */
  static Optional<Matcher> generationFile(Path file) {
    Matcher m = GENERATION_FILE.matcher(file.getFileName().toString());
    return m.matches() ? Optional.of(m) : Optional.empty();
  }

  /** An empty volume in {@code directory}. */
  static LoadedVolume empty(Path directory, int digestLength) {
    return new LoadedVolume(directory, null, Mapping.EMPTY, digestLength);
  }

  /**
   * Loads the volume in {@code directory}: empty if it has no control file. A reader racing a swap
   * in another process may find that the index its control names was just replaced; it then
   * re-reads the control file, a few times at most. If {@code loaded} (may be null) is this volume
   * as loaded before and its control file has not changed since, it is returned as is: its files
   * were checked then and committed files never change.
   */
  static LoadedVolume load(Path directory, int digestLength, @Nullable LoadedVolume loaded) {
    Path controlFile = directory.resolve(CONTROL);
    ControlFile previous = null;
    for (int attempt = 0; ; attempt++) {
      if (!Files.exists(controlFile)) {
        return empty(directory, digestLength);
      }
      ControlFile control = ControlFile.read(controlFile);
      if (loaded != null
          && loaded.directory.equals(directory)
          && control.equals(loaded.control())) {
        return loaded;
      }
      try {
        return withControl(directory, control, controlFile, digestLength);
      } catch (StoreIOException e) {
        boolean raced =
            e.getCause() instanceof NoSuchFileException && attempt < 3 && !control.equals(previous);
        if (!raced) {
          throw e;
        }
        previous = control;
      }
    }
  }

  /** Loads the volume as {@code control} (read from {@code controlFile}) describes it. */
  static LoadedVolume withControl(
      Path directory, ControlFile control, Path controlFile, int digestLength) {
    Path data = directory.resolve(DATA);
    try {
      long size = Files.size(data);
      if (size < control.dataEnd()) {
        throw new CorruptionException(
            data.toString(),
            size,
            String.format(
                "data file is %d bytes, its control file %s commits %d",
                size, controlFile, control.dataEnd()));
      }
    } catch (IOException e) {
      throw new StoreIOException("reading the size of " + data, e);
    }
    Mapping mapping =
        Mapping.read(directory.resolve(MAPPING), control.mappingEnd(), control.mappingCrc());
    if (mapping.dataExtent() > control.dataEnd()) {
      throw new CorruptionException(
          directory.resolve(MAPPING).toString(),
          0,
          "mapping points past the committed data end " + control.dataEnd());
    }
    VolumeIndex index =
        VolumeIndex.open(
            indexFile(directory, control.indexGeneration()),
            control.indexLength(),
            control.objectCount(),
            digestLength);
    Bloom bloom = readBloom(bloomFile(directory, control.indexGeneration()), control);
    return new LoadedVolume(directory, new Committed(control, index, bloom), mapping, digestLength);
  }

  private static Bloom readBloom(Path file, ControlFile control) {
    byte[] bytes = ControlFile.readAll(file);
    if (bytes.length != control.bloomLength()) {
      throw new CorruptionException(
          file.toString(),
          Math.min(bytes.length, control.bloomLength()),
          String.format(
              "bloom filter is %d bytes, its control file says %d",
              bytes.length, control.bloomLength()));
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    if ((int) crc.getValue() != control.bloomCrc()) {
      throw new CorruptionException(file.toString(), 0, "bloom filter checksum mismatch");
    }
    return decodeBloom(file.toString(), bytes);
  }

  /**
   * Reads a bloom filter in Guava's serial form (the {@link Bloom} of whole hashes: {@link
   * Bloom#keyOfAll}), checking the word count against the bytes there before allocating.
   *
   * @throws CorruptionException if the bytes are not a whole filter
   */
  static Bloom decodeBloom(String file, byte[] bytes) {
    return Bloom.decode(bytes, file, 0);
  }

  /**
   * Checks every file of the volume in {@code directory} as its control file on disk commits it,
   * for {@code cairn verify}: the control, the mapping, the index and bloom filter of its
   * generation, and every record of every archived run (whole, checksum, payload re-hashed, runs
   * back to back within the committed data), then that each index entry names a whole record of its
   * hash and the bloom filter holds it. Reports each damage and goes on. {@code loaded} (may be
   * null) is the control as the archive loaded it, used when the one on disk is unreadable.
   */
  static IntegrityCheck.Summary check(
      Path directory,
      @Nullable ControlFile loaded,
      HashAlgorithm algorithm,
      Consumer<? super CorruptionException> report) {
    int digestLength = algorithm.digestLength();
    long files = 0;
    long bytes = 0;
    long objects = 0;
    Path controlPath = directory.resolve(CONTROL);
    ControlFile control = loaded;
    if (Files.exists(controlPath)) {
      files++;
      bytes += sizeOf(controlPath);
      try {
        control = ControlFile.read(controlPath);
      } catch (CorruptionException e) {
        report.accept(e);
      } catch (VolumeException e) {
        report.accept(unsupported(controlPath, e));
      }
    } else if (loaded != null) {
      report.accept(
          new CorruptionException(controlPath.toString(), -1, "the control file is missing"));
    }
    if (control == null) {
      return new IntegrityCheck.Summary(files, bytes, 0, 0);
    }
    Path mappingPath = directory.resolve(MAPPING);
    Mapping mapping = null;
    files++;
    bytes += control.mappingEnd();
    try {
      mapping = Mapping.read(mappingPath, control.mappingEnd(), control.mappingCrc());
    } catch (CorruptionException e) {
      report.accept(e);
    }
    Path indexPath = indexFile(directory, control.indexGeneration());
    VolumeIndex index = null;
    files++;
    bytes += control.indexLength();
    try {
      index =
          VolumeIndex.open(indexPath, control.indexLength(), control.objectCount(), digestLength);
    } catch (CorruptionException e) {
      report.accept(e);
    } catch (VolumeException e) {
      report.accept(unsupported(indexPath, e));
    }
    Bloom bloom = null;
    files++;
    bytes += control.bloomLength();
    try {
      bloom = readBloom(bloomFile(directory, control.indexGeneration()), control);
    } catch (CorruptionException e) {
      report.accept(e);
    }
    Path data = directory.resolve(DATA);
    files++;
    bytes += control.dataEnd();
    try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < control.dataEnd()) {
        report.accept(
            new CorruptionException(
                data.toString(),
                size,
                String.format(
                    "data file is %d bytes, its control file %s commits %d",
                    size, controlPath, control.dataEnd())));
      }
      if (mapping != null) {
        objects +=
            checkRuns(
                channel,
                data.toString(),
                mappingPath.toString(),
                mapping,
                Math.min(size, control.dataEnd()),
                algorithm,
                report);
      }
      if (index != null && mapping != null) {
        checkEntries(channel, data.toString(), index, mapping, bloom, algorithm, report);
      }
    } catch (IOException e) {
      throw new StoreIOException("checking " + data, e);
    }
    return new IntegrityCheck.Summary(files, bytes, objects, 0);
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Walks the records of every run; returns the number of whole records re-hashed. */
  private static long checkRuns(
      FileChannel channel,
      String file,
      String mappingFile,
      Mapping mapping,
      long dataEnd,
      HashAlgorithm algorithm,
      Consumer<? super CorruptionException> report)
      throws IOException {
    int h = algorithm.digestLength();
    long objects = 0;
    long previousEnd = -1;
    for (int r = 0; r < mapping.size(); r++) {
      long start = mapping.position(r);
      long end = start + mapping.length(r);
      if (previousEnd >= 0 && start != previousEnd) {
        report.accept(
            new CorruptionException(
                mappingFile,
                (long) r * Mapping.ENTRY_SIZE,
                String.format(
                    "run %d starts at data position %d, not where run %d ended (%d)",
                    r, start, r - 1, previousEnd)));
      }
      previousEnd = end;
      if (end > dataEnd || end - start > Integer.MAX_VALUE) {
        report.accept(
            new CorruptionException(
                file,
                Math.min(end, dataEnd),
                String.format(
                    "run %d of [%d, %d) ends past the committed data (%d bytes)",
                    r, start, end, dataEnd)));
        continue;
      }
      ByteBuffer run = channel.map(FileChannel.MapMode.READ_ONLY, start, end - start);
      int pos = 0;
      int limit = run.capacity();
      while (pos < limit) {
        int size = ArchiveRecord.wholeRecordAt(run, pos, h);
        if (size < 0) {
          int next = -1;
          for (int p = pos + 1; p < limit && next < 0; p++) {
            if (ArchiveRecord.wholeRecordAt(run, p, h) > 0) {
              next = p;
            }
          }
          report.accept(
              new CorruptionException(
                  file,
                  start + pos,
                  next < 0
                      ? "damaged record; no whole record follows it in its run"
                      : "damaged record; records resume at position " + (start + next)));
          if (next < 0) {
            break;
          }
          pos = next;
          continue;
        }
        try {
          ArchiveRecord.Decoded decoded =
              ArchiveRecord.decode(run.slice(pos, size), algorithm, file, start + pos);
          Hash actual = algorithm.hash(decoded.payload());
          if (!actual.equals(decoded.hash())) {
            report.accept(
                new CorruptionException(
                    file,
                    start + pos,
                    "record of " + decoded.hash() + " holds bytes that hash to " + actual));
          }
        } catch (CorruptionException e) {
          report.accept(e); // Its checksum holds, its compressed data does not decode.
        }
        objects++;
        pos += size;
      }
    }
    return objects;
  }

  /** Checks that each index entry, in order, names a whole record of its hash. */
  private static void checkEntries(
      FileChannel channel,
      String file,
      VolumeIndex index,
      Mapping mapping,
      @Nullable Bloom bloom,
      HashAlgorithm algorithm,
      Consumer<? super CorruptionException> report)
      throws IOException {
    int digestLength = algorithm.digestLength();
    byte[] entry = new byte[VolumeIndex.entrySize(digestLength)];
    byte[] previous = null;
    for (int i = 0; i < index.count(); i++) {
      index.copyEntry(i, entry);
      byte[] hash = java.util.Arrays.copyOf(entry, digestLength);
      if (previous != null && java.util.Arrays.compareUnsigned(previous, hash) >= 0) {
        report.accept(
            new CorruptionException(
                index.file(), index.filePosition(i), "index entries out of order"));
      }
      previous = hash;
      if (bloom != null && !bloom.mightContain(Bloom.keyOfAll(hash))) {
        report.accept(
            new CorruptionException(
                index.file(),
                index.filePosition(i),
                "the bloom filter does not hold the hash of entry " + i));
      }
      long offset = index.offset(i);
      int length = index.recordLength(i);
      int run = mapping.find(offset);
      if (run < 0
          || length < ArchiveRecord.MIN_SIZE
          || offset + length > mapping.offset(run) + mapping.length(run)) {
        report.accept(
            new CorruptionException(
                index.file(),
                index.filePosition(i),
                String.format(
                    "entry %d points at [%d, +%d), outside the archived ranges",
                    i, offset, length)));
        continue;
      }
      long position = mapping.position(run) + (offset - mapping.offset(run));
      ByteBuffer record = ByteBuffer.allocate(length);
      channel.read(record, position);
      record.flip();
      // A record that fails its checksum was reported by the walk of its run; one that checks
      // must be the entry's.
      if (record.limit() == length
          && ArchiveRecord.wholeRecordAt(record, 0, digestLength) == length) {
        Hash named = Hash.of(algorithm, hash);
        boolean another;
        try {
          another = !ArchiveRecord.decode(record, algorithm, file, position).hash().equals(named);
        } catch (CorruptionException e) {
          another = false; // Reported by the walk of its run.
        }
        if (another) {
          report.accept(
              new CorruptionException(
                  index.file(),
                  index.filePosition(i),
                  "entry " + i + " names a record of another hash"));
        }
      }
    }
  }

  /** The committed control file; null for an empty volume. */
  @Nullable ControlFile control() {
    return committed == null ? null : committed.control();
  }

  /** The committed index; null for an empty volume. */
  @Nullable VolumeIndex index() {
    return committed == null ? null : committed.index();
  }

  Path dataFile() {
    return directory.resolve(DATA);
  }

  /** The object named {@code hash}, checked, or empty: the bloom filter first, then the index. */
  Optional<byte[]> read(Hash hash, ChannelCache channels) {
    Committed c = committed;
    if (c == null) {
      return Optional.empty();
    }
    byte[] key = hash.toBytes();
    if (!c.bloom().mightContain(Bloom.keyOfAll(key))) {
      return Optional.empty();
    }
    VolumeIndex index = c.index();
    int entry = index.find(key);
    if (entry < 0) {
      return Optional.empty();
    }
    int length = index.recordLength(entry);
    long position = position(index, entry, hash);
    ByteBuffer record = ByteBuffer.allocate(length);
    channels.read(dataFile(), record, position);
    return Optional.of(ArchiveRecord.payload(record.flip(), hash, dataFile().toString(), position));
  }

  /**
   * Where the record of index entry {@code entry} (naming {@code hash}) is in the data file.
   *
   * @throws CorruptionException if the entry points outside the archived ranges
   */
  private long position(VolumeIndex index, int entry, Hash hash) {
    long offset = index.offset(entry);
    int length = index.recordLength(entry);
    int run = mapping.find(offset);
    if (run < 0
        || length < ArchiveRecord.MIN_SIZE
        || length > mapping.offset(run) + mapping.length(run) - offset) {
      throw new CorruptionException(
          index.file(),
          index.filePosition(entry),
          String.format(
              "index entry for %s points at [%d, +%d), outside the archived ranges",
              hash, offset, length));
    }
    return mapping.position(run) + (offset - mapping.offset(run));
  }

  /**
   * Calls {@code visitor} for every object the index names, in hash order, with the size its record
   * states (read from the record's first bytes; the record is not checked: reading the object does
   * that).
   *
   * @throws CorruptionException if an entry points outside the archived ranges or a record's first
   *     bytes state no size
   */
  void forEachObject(
      HashAlgorithm algorithm, ChannelCache channels, Consumer<? super StoredObject> visitor) {
    Committed c = committed;
    if (c == null) {
      return;
    }
    VolumeIndex index = c.index();
    byte[] entry = new byte[VolumeIndex.entrySize(digestLength)];
    Path data = dataFile();
    String file = data.toString();
    ByteBuffer head = ByteBuffer.allocate(HEAD);
    for (int i = 0; i < index.count(); i++) {
      index.copyEntry(i, entry);
      Hash hash = Hash.of(algorithm, entry, 0, digestLength);
      long position = position(index, i, hash);
      int length = index.recordLength(i);
      head.clear().limit(Math.min(length, HEAD));
      channels.read(data, head, position);
      head.flip();
      int word = head.getInt(0);
      long size =
          ArchiveRecord.isPacked(word)
              ? RecordCodec.statedLength(head.position(4), length - 4, file, position)
              : word;
      visitor.accept(new StoredObject(hash, size, file + "@" + position));
    }
  }

  /** The most of a record's first bytes that state its size: word, codec and a varint. */
  private static final int HEAD = 4 + 1 + 10;

  /**
   * Reads every object the index names, checking each record and re-hashing its payload under
   * {@code algorithm}, and that the index is sorted without duplicates.
   *
   * @return the number of objects checked
   * @throws CorruptionException at the first damage found
   */
  long verify(HashAlgorithm algorithm, ChannelCache channels) {
    Committed c = committed;
    if (c == null) {
      return 0;
    }
    VolumeIndex index = c.index();
    byte[] entry = new byte[VolumeIndex.entrySize(digestLength)];
    byte[] previous = null;
    for (int i = 0; i < index.count(); i++) {
      index.copyEntry(i, entry);
      if (previous != null
          && java.util.Arrays.compareUnsigned(previous, 0, digestLength, entry, 0, digestLength)
              >= 0) {
        throw new CorruptionException(
            index.file(), index.filePosition(i), "index entries out of order");
      }
      Hash hash = Hash.of(algorithm, entry, 0, digestLength);
      byte[] data =
          read(hash, channels)
              .orElseThrow(
                  () ->
                      new CorruptionException(
                          index.file(),
                          index.filePosition(0),
                          "the bloom filter does not hold " + hash));
      Hash actual = algorithm.hash(data);
      if (!actual.equals(hash)) {
        throw new CorruptionException(
            dataFile().toString(),
            index.offset(i),
            String.format("object %s re-hashes to %s", hash, actual));
      }
      previous = entry.clone();
    }
    return index.count();
  }

  /** Whether the index names {@code hash}. */
  boolean holds(Hash hash) {
    Committed c = committed;
    if (c == null) {
      return false;
    }
    byte[] key = hash.toBytes();
    return c.bloom().mightContain(Bloom.keyOfAll(key)) && c.index().find(key) >= 0;
  }

  /** Reads raw bytes at a global offset, as {@code Lower.readRange} promises. */
  RangeRead readRange(
      long offset, int minLength, int maxLength, byte[] target, ChannelCache channels) {
    if (committed == null) {
      throw VolumeException.invalidRead(
          String.format("cannot read offset %d from %s: the volume is empty", offset, id()));
    }
    int run = mapping.find(offset);
    if (run < 0) {
      throw VolumeException.invalidRead(
          String.format("offset %d is in no archived range of %s", offset, id()));
    }
    long available = mapping.offset(run) + mapping.length(run) - offset;
    if (available < minLength) {
      throw VolumeException.invalidRead(
          String.format(
              "%s holds %d bytes at offset %d, at least %d were asked",
              id(), available, offset, minLength));
    }
    int length = (int) Math.min(maxLength, available);
    channels.read(
        dataFile(),
        ByteBuffer.wrap(target, 0, length),
        mapping.position(run) + (offset - mapping.offset(run)));
    return new RangeRead(length, id());
  }

  @Override
  public String id() {
    return directory.toString();
  }

  @Override
  public Path path() {
    return directory;
  }

  @Override
  public boolean isEmpty() {
    return committed == null;
  }

  @Override
  public long startOffset() {
    ControlFile control = control();
    if (control == null) {
      throw new IllegalStateException("volume " + id() + " is empty: it has no start offset");
    }
    return control.startOffset();
  }

  @Override
  public long endOffset() {
    ControlFile control = control();
    if (control == null) {
      throw new IllegalStateException("volume " + id() + " is empty: it has no end offset");
    }
    return control.endOffset();
  }

  @Override
  public boolean contains(long offset) {
    ControlFile control = control();
    return control != null && control.startOffset() <= offset && offset < control.endOffset();
  }

  @Override
  public long objectCount() {
    ControlFile control = control();
    return control == null ? 0 : control.objectCount();
  }

  @Override
  public long generation() {
    ControlFile control = control();
    return control == null ? -1 : control.indexGeneration();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LoadedVolume
        && ((LoadedVolume) o).directory.equals(directory)
        && Objects.equals(((LoadedVolume) o).control(), control());
  }

  @Override
  public int hashCode() {
    return directory.hashCode();
  }

  @Override
  public String toString() {
    ControlFile control = control();
    return control == null
        ? id() + " (empty)"
        : String.format(
            "%s [%d, %d) %d objects, generation %d",
            id(),
            control.startOffset(),
            control.endOffset(),
            control.objectCount(),
            control.indexGeneration());
  }

  /** An intact file of a format this build does not read, reported by verify as its damage. */
  private static CorruptionException unsupported(Path file, VolumeException e) {
    return new CorruptionException(file.toString(), 8, String.valueOf(e.getMessage()), e);
  }
}
