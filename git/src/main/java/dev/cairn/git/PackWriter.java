package dev.cairn.git;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.Hasher;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one Git pack (version 2) and its index (version 2) into a repository's {@code
 * objects/pack} directory: {@code pack-<checksum>.pack} and {@code .idx}, as {@code git index-pack}
 * would name them, valid for {@code git verify-pack} and {@code git fsck --strict --full}.
 *
 * <p>Objects are added whole ({@link #add}) or as a delta against an object already added ({@link
 * #addDelta}, written as {@code OFS_DELTA}); each is zlib-compressed. The pack is written to a
 * temporary file as objects come, so memory holds only each object's id, offset and CRC (about 70
 * bytes an object); {@link #finish} writes the object count, the trailing checksum (of the
 * repository's hash algorithm) and the index, then renames both into place. Not thread-safe: one
 * writer thread.
 */
public final class PackWriter implements Closeable {
  private static final int OFS_DELTA = 6;

  private final Path directory;
  private final HashAlgorithm algorithm;
  private final Path temporary;
  private final OutputStream out;
  private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
  private final CRC32 crc = new CRC32();
  private final byte[] chunk = new byte[64 * 1024];
  private final List<Entry> entries = new ArrayList<>();
  private final java.util.Map<Hash, Entry> byHash = new java.util.HashMap<>();
  private long position;
  private boolean finished;

  private static final class Entry {
    final Hash hash;
    final long offset;
    int crc;
    int depth;

    Entry(Hash hash, long offset) {
      this.hash = hash;
      this.offset = offset;
    }
  }

  /**
   * Starts a pack in {@code directory} (created if missing) for objects of {@code algorithm}.
   *
   * @throws IOException if the temporary file cannot be created
   */
  public PackWriter(Path directory, HashAlgorithm algorithm) throws IOException {
    this.directory = requireNonNull(directory, "directory");
    this.algorithm = requireNonNull(algorithm, "algorithm");
    Files.createDirectories(directory);
    this.temporary = Files.createTempFile(directory, "tmp_pack_", ".pack");
    this.out = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16);
    byte[] header = {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0};
    out.write(header);
    position = header.length;
  }

  /** How many objects were added. */
  public int size() {
    return entries.size();
  }

  /** Whether {@code hash} was added. */
  public boolean contains(Hash hash) {
    return byHash.containsKey(hash);
  }

  /**
   * How many deltas must be applied to read {@code hash} from the pack: 0 for an object added
   * whole, -1 if it was not added.
   */
  public int depth(Hash hash) {
    Entry entry = byHash.get(hash);
    return entry == null ? -1 : entry.depth;
  }

  /**
   * Adds {@code object}, whole.
   *
   * @param data the array {@code object} was parsed from
   * @throws IllegalArgumentException if it was added already
   */
  public void add(GitObject object, byte[] data) throws IOException {
    requireNonNull(object, "object");
    requireNonNull(data, "data");
    Entry entry = begin(object.hash());
    writeHeader(object.type().packCode(), object.contentLength());
    deflate(data, object.contentOffset(), object.contentLength());
    entry.crc = (int) crc.getValue();
  }

  /**
   * Adds {@code hash} as {@code delta}, a Git delta (see {@link Delta}) that rebuilds it from
   * {@code base}.
   *
   * @throws IllegalArgumentException if {@code hash} was added already or {@code base} was not
   */
  public void addDelta(Hash hash, Hash base, byte[] delta) throws IOException {
    requireNonNull(delta, "delta");
    Entry baseEntry = byHash.get(requireNonNull(base, "base"));
    if (baseEntry == null) {
      throw new IllegalArgumentException("delta base " + base + " is not in the pack");
    }
    Entry entry = begin(hash);
    entry.depth = baseEntry.depth + 1;
    writeHeader(OFS_DELTA, delta.length);
    long distance = entry.offset - baseEntry.offset;
    byte[] encoded = new byte[10];
    int at = encoded.length - 1;
    encoded[at] = (byte) (distance & 0x7f);
    while ((distance >>>= 7) != 0) {
      distance--;
      encoded[--at] = (byte) (0x80 | (distance & 0x7f));
    }
    write(encoded, at, encoded.length - at);
    deflate(delta, 0, delta.length);
    entry.crc = (int) crc.getValue();
  }

  private Entry begin(Hash hash) {
    requireNonNull(hash, "hash");
    if (finished) {
      throw new IllegalStateException("the pack is finished");
    }
    if (!hash.algorithm().name().equals(algorithm.name())) {
      throw new IllegalArgumentException("object " + hash + " is not " + algorithm.name());
    }
    Entry entry = new Entry(hash, position);
    if (byHash.putIfAbsent(hash, entry) != null) {
      throw new IllegalArgumentException("object " + hash + " is in the pack already");
    }
    entries.add(entry);
    crc.reset();
    return entry;
  }

  private void writeHeader(int type, long size) throws IOException {
    byte[] header = new byte[10];
    int n = 0;
    int first = (type << 4) | (int) (size & 0x0f);
    size >>>= 4;
    while (size != 0) {
      header[n++] = (byte) (first | 0x80);
      first = (int) (size & 0x7f);
      size >>>= 7;
    }
    header[n++] = (byte) first;
    write(header, 0, n);
  }

  private void deflate(byte[] data, int offset, int length) throws IOException {
    deflater.reset();
    deflater.setInput(data, offset, length);
    deflater.finish();
    while (!deflater.finished()) {
      int n = deflater.deflate(chunk);
      write(chunk, 0, n);
    }
  }

  private void write(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    crc.update(bytes, offset, length);
    position += length;
  }

  /**
   * Completes the pack and writes its index; both are synced and renamed into place.
   *
   * @return the pack's file
   */
  public Path finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("the pack is finished");
    }
    finished = true;
    out.close();
    deflater.end();
    byte[] checksum;
    try (FileChannel channel =
        FileChannel.open(temporary, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer count = ByteBuffer.allocate(4).putInt(0, entries.size());
      channel.write(count, 8);
      Hasher hasher = algorithm.newHasher();
      ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
      channel.position(0);
      while (channel.read(buffer) > 0) {
        hasher.update(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      checksum = hasher.finish().toBytes();
      channel.write(ByteBuffer.wrap(checksum), channel.size());
      channel.force(true);
    }
    String name = "pack-" + Hash.of(algorithm, checksum).toHex();
    Path index = Files.createTempFile(directory, "tmp_idx_", ".idx");
    writeIndex(index, checksum);
    Path pack = directory.resolve(name + ".pack");
    Files.move(temporary, pack, StandardCopyOption.ATOMIC_MOVE);
    Files.move(index, directory.resolve(name + ".idx"), StandardCopyOption.ATOMIC_MOVE);
    return pack;
  }

  private void writeIndex(Path index, byte[] packChecksum) throws IOException {
    Entry[] sorted = entries.toArray(new Entry[0]);
    Arrays.sort(sorted, Comparator.comparing(e -> e.hash));
    Hasher hasher = algorithm.newHasher();
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(index), 1 << 16)) {
      OutputStream idx =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
              file.write(bytes, offset, length);
              hasher.update(bytes, offset, length);
            }
          };
      idx.write(new byte[] {(byte) 0xff, 't', 'O', 'c', 0, 0, 0, 2});
      int[] fanout = new int[256];
      for (Entry e : sorted) {
        fanout[e.hash.byteAt(0) & 0xff]++;
      }
      int total = 0;
      ByteBuffer word = ByteBuffer.allocate(8);
      for (int i = 0; i < 256; i++) {
        total += fanout[i];
        idx.write(word.putInt(0, total).array(), 0, 4);
      }
      for (Entry e : sorted) {
        idx.write(e.hash.toBytes());
      }
      for (Entry e : sorted) {
        idx.write(word.putInt(0, e.crc).array(), 0, 4);
      }
      List<Long> large = new ArrayList<>();
      for (Entry e : sorted) {
        int value = e.offset < 0x80000000L ? (int) e.offset : 0x80000000 | large.size();
        if (e.offset >= 0x80000000L) {
          large.add(e.offset);
        }
        idx.write(word.putInt(0, value).array(), 0, 4);
      }
      for (long offset : large) {
        idx.write(word.putLong(0, offset).array(), 0, 8);
      }
      idx.write(packChecksum);
      file.write(hasher.finish().toBytes());
    }
    try (FileChannel channel = FileChannel.open(index, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Deletes the unfinished pack, if {@link #finish} was not called. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      finished = true;
      out.close();
      deflater.end();
      Files.deleteIfExists(temporary);
    }
  }
}
