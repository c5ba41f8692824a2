package dev.cairn.disk;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
import java.util.zip.CRC32C;

/**
 * The refs of a store, kept as a journal of checksummed entries: every change is appended (never
 * written in place), the journal is replayed on open, and rewritten compactly (temp file,
 * fsync, rename, directory fsync) once it is mostly superseded entries. A torn last entry is
 * cut off; a damaged entry followed by good ones makes every ref operation fail with {@link
 * CorruptionException} rather than guess. All methods are synchronized: compare-and-set is
 * linearizable because the check, the append and the sync happen under one lock.
 *
 * <pre>
 *   "CAIRNRF1"
 *   entry:  u32 body length, u32 CRC32C of the body,
 *           body = u8 kind (1 set, 0 delete), u16 n, n bytes UTF-8 name, [hash if set]
 * </pre>
 */
final class RefJournal implements AutoCloseable {
  static final String FILE = "refs.log";
  static final String TEMP = "refs.log.tmp";
  private static final byte[] MAGIC = "CAIRNRF1".getBytes(StandardCharsets.US_ASCII);
  private static final long REWRITE_THRESHOLD = 1 << 20;

  private final Path directory;
  private final Path path;
  private final FileIo io;
  private final HashAlgorithm algorithm;
  private final boolean writable;
  private final Map<String, Hash> refs = new HashMap<>();
  private FileChannel channel;
  private long end;
  private String damage;
  private long damageOffset;

  private RefJournal(Path directory, FileIo io, HashAlgorithm algorithm, boolean writable) {
    this.directory = directory;
    this.path = directory.resolve(FILE);
    this.io = io;
    this.algorithm = algorithm;
    this.writable = writable;
  }

  static RefJournal open(Path directory, FileIo io, HashAlgorithm algorithm, boolean writable)
      throws IOException {
    RefJournal journal = new RefJournal(directory, io, algorithm, writable);
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
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      bytes = null;
    }
    if (bytes == null || bytes.length < MAGIC.length && isPrefixOfMagic(bytes)
        || isAllZero(bytes)) {
      // Absent, or torn while being created: nothing was ever committed to it.
      if (writable) {
        rewrite();
      }
      return;
    }
    if (bytes.length < MAGIC.length
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      fail(0, "not a Cairn ref journal (bad magic)");
      openForAppend(bytes.length);
      return;
    }
    int pos = MAGIC.length;
    int good = pos;
    while (pos < bytes.length) {
      int size = entryAt(bytes, pos);
      if (size < 0) {
        if (hasEntryAfter(bytes, pos)) {
          fail(pos, "damaged ref journal entry followed by more entries");
          good = bytes.length;
        } else if (isDelimitedDamage(bytes, pos)) {
          fail(pos, "the last ref journal entry fails its checksum");
          good = bytes.length;
        }
        break;
      }
      apply(ByteBuffer.wrap(bytes, pos + 8, size - 8), pos);
      pos += size;
      good = pos;
    }
    if (writable && good < bytes.length) {
      try (FileChannel c = io.open(path, StandardOpenOption.WRITE)) {
        c.truncate(good);
        c.force(true);
      }
    }
    openForAppend(Math.min(good, bytes.length));
  }

  private static boolean isAllZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPrefixOfMagic(byte[] bytes) {
    return Arrays.equals(bytes, 0, bytes.length, MAGIC, 0, bytes.length);
  }

  private void openForAppend(long length) throws IOException {
    end = length;
    if (writable && channel == null) {
      channel = io.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
    return (kind == 0 || kind == 1) && expected == length ? length + 8 : -1;
  }

  /**
   * Whether the bad entry at {@code pos} is damage a torn write cannot explain: it ends
   * exactly at the end of the file, or its length is one bit away from a length under which
   * it checks.
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

  private boolean hasEntryAfter(byte[] bytes, int bad) {
    for (int p = bad + 1; p + 8 <= bytes.length; p++) {
      if (entryAt(bytes, p) > 0) {
        return true;
      }
    }
    return false;
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

  private static byte[] encode(String name, Hash hash) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    int bodyLength = 3 + nameBytes.length + (hash == null ? 0 : hash.length());
    ByteBuffer out = ByteBuffer.allocate(8 + bodyLength);
    out.putInt(bodyLength).putInt(0).put((byte) (hash == null ? 0 : 1))
        .putShort((short) nameBytes.length).put(nameBytes);
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

  synchronized boolean compareAndSet(String name, Hash expected, Hash replacement, boolean sync)
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

  private void append(String name, Hash hash, boolean sync) throws IOException {
    ByteBuffer entry = ByteBuffer.wrap(encode(name, hash));
    long at = end;
    try {
      FileIo.writeFully(channel, entry, at);
      if (sync) {
        FileIo.force(channel, false);
      }
    } catch (IOException e) {
      try {
        FileIo.truncate(channel, at);
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
    long total = MAGIC.length;
    for (String name : refs.keySet()) {
      total += 8 + 3 + name.length() * 3L + algorithm.digestLength();
    }
    return total;
  }

  /**
   * Writes an empty journal for a new store, unsynced: if a crash loses it, opening writes it
   * again (an absent, short or zero-filled journal holds no committed entry).
   */
  static void create(Path directory, FileIo io) throws IOException {
    try (FileChannel out = io.open(directory.resolve(FILE), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      FileIo.writeFully(out, ByteBuffer.wrap(MAGIC), 0);
    }
  }

  /** Writes the live refs to a new journal and renames it into place, durably. */
  private void rewrite() throws IOException {
    long length = writeJournal();
    io.syncDirectory(directory);
    if (channel != null) {
      channel.close();
    }
    channel = io.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    end = length;
  }

  private long writeJournal() throws IOException {
    Path temp = directory.resolve(TEMP);
    long length;
    try (FileChannel out = io.open(temp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      length = MAGIC.length;
      FileIo.writeFully(out, ByteBuffer.wrap(MAGIC), 0);
      for (Map.Entry<String, Hash> ref : refs.entrySet()) {
        ByteBuffer entry = ByteBuffer.wrap(encode(ref.getKey(), ref.getValue()));
        FileIo.writeFully(out, entry, length);
        length += entry.capacity();
      }
      out.force(true);
    }
    io.rename(temp, path);
    return length;
  }

  /** Re-reads the journal (for read-only openers); returns whether the refs changed. */
  synchronized boolean reload() throws IOException {
    Map<String, Hash> before = new HashMap<>(refs);
    String damageBefore = damage;
    load();
    return !before.equals(refs) || !Objects.equals(damageBefore, damage);
  }

  synchronized void sync() throws IOException {
    if (channel != null) {
      FileIo.force(channel, false);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
