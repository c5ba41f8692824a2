package dev.cairn.disk;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.Bloom;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One data file of records ({@link Record}) and what finds them: its {@link SegmentIndex} (sealed
 * segments, or the checkpoint of the active one) and, on the heap, the locations of records past
 * what the index covers. Lookups and reads are thread-safe; appends are made by one thread at a
 * time (the store's append lock).
 *
 * <p>A segment is reference-counted so that compaction can retire it while readers are still
 * inside: the file is closed (and deleted) when the last one leaves.
 */
final class Segment {
  final long id;
  final Path path;
  final String name;
  private final HashAlgorithm algorithm;
  private final boolean writable;
  private volatile FileChannel channel;

  /** The index of the sealed segment, or the checkpoint of the active one; may be null. */
  volatile @Nullable SegmentIndex index;

  /** Locations of records past the index (all of them if the index is missing or damaged). */
  final ConcurrentHashMap<Hash, Long> recent = new ConcurrentHashMap<>();

  /** Every record of the active segment, to build its index when it is sealed. */
  SegmentIndex.@Nullable Builder pending;

  /** The pending index of a segment being written; only such a segment is appended to. */
  SegmentIndex.Builder pending() {
    SegmentIndex.Builder p = pending;
    if (p == null) {
      throw new IllegalStateException(name + " is not being written: it has no pending index");
    }
    return p;
  }

  /** Where the next record goes (active segment), or how far recovery has read. */
  long end;

  /** An append failed and its partial bytes may still be in the file past {@link #end}. */
  boolean needsTruncate;

  /**
   * The most of this (active) segment a sync point may claim: where recovery kept damage past the
   * last sync point (a gap that may be unsynced writes a crash lost), which a later sync must not
   * turn into synced damage. Guarded like {@link #end}.
   */
  long claimLimit = Long.MAX_VALUE;

  private final AtomicInteger references = new AtomicInteger(1);
  private final IndexDamage damage;

  /** What to do when a lazily checked index turns out damaged. */
  interface IndexDamage {
    /**
     * Makes the segment's records findable without {@code index}: at least fills {@link #recent}
     * and then replaces or clears {@link #index}. Called at most once per index.
     */
    void repair(Segment segment, CorruptionException problem);
  }

  private volatile boolean deleteWhenReleased;

  /**
   * The sealed data file, mapped for reads (null while active, or where it cannot be mapped). Only
   * touched by readers that hold a reference; unmapped when the last one leaves.
   */
  private volatile @Nullable ByteBuffer mapped;

  Segment(
      long id,
      Path path,
      HashAlgorithm algorithm,
      boolean writable,
      boolean create,
      IndexDamage damage)
      throws IOException {
    this.damage = damage;
    this.id = id;
    this.path = path;
    this.name = path.toString();
    this.algorithm = algorithm;
    this.writable = writable;
    this.channel =
        create
            ? DurableFiles.open(
                path,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)
            : openChannel();
  }

  static String dataFileName(long id) {
    return String.format("seg-%016x.data", id);
  }

  static String indexFileName(long id) {
    return String.format("seg-%016x.idx", id);
  }

  /** How much of the segment a sync point may claim once it is synced to {@link #end}. */
  long claimableEnd() {
    return Math.min(end, claimLimit);
  }

  /** Packs a record's offset and payload length into one long. */
  static long location(long offset, int length) {
    return (offset << 32) | Integer.toUnsignedLong(length);
  }

  static long offsetOf(long location) {
    return location >>> 32;
  }

  static int lengthOf(long location) {
    return (int) location;
  }

  private FileChannel openChannel() throws IOException {
    return writable
        ? DurableFiles.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
        : DurableFiles.open(path, StandardOpenOption.READ);
  }

  /**
   * The segment's channel. A thread interrupted during I/O closes a channel for every user; this
   * reopens it unless the segment was retired.
   */
  FileChannel channel() throws IOException {
    FileChannel current = channel;
    if (DurableFiles.isOpen(current) || references.get() <= 0) {
      return current;
    }
    synchronized (this) {
      if (!DurableFiles.isOpen(channel)) {
        channel = openChannel();
      }
      return channel;
    }
  }

  long size() throws IOException {
    return DurableFiles.size(channel());
  }

  /** Where {@code hash} is in this segment, or -1. */
  long find(Hash hash) {
    return find(hash, Bloom.key(hash));
  }

  /**
   * Where {@code hash} is in this segment, or -1; {@code key} is its {@link Bloom#key}, computed
   * once by a caller that searches several segments.
   */
  long find(Hash hash, Bloom.Key key) {
    // Sealed segments hold nothing here: skip hashing the key into an empty map.
    Long location = recent.isEmpty() ? null : recent.get(hash);
    if (location != null) {
      return location;
    }
    SegmentIndex i = checkedIndex();
    if (i == null) {
      location = recent.get(hash); // a repair may just have moved the records here
      return location == null ? -1 : location;
    }
    return i.find(hash, key);
  }

  /** The index, its table checked (a damaged one is repaired first); may be null. */
  @Nullable SegmentIndex checkedIndex() {
    SegmentIndex i = index;
    return i == null || i.isVerified() ? i : verify(i);
  }

  private synchronized @Nullable SegmentIndex verify(SegmentIndex i) {
    if (index != i) {
      return checkedIndex(); // replaced meanwhile
    }
    try {
      i.verifyTable();
      return i;
    } catch (CorruptionException e) {
      damage.repair(this, e);
      SegmentIndex replacement = index;
      return replacement == null || replacement == i ? null : replacement;
    }
  }

  /** Makes a record appended earlier findable (unless an index already covers it). */
  void publish(Hash hash, long location) {
    SegmentIndex i = index;
    if (i == null || offsetOf(location) >= i.dataLength) {
      recent.put(hash, location);
    }
  }

  /** Appends {@code record} at {@link #end}; on failure cuts the file back to where it was. */
  long append(ByteBuffer record) throws IOException {
    return append(record, null);
  }

  /**
   * Appends {@code records} at {@link #end}, directly past the page cache where {@code direct} is
   * non-null and can ({@link DirectAppend}); on failure cuts the file back to where it was.
   */
  long append(ByteBuffer records, @Nullable DirectAppend direct) throws IOException {
    FileChannel channel = channel();
    if (needsTruncate) {
      DurableFiles.truncate(channel, end);
      needsTruncate = false;
    }
    long at = end;
    int size = records.remaining();
    try {
      if (direct == null || !direct.write(path, channel, records, at)) {
        DurableFiles.writeFully(channel, records, at);
      }
    } catch (IOException e) {
      needsTruncate = true;
      try {
        DurableFiles.truncate(channel(), at);
        needsTruncate = false;
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    end = at + size;
    return at;
  }

  /** Takes a reference for a read; false if the segment was retired meanwhile. */
  boolean retain() {
    while (true) {
      int n = references.get();
      if (n <= 0) {
        return false;
      }
      if (references.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (references.decrementAndGet() == 0) {
      ByteBuffer m = mapped;
      mapped = null;
      DurableFiles.unmap(m);
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing is lost by a failed close of a file no one uses.
      }
      if (deleteWhenReleased) {
        try {
          Files.deleteIfExists(path);
          Files.deleteIfExists(path.resolveSibling(indexFileName(id)));
        } catch (IOException e) {
          // Left for the next open, which removes files the manifest does not list.
        }
      }
    }
  }

  /**
   * Maps the data file of this segment, now sealed and never written again, so that reads copy
   * records straight out of the page cache: no system call, no intermediate buffer. Where the file
   * cannot be mapped (or mapping fails), reads go on using the channel.
   */
  void mapForReads() {
    if (mapped == null && references.get() > 0) {
      try {
        mapped = DurableFiles.mapIfPossible(channel(), size());
      } catch (IOException e) {
        // An optimisation only: reads use the channel, which reports a real I/O problem.
      }
    }
  }

  /** Drops the store's own reference: closes (and maybe deletes) once readers are done. */
  void retire(boolean delete) {
    deleteWhenReleased = delete;
    release();
  }

  /** The largest record read without first checking the file's size (one syscall) for it. */
  private static final int UNCHECKED_ALLOCATION = 1 << 20;

  private CorruptionException pastTheEnd(Hash hash, long offset, int length) {
    return new CorruptionException(
        name,
        offset,
        String.format("record of %s (%d bytes) extends past the end of the file", hash, length));
  }

  /**
   * Reads and checks the record at {@code location}, which must name {@code hash}. The caller holds
   * a reference.
   */
  byte[] read(Hash hash, long location, boolean verify) throws IOException {
    long offset = offsetOf(location);
    int length = lengthOf(location);
    int h = algorithm.digestLength();
    // The length comes from an index or a scan: a large one is checked against the file before
    // allocating (a small one costs less than asking the file's size on every read, and a
    // short read catches it).
    ByteBuffer m = mapped;
    if (m != null) {
      return readMapped(m, hash, offset, length, verify);
    }
    FileChannel channel = channel();
    if (length < 0
        || length > Record.MAX_PAYLOAD
        || (length > UNCHECKED_ALLOCATION
            && offset + Record.size(h, length) > DurableFiles.size(channel))) {
      throw pastTheEnd(hash, offset, length);
    }
    ByteBuffer buffer = ByteBuffer.allocate(Record.size(h, length));
    if (!DurableFiles.readFully(channel, buffer, offset)) {
      throw pastTheEnd(hash, offset, length);
    }
    buffer.flip();
    checkRecord(buffer, hash, offset, length);
    byte[] data = Arrays.copyOfRange(buffer.array(), Record.PREFIX + h, buffer.capacity());
    return verified(data, hash, offset, verify);
  }

  private byte[] readMapped(ByteBuffer m, Hash hash, long offset, int length, boolean verify) {
    int h = algorithm.digestLength();
    if (length < 0
        || length > Record.MAX_PAYLOAD
        || offset + Record.size(h, length) > m.capacity()) {
      throw pastTheEnd(hash, offset, length);
    }
    int at = (int) offset;
    checkRecord(
        m.duplicate().limit(at + Record.size(h, length)).position(at), hash, offset, length);
    byte[] data = new byte[length];
    m.get(at + Record.PREFIX + h, data);
    return verified(data, hash, offset, verify);
  }

  /**
   * Checks the whole record in {@code record} (position to limit), read from {@code offset}: its
   * length, its checksum, and that it names {@code hash}.
   */
  private void checkRecord(ByteBuffer record, Hash hash, long offset, int length) {
    int start = record.position();
    int word = record.getInt(start);
    if (Record.payloadLength(word) != length) {
      throw new CorruptionException(
          name,
          offset,
          String.format(
              "record length %d differs from the indexed length %d",
              Record.payloadLength(word), length));
    }
    if (Record.checksum(record) != record.getInt(start + 4)) {
      throw new CorruptionException(name, offset, "record checksum mismatch");
    }
    int h = algorithm.digestLength();
    for (int i = 0; i < h; i++) {
      if (record.get(start + Record.PREFIX + i) != hash.byteAt(i)) {
        byte[] named = new byte[h];
        record.get(start + Record.PREFIX, named);
        throw new CorruptionException(
            name, offset, "record holds " + Hash.of(algorithm, named) + ", not " + hash);
      }
    }
  }

  private byte[] verified(byte[] data, Hash hash, long offset, boolean verify) {
    if (verify && !algorithm.hash(data).equals(hash)) {
      throw new CorruptionException(name, offset, "payload does not hash to " + hash);
    }
    return data;
  }

  /** What a scan of records found. */
  static final class Scan {
    final SegmentIndex.Builder entries;
    final List<Hash> hashes = new ArrayList<>();
    final List<Long> locations = new ArrayList<>();

    /** The end of the last whole, committed record (or batch). */
    long committedEnd;

    final List<CorruptionException> damage = new ArrayList<>();

    Scan(int digestLength) {
      entries = new SegmentIndex.Builder(digestLength);
    }
  }

  /**
   * Reads the records in [{@code from}, file end). Stops at a torn tail (a record that does not
   * check, with no whole record after it) or an unfinished batch; a damaged record with whole
   * records after it is skipped and reported.
   */
  Scan scan(long from) throws IOException {
    int h = algorithm.digestLength();
    Scan scan = new Scan(h);
    scan.committedEnd = from;
    FileChannel channel = channel();
    long fileEnd = DurableFiles.size(channel);
    if (fileEnd <= from) {
      return scan;
    }
    if (fileEnd - from > Integer.MAX_VALUE) {
      throw new CorruptionException(name, from, "segment is larger than any segment written");
    }
    ByteBuffer map = DurableFiles.map(channel, from, fileEnd - from);
    int limit = map.capacity();
    int pos = 0;
    List<Hash> batchHashes = new ArrayList<>();
    List<Long> batchLocations = new ArrayList<>();
    while (pos < limit) {
      int size = wholeRecordAt(map, pos, h);
      if (size < 0) {
        int next = resync(map, pos, h);
        if (next >= 0) {
          // Records follow, so this is damage (or unsynced writes that reached the disk out of
          // order): a batch it interrupts is not whole, so none of it is served; records after
          // it that continue a batch begun before it are dropped below.
          scan.damage.add(
              new CorruptionException(
                  name,
                  from + pos,
                  String.format(
                      "damaged record skipped; records resume at offset %d", from + next)));
          dropBatch(batchHashes, batchLocations);
          pos = next;
          scan.committedEnd = from + pos;
          continue;
        }
        int damaged = delimitDamage(map, pos, h);
        if (damaged < 0) {
          break; // a torn tail: cut off by the caller
        }
        scan.damage.add(
            new CorruptionException(
                name,
                from + pos,
                "the last record fails its checksum; it is kept but never served"));
        dropBatch(batchHashes, batchLocations);
        pos += damaged;
        scan.committedEnd = from + pos;
        continue;
      }
      int word = map.getInt(pos);
      if (Record.isBatchContinued(word) && batchHashes.isEmpty()) {
        // The rest of a batch whose first records were lost: not whole, never served.
        pos += size;
        scan.committedEnd = from + pos;
        continue;
      }
      if (!Record.isBatchContinued(word) && !batchHashes.isEmpty()) {
        // A new batch or object begins while one was open: the open one lost its end.
        dropBatch(batchHashes, batchLocations);
      }
      byte[] digest = new byte[h];
      map.get(pos + Record.PREFIX, digest);
      batchHashes.add(Hash.of(algorithm, digest));
      batchLocations.add(location(from + pos, Record.payloadLength(word)));
      pos += size;
      if (!Record.isBatchOpen(word)) {
        commit(scan, batchHashes, batchLocations, from + pos);
      }
    }
    return scan;
  }

  /**
   * Checks every record in [0, {@code end}) of the file for {@code cairn verify}: that records
   * follow each other back to back, each whole and passing its checksum, and that each payload
   * hashes to the hash its record carries. Reports each damage to {@code damage} and goes on from
   * the next whole record. Changes nothing.
   *
   * @return the number of records checked
   */
  long checkRecords(long end, Consumer<? super CorruptionException> damage) throws IOException {
    int h = algorithm.digestLength();
    FileChannel channel = channel();
    long size = DurableFiles.size(channel);
    if (size < end) {
      damage.accept(
          new CorruptionException(
              name,
              size,
              String.format(
                  "segment is %d bytes, but %d bytes of records were committed", size, end)));
    }
    long limit = Math.min(size, end);
    if (limit <= 0) {
      return 0;
    }
    if (limit > Integer.MAX_VALUE) {
      damage.accept(
          new CorruptionException(
              name, Integer.MAX_VALUE, "segment is larger than any segment written"));
      return 0;
    }
    ByteBuffer map = DurableFiles.map(channel, 0, limit);
    long records = 0;
    int pos = 0;
    while (pos < limit) {
      int recordSize = wholeRecordAt(map, pos, h);
      if (recordSize < 0) {
        int next = resync(map, pos, h);
        damage.accept(
            new CorruptionException(
                name,
                pos,
                next < 0
                    ? "damaged record; no whole record follows it"
                    : "damaged record; records resume at offset " + next));
        if (next < 0) {
          break;
        }
        pos = next;
        continue;
      }
      byte[] digest = new byte[h];
      map.get(pos + Record.PREFIX, digest);
      Hash stored = Hash.of(algorithm, digest);
      // Hashed where it lies: a payload of hundreds of megabytes must not be copied to the heap.
      Hash actual =
          algorithm
              .newHasher()
              .update(map.duplicate().limit(pos + recordSize).position(pos + Record.PREFIX + h))
              .finish();
      if (!actual.equals(stored)) {
        damage.accept(
            new CorruptionException(
                name, pos, "record of " + stored + " holds bytes that hash to " + actual));
      }
      records++;
      pos += recordSize;
    }
    return records;
  }

  private static void dropBatch(List<Hash> hashes, List<Long> locations) {
    hashes.clear();
    locations.clear();
  }

  private static void commit(Scan scan, List<Hash> hashes, List<Long> locations, long end) {
    for (int i = 0; i < hashes.size(); i++) {
      long loc = locations.get(i);
      scan.entries.add(hashes.get(i), offsetOf(loc), lengthOf(loc));
      scan.hashes.add(hashes.get(i));
      scan.locations.add(loc);
    }
    hashes.clear();
    locations.clear();
    scan.committedEnd = end;
  }

  /**
   * The size of a damaged last record at {@code pos} that a torn write cannot explain, or -1: a
   * record that ends exactly at the end of the file but fails its checksum, or one whose length
   * field differs by one bit from a length under which it checks.
   */
  private static int delimitDamage(ByteBuffer map, int pos, int h) {
    int limit = map.capacity();
    if (limit - pos < Record.PREFIX + h) {
      return -1;
    }
    boolean zeros = true;
    for (int i = pos; i < limit && zeros; i++) {
      zeros = map.get(i) == 0;
    }
    if (zeros) {
      return -1; // space the file system allocated but the crash left unwritten
    }
    int word = map.getInt(pos);
    long declared = Record.size(h, Record.payloadLength(word));
    if (pos + declared == limit) {
      return (int) declared;
    }
    ByteBuffer copy = ByteBuffer.allocate(limit - pos);
    copy.put(map.duplicate().position(pos).limit(limit)).flip();
    for (int bit = 0; bit < 31; bit++) {
      int fixed = word ^ (1 << bit);
      int size = Record.size(h, Record.payloadLength(fixed));
      if (size > 0 && size <= copy.capacity()) {
        copy.putInt(0, fixed);
        ByteBuffer candidate = copy.duplicate().position(0).limit(size);
        if (Record.checksum(candidate) == copy.getInt(4)) {
          return size;
        }
      }
    }
    return -1;
  }

  /** The size of the whole, checked record at {@code pos}, or -1. */
  private static int wholeRecordAt(ByteBuffer map, int pos, int h) {
    int limit = map.capacity();
    if (limit - pos < Record.PREFIX + h) {
      return -1;
    }
    int length = Record.payloadLength(map.getInt(pos));
    if (length > Record.MAX_PAYLOAD || length > limit - pos - Record.PREFIX - h) {
      return -1;
    }
    int size = Record.size(h, length);
    ByteBuffer record = map.duplicate().position(pos).limit(pos + size);
    return Record.checksum(record) == map.getInt(pos + 4) ? size : -1;
  }

  /** The position of the next whole record after a bad one at {@code bad}, or -1. */
  private static int resync(ByteBuffer map, int bad, int h) {
    int limit = map.capacity();
    if (limit - bad >= Record.PREFIX + h) {
      // Most damage leaves the length intact: try where the next record should start.
      long declared = (long) bad + Record.size(h, Record.payloadLength(map.getInt(bad)));
      if (declared < limit && wholeRecordAt(map, (int) declared, h) > 0) {
        return (int) declared;
      }
    }
    for (int p = bad + 1; p + Record.PREFIX + h <= limit; p++) {
      if (wholeRecordAt(map, p, h) > 0) {
        return p;
      }
    }
    return -1;
  }
}
