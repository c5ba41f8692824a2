package dev.cairn.disk;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.RefName;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The refs of a store, kept as a journal of checksummed entries: every change is appended (never
 * written in place), the journal is replayed on open, and rewritten compactly (temp file, fsync,
 * rename, directory fsync) once it is mostly superseded entries, and at a clean close after
 * changes. A torn last entry past the committed length is cut off, and so is everything from
 * unsynced writes a power cut lost (zeros) on; a damaged entry followed by good ones, or any damage
 * within the committed length, makes every ref operation fail with {@link CorruptionException}
 * rather than guess. All methods are synchronized: compare-and-set is linearizable because the
 * check, the append and the sync happen under one lock.
 *
 * <pre>
 *   "CAIRNRF3", u64 committed length, u32 CRC32C of the 16 bytes before it
 *   sync point (28 bytes at offset 20, rewritten in place; see {@link SyncPoint})
 *   entry:  u32 body length, u32 CRC32C of the body,
 *           body = u8 kind (1 set, 0 delete), u16 n, n bytes UTF-8 name, [hash if set]
 * </pre>
 *
 * The committed length is the length of the journal when it was last written whole (created,
 * rewritten): those bytes were synced before the file was renamed into place, so no crash can tear
 * them, and damage there (a truncation, zeros, a bad entry) is reported, not taken for a torn
 * write. The sync point's journal length extends that to what the last flush, close or synced ref
 * change made durable: damage below the greater of the two is reported too, so a truncated journal
 * never brings back a ref a durable entry deleted. Only the entries appended past both can be torn.
 * The journal is synced when it is created, before the manifest that makes the store exist, so it
 * is never legitimately absent, short or zero-filled.
 *
 * <p>The sync point is written only where the journal is synced anyway, just before that fsync, and
 * it claims only what an earlier fsync made durable (the segment's length reported by {@link
 * #noteSegmentSynced}, the journal's own as of its last sync): whether the write reaches the disk
 * or not, what it says is true. A sync point that fails its checksum (a torn write) means none is
 * known ({@link #syncPointProblem()}).
 *
 * <p>Older formats are still read, with no sync point: {@code "CAIRNRF2"} (the same header without
 * the sync point, entries from offset 20) and {@code "CAIRNRF1"} (no header fields, its committed
 * length is its magic). A writer rewrites them as format 3 ({@link #upgrade()}).
 */
final class RefJournal implements AutoCloseable {
  static final String FILE = "refs.log";
  static final String TEMP = "refs.log.tmp";
  private static final byte[] MAGIC_1 = "CAIRNRF1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC_2 = "CAIRNRF2".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC = "CAIRNRF3".getBytes(StandardCharsets.US_ASCII);

  /** Magic, committed length and their checksum: written only with the whole journal. */
  private static final int FIXED_HEADER = SyncPoint.OFFSET;

  private static final int HEADER = FIXED_HEADER + SyncPoint.SIZE;

  /** The size of the journal {@link #create} writes: a header and no entry. */
  static final int EMPTY_SIZE = HEADER;

  private static final long REWRITE_THRESHOLD = 1 << 20;

  /** How many zero bytes end a lost write before a surviving entry; see endsInLostWrite. */
  private static final int LOST_WRITE_ZEROS = 4;

  private final Path directory;
  private final Path path;
  private final HashAlgorithm algorithm;
  private final boolean writable;
  private final Map<String, Hash> refs = new HashMap<>();
  private @Nullable FileChannel channel;
  private long end;
  private @Nullable String damage;
  private long damageOffset;

  /** The journal's committed length as loaded or last rewritten. */
  private long committed;

  /** Where the entries start: the header size of the format loaded. */
  private int entriesStart = HEADER;

  /** The sync point on disk as loaded or last written (not necessarily durable yet). */
  private SyncPoint recorded = SyncPoint.NONE;

  /** Why no sync point could be read at the last load, or null. */
  private @Nullable String syncPointProblem;

  /** How much of the journal is known to be on stable storage. */
  private long syncedEnd;

  /** The newest synced length of the active segment reported; guarded by itself. */
  private final java.util.concurrent.atomic.AtomicReference<SyncPoint> segmentSynced =
      new java.util.concurrent.atomic.AtomicReference<>(SyncPoint.NONE);

  private RefJournal(Path directory, HashAlgorithm algorithm, boolean writable) {
    this.directory = directory;
    this.path = directory.resolve(FILE);
    this.algorithm = algorithm;
    this.writable = writable;
  }

  static RefJournal open(Path directory, HashAlgorithm algorithm, boolean writable)
      throws IOException {
    RefJournal journal = new RefJournal(directory, algorithm, writable);
    synchronized (journal) {
      journal.load();
    }
    return journal;
  }

  private void load() throws IOException {
    refs.clear();
    damage = null;
    byte[] bytes;
    try {
      bytes = readJournal();
    } catch (NoSuchFileException e) {
      fail(-1, "the ref journal is missing");
      end = 0;
      return;
    }
    Header header = header(bytes);
    committed = header.committed;
    entriesStart = header.start;
    syncPointProblem = header.syncPointProblem;
    recorded = header.syncPoint;
    SyncPoint loaded = header.syncPoint;
    segmentSynced.accumulateAndGet(
        loaded, (mine, read) -> mine.withSegment(read.segment(), read.segmentLength()));
    if (header.damage != null) {
      fail(header.damageOffset, header.damage);
      openForAppend(bytes.length);
      return;
    }
    // Below this every byte was durable: damage there is damage, never a torn write.
    long durable = Math.max(committed, loaded.journalLength());
    syncedEnd = durable;
    if (bytes.length < durable) {
      fail(
          bytes.length,
          String.format(
              "the ref journal is %d bytes but %d were synced (sync"
                  + " point at offset %d): entries that were durable are gone",
              bytes.length, durable, SyncPoint.OFFSET));
      openForAppend(bytes.length);
      return;
    }
    int pos = header.start;
    int good = pos;
    while (pos < bytes.length) {
      int size = entryAt(bytes, pos);
      if (size < 0) {
        if (pos < durable) {
          fail(
              pos,
              pos < committed
                  ? "damaged ref journal entry within the committed " + committed + " bytes"
                  : "damaged ref journal entry within the "
                      + durable
                      + " bytes synced (sync point"
                      + " at offset "
                      + SyncPoint.OFFSET
                      + ")");
          good = bytes.length;
        } else {
          int next = nextEntry(bytes, pos);
          if (next >= 0 && endsInLostWrite(bytes, pos, next)) {
            // Entries appended after lost ones were not synced either: cut them off.
            good = pos;
          } else if (next >= 0) {
            fail(pos, "damaged ref journal entry followed by more entries");
            good = bytes.length;
          } else if (isDelimitedDamage(bytes, pos)) {
            fail(pos, "the last ref journal entry fails its checksum");
            good = bytes.length;
          }
        }
        break;
      }
      apply(ByteBuffer.wrap(bytes, pos + 8, size - 8), pos);
      pos += size;
      good = pos;
    }
    if (writable && good < bytes.length) {
      try (FileChannel c = DurableFiles.open(path, StandardOpenOption.WRITE)) {
        DurableFiles.truncate(c, good);
        DurableFiles.force(c, true);
      }
      syncedEnd = good; // the fsync made everything left durable
    }
    openForAppend(Math.min(good, bytes.length));
  }

  /** How often a reader beside the writer reads again a sync point that fails its checksum. */
  private static final int TORN_READ_ATTEMPTS = 5;

  /**
   * The journal's bytes. A read-only opener may read the sync point while the writer rewrites it in
   * place, and see half of each: it reads again, a few times, before it takes a sync point failing
   * its checksum for what the file holds.
   */
  private byte[] readJournal() throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    for (int attempt = 1;
        !writable && attempt < TORN_READ_ATTEMPTS && header(bytes).syncPointProblem != null;
        attempt++) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      bytes = Files.readAllBytes(path);
    }
    return bytes;
  }

  /** What a journal's header says: where entries start, what is committed and synced. */
  private record Header(
      int start,
      long committed,
      SyncPoint syncPoint,
      @Nullable String syncPointProblem,
      @Nullable String damage,
      long damageOffset) {
    static Header damaged(long offset, String damage) {
      return new Header(-1, 0, SyncPoint.NONE, null, damage, offset);
    }
  }

  /**
   * Reads the header of {@code bytes}, of any format: where the entries start, the committed length
   * and (format 3) the sync point, or the damage if the header is damaged or the file shorter than
   * what it commits.
   */
  private static Header header(byte[] bytes) {
    if (bytes.length >= MAGIC_1.length
        && Arrays.equals(bytes, 0, MAGIC_1.length, MAGIC_1, 0, MAGIC_1.length)) {
      return new Header(MAGIC_1.length, MAGIC_1.length, SyncPoint.NONE, null, null, 0);
    }
    boolean format2 =
        bytes.length >= MAGIC_2.length
            && Arrays.equals(bytes, 0, MAGIC_2.length, MAGIC_2, 0, MAGIC_2.length);
    int size = format2 ? FIXED_HEADER : HEADER;
    if (bytes.length < size
        || !(format2 || Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length))) {
      return Header.damaged(
          0,
          bytes.length < size && (format2 || isPrefixOfMagic(bytes))
              ? "the ref journal ends inside its header (" + bytes.length + " bytes)"
              : "not a Cairn ref journal (bad magic)");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, 16);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes).getInt(16)) {
      return Header.damaged(16, "ref journal header checksum mismatch");
    }
    long length = ByteBuffer.wrap(bytes).getLong(8);
    if (length < size || length > bytes.length) {
      return Header.damaged(
          Math.min(length, bytes.length),
          String.format(
              "the ref journal is %d bytes but its header commits %d", bytes.length, length));
    }
    if (format2) {
      return new Header(size, length, SyncPoint.NONE, null, null, 0);
    }
    SyncPoint syncPoint = SyncPoint.decode(bytes, SyncPoint.OFFSET, HEADER);
    return syncPoint != null
        ? new Header(size, length, syncPoint, null, null, 0)
        : new Header(
            size,
            length,
            SyncPoint.NONE,
            String.format(
                "the sync point in the ref"
                    + " journal at offset %d fails its checksum (a write of it torn by a crash, or"
                    + " damage): how far the store was synced is not known",
                SyncPoint.OFFSET),
            null,
            0);
  }

  private static boolean isPrefixOfMagic(byte[] bytes) {
    int n = Math.min(bytes.length, MAGIC.length);
    return Arrays.equals(bytes, 0, n, MAGIC, 0, n);
  }

  /** The sync point read at the last load or written since; {@link SyncPoint#NONE} if none. */
  synchronized SyncPoint syncPoint() {
    return recorded;
  }

  /** Why the last load found no sync point it could trust (a torn write of it), or null. */
  synchronized @Nullable String syncPointProblem() {
    return syncPointProblem;
  }

  /** Whether the journal is in a format older than the one with a sync point. */
  synchronized boolean isOldFormat() {
    return entriesStart != HEADER;
  }

  /**
   * Records that the data file of segment {@code id} is on stable storage up to {@code length}; the
   * next sync of the journal writes it into the sync point. Does no I/O and never waits for the
   * journal's lock, so a group commit can report every sync it makes. Reports of an earlier
   * segment, or of less of the same one, change nothing.
   */
  void noteSegmentSynced(long id, long length) {
    segmentSynced.accumulateAndGet(
        new SyncPoint(id, length, 0),
        (mine, reported) -> mine.withSegment(reported.segment(), reported.segmentLength()));
  }

  private void openForAppend(long length) throws IOException {
    end = length;
    if (writable && channel == null) {
      channel = DurableFiles.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
  }

  private void fail(long offset, String problem) {
    damage = problem;
    damageOffset = offset;
  }

  /** The size of the whole, checked entry at {@code pos}, or -1. */
  private int entryAt(byte[] bytes, int pos) {
    if (bytes.length - pos < 8) {
      return -1;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int length = in.getInt(pos);
    if (length < 3 || length > bytes.length - pos - 8) {
      return -1;
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, pos + 8, length);
    if ((int) crc.getValue() != in.getInt(pos + 4)) {
      return -1;
    }
    int kind = bytes[pos + 8];
    int nameLength = Short.toUnsignedInt(in.getShort(pos + 9));
    int expected = 3 + nameLength + (kind == 1 ? algorithm.digestLength() : 0);
    return (kind == 0 || kind == 1) && expected == length && isRefName(bytes, pos + 11, nameLength)
        ? length + 8
        : -1;
  }

  /**
   * Whether the bytes are a valid ref name in strict UTF-8. Only valid names are ever written, so
   * an entry with another name is damage, not a ref to hand to callers.
   */
  private static boolean isRefName(byte[] bytes, int offset, int length) {
    try {
      String name =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, offset, length))
              .toString();
      return RefName.isValid(name);
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * Whether the bad entry at {@code pos} is damage a torn write cannot explain: it ends exactly at
   * the end of the file, or its length is one bit away from a length under which it checks.
   */
  private boolean isDelimitedDamage(byte[] bytes, int pos) {
    if (bytes.length - pos < 8) {
      return false;
    }
    boolean zeros = true;
    for (int i = pos; i < bytes.length && zeros; i++) {
      zeros = bytes[i] == 0;
    }
    if (zeros) {
      return false; // space the file system allocated but the crash left unwritten
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int length = in.getInt(pos);
    if ((long) pos + 8 + length == bytes.length) {
      return true;
    }
    byte[] copy = Arrays.copyOfRange(bytes, pos, bytes.length);
    for (int bit = 0; bit < 32; bit++) {
      ByteBuffer.wrap(copy).putInt(0, length ^ (1 << bit));
      if (entryAt(copy, 0) > 0) {
        return true;
      }
    }
    return false;
  }

  /** The position of the first whole entry after a bad one at {@code bad}, or -1. */
  private int nextEntry(byte[] bytes, int bad) {
    for (int p = bad + 1; p + 8 <= bytes.length; p++) {
      if (entryAt(bytes, p) > 0) {
        return p;
      }
    }
    return -1;
  }

  /**
   * Whether the bad bytes in [{@code bad}, {@code next}) end in zeros: writes a power cut lost,
   * whose space reads back as zeros, while a later write reached the disk. No entry ends in zeros
   * (it ends with a hash or a ref name, and names hold no NUL), so damage to a written entry does
   * not look like this. A sync makes every earlier write of the file durable, so the entries after
   * lost writes were not synced: they are cut off like a torn tail (this happens with {@code
   * fsync=never}, where ref changes are synced only by flush and close).
   */
  private static boolean endsInLostWrite(byte[] bytes, int bad, int next) {
    if (next - bad < LOST_WRITE_ZEROS) {
      return false;
    }
    for (int i = next - LOST_WRITE_ZEROS; i < next; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private void apply(ByteBuffer body, long offset) {
    int kind = body.get();
    byte[] name = new byte[Short.toUnsignedInt(body.getShort())];
    body.get(name);
    String refName = new String(name, StandardCharsets.UTF_8);
    if (kind == 1) {
      refs.put(refName, Hash.read(algorithm, body));
    } else {
      refs.remove(refName);
    }
  }

  /** An entry setting {@code name} to {@code hash}, or deleting it if {@code hash} is null. */
  private static byte[] encode(String name, @Nullable Hash hash) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    int bodyLength = 3 + nameBytes.length + (hash == null ? 0 : hash.length());
    ByteBuffer out = ByteBuffer.allocate(8 + bodyLength);
    out.putInt(bodyLength)
        .putInt(0)
        .put((byte) (hash == null ? 0 : 1))
        .putShort((short) nameBytes.length)
        .put(nameBytes);
    if (hash != null) {
      hash.writeTo(out);
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 8, bodyLength);
    out.putInt(4, (int) crc.getValue());
    return out.array();
  }

  private void checkIntact() {
    if (damage != null) {
      throw new CorruptionException(path.toString(), damageOffset, damage);
    }
  }

  synchronized Optional<Hash> get(String name) {
    checkIntact();
    return Optional.ofNullable(refs.get(name));
  }

  synchronized List<String> names() {
    checkIntact();
    return new ArrayList<>(refs.keySet());
  }

  synchronized void set(String name, Hash hash, boolean sync) throws IOException {
    checkIntact();
    append(name, hash, sync);
  }

  synchronized boolean compareAndSet(
      String name, @Nullable Hash expected, @Nullable Hash replacement, boolean sync)
      throws IOException {
    checkIntact();
    Hash current = refs.get(name);
    if (!Objects.equals(current, expected)) {
      return false;
    }
    if (replacement == null && current == null) {
      return true;
    }
    append(name, replacement, sync);
    return true;
  }

  /** The open journal of a writer. */
  private FileChannel writable() {
    FileChannel open = channel;
    if (open == null) {
      throw new IllegalStateException(path + " is not open for writing");
    }
    return open;
  }

  private void append(String name, @Nullable Hash hash, boolean sync) throws IOException {
    ByteBuffer entry = ByteBuffer.wrap(encode(name, hash));
    long at = end;
    FileChannel channel = writable();
    try {
      DurableFiles.writeFully(channel, entry, at);
      if (sync) {
        writeSyncPoint(); // carried to the disk by the fsync this change makes anyway
        DurableFiles.force(channel, false);
        syncedEnd = at + entry.capacity();
      }
    } catch (IOException e) {
      try {
        DurableFiles.truncate(channel, at);
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    end = at + entry.capacity();
    if (hash == null) {
      refs.remove(name);
    } else {
      refs.put(name, hash);
    }
    if (end > REWRITE_THRESHOLD && end > 4 * liveBytes()) {
      rewrite();
    }
  }

  private long liveBytes() {
    long total = HEADER;
    for (String name : refs.keySet()) {
      total += 8 + 3 + name.length() * 3L + algorithm.digestLength();
    }
    return total;
  }

  /**
   * Writes an empty journal for a new store, synced: the caller's directory sync (of the manifest
   * that makes the store exist) makes it durable, so that an absent, short or zero-filled journal
   * is damage, never a crash.
   */
  static void create(Path directory) throws IOException {
    try (FileChannel out =
        DurableFiles.open(
            directory.resolve(FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      DurableFiles.writeFully(out, ByteBuffer.wrap(header(HEADER, SyncPoint.NONE)), 0);
      DurableFiles.force(out, true);
    }
  }

  /** The header of a journal of {@code length} bytes, all of it synced. */
  private static byte[] header(long length, SyncPoint segment) {
    ByteBuffer out = ByteBuffer.allocate(HEADER).put(MAGIC).putLong(length);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, 16);
    out.putInt((int) crc.getValue());
    return out.put(segment.withJournal(length).encode()).array();
  }

  /**
   * Writes the sync point in place, unless it says what the one on disk says: the segment's length
   * last reported, and as much of the journal as is durable. The caller syncs the journal next;
   * until then the write may be lost or torn, which a reader takes for no news. Only a saving, like
   * a checkpoint: a write that fails (a full copy-on-write file system) leaves the last sync point,
   * which claims less, and fails nothing; the next sync writes it again.
   */
  private void writeSyncPoint() {
    if (entriesStart != HEADER || damage != null) {
      // An older format has no room for it (upgrade() rewrites it as format 3); a damaged
      // journal is left as the damage left it.
      return;
    }
    SyncPoint now =
        requireNonNull(segmentSynced.get(), "segmentSynced")
            .withJournal(Math.max(syncedEnd, committed));
    if (now.equals(recorded)) {
      return;
    }
    try {
      DurableFiles.writeFully(writable(), ByteBuffer.wrap(now.encode()), SyncPoint.OFFSET);
      recorded = now;
    } catch (IOException e) {
      recorded = SyncPoint.NONE; // perhaps torn: write it whole next time
    }
  }

  /**
   * Makes the sync point durable for a flush or a close: syncs entries not yet synced (so that the
   * sync point can claim them), writes the sync point, and syncs the journal. One fsync when the
   * entries were synced already (every mode but {@code NEVER}), two when not.
   */
  synchronized void recordSyncPoint() throws IOException {
    if (channel == null) {
      return;
    }
    if (end > syncedEnd && entriesStart == HEADER) {
      DurableFiles.force(channel, false);
      syncedEnd = end;
    }
    writeSyncPoint();
    DurableFiles.force(channel, false);
    syncedEnd = end;
  }

  /**
   * Syncs the journal before {@link #close()}: where the close rewrites it (entries appended since
   * it was last written whole), the rewritten journal carries the sync point, so only the entries
   * are synced, as before sync points; otherwise the sync point is recorded, if {@code
   * recordSyncPoint} (a writer whose lock is no longer its own writes none).
   */
  synchronized void syncBeforeClose(boolean recordSyncPoint) throws IOException {
    if (channel != null && (willRewriteOnClose() || !recordSyncPoint)) {
      DurableFiles.force(channel, false);
      syncedEnd = end;
    } else {
      recordSyncPoint();
    }
  }

  private boolean willRewriteOnClose() {
    return writable && channel != null && damage == null && end != committed;
  }

  /**
   * Rewrites a journal of an older format as format 3, so that sync points can be recorded in it.
   * Changes nothing if it is damaged (the evidence stays) or already current; a failure leaves it
   * as it was, which loses nothing but the sync point.
   */
  synchronized void upgrade() throws IOException {
    if (writable && channel != null && damage == null && entriesStart != HEADER) {
      rewriteLeavingNoTemporary();
    }
  }

  /** {@link #rewrite()}; if it fails, the temporary file goes and the journal is as it was. */
  private void rewriteLeavingNoTemporary() throws IOException {
    try {
      rewrite();
    } catch (IOException e) {
      try {
        Files.deleteIfExists(directory.resolve(TEMP));
      } catch (IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }

  /** Writes the live refs to a new journal and renames it into place, durably. */
  private void rewrite() throws IOException {
    SyncPoint segment = requireNonNull(segmentSynced.get(), "segmentSynced");
    long length = writeJournal(segment);
    DurableFiles.syncDirectory(directory);
    if (channel != null) {
      channel.close();
    }
    channel = DurableFiles.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    end = length;
    committed = length;
    syncedEnd = length;
    entriesStart = HEADER;
    recorded = segment.withJournal(length);
  }

  private long writeJournal(SyncPoint segment) throws IOException {
    Path temp = directory.resolve(TEMP);
    long length;
    try (FileChannel out =
        DurableFiles.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      length = HEADER;
      for (Map.Entry<String, Hash> ref : refs.entrySet()) {
        ByteBuffer entry = ByteBuffer.wrap(encode(ref.getKey(), ref.getValue()));
        DurableFiles.writeFully(out, entry, length);
        length += entry.capacity();
      }
      DurableFiles.writeFully(out, ByteBuffer.wrap(header(length, segment)), 0);
      DurableFiles.force(out, true);
    }
    DurableFiles.rename(temp, path);
    return length;
  }

  /**
   * Checks the journal on disk, for {@code cairn verify}: the damage found when it was loaded, its
   * magic, every entry whole and passing its checksum up to what was committed, and (for the
   * writer, which cuts off a torn tail when it opens) no bytes past the last entry.
   *
   * @return the bytes checked
   */
  synchronized long check(Consumer<? super CorruptionException> report) throws IOException {
    String name = path.toString();
    if (damage != null) {
      report.accept(new CorruptionException(name, damageOffset, damage));
    }
    byte[] bytes;
    try {
      bytes = readJournal();
    } catch (NoSuchFileException e) {
      report.accept(new CorruptionException(name, -1, "the ref journal is missing"));
      return 0;
    }
    Header header = header(bytes);
    if (header.damage != null) {
      report.accept(new CorruptionException(name, header.damageOffset, header.damage));
      return bytes.length;
    }
    int first = header.start;
    if (header.syncPointProblem != null) {
      report.accept(new CorruptionException(name, SyncPoint.OFFSET, header.syncPointProblem));
    }
    long synced = header.syncPoint.journalLength();
    if (bytes.length < synced && damage == null) {
      report.accept(
          new CorruptionException(
              name,
              bytes.length,
              String.format(
                  "the ref journal is %d bytes but %d were synced", bytes.length, synced)));
    }
    if (bytes.length < end) {
      report.accept(
          new CorruptionException(
              name,
              bytes.length,
              String.format(
                  "the ref journal is %d bytes but %d were committed", bytes.length, end)));
    }
    int limit = writable ? bytes.length : (int) Math.min(bytes.length, end);
    int pos = first;
    while (pos < limit) {
      int size = entryAt(bytes, pos);
      if (size > 0 && pos + size <= limit) {
        pos += size;
        continue;
      }
      int next = -1;
      for (int p = pos + 1; p + 8 <= limit && next < 0; p++) {
        int n = entryAt(bytes, p);
        if (n > 0 && p + n <= limit) {
          next = p;
        }
      }
      report.accept(
          new CorruptionException(
              name,
              pos,
              next < 0
                  ? "damaged ref journal entry; no whole entry follows it"
                  : "damaged ref journal entry; entries resume at offset " + next));
      if (next < 0) {
        break;
      }
      pos = next;
    }
    return bytes.length;
  }

  /** Re-reads the journal (for read-only openers); returns whether the refs changed. */
  synchronized boolean reload() throws IOException {
    Map<String, Hash> before = new HashMap<>(refs);
    String damageBefore = damage;
    load();
    return !before.equals(refs) || !Objects.equals(damageBefore, damage);
  }

  /** Closes the journal of a store whose open failed, writing nothing. */
  synchronized void abandon() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing was written through it that a close could lose.
      }
      channel = null;
    }
  }

  /**
   * Closes the journal. A writer that appended since the journal was last written whole first
   * rewrites it, so that what it holds becomes committed (see the class comment); if that fails,
   * the journal stays as it was, which loses nothing.
   */
  @Override
  public synchronized void close() throws IOException {
    if (willRewriteOnClose()) {
      try {
        rewriteLeavingNoTemporary();
      } catch (IOException e) {
        // The journal stays as it was, which loses nothing (see above).
      }
    }
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
