package dev.cairn.disk;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.Hasher;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.ObjectTooLargeException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The {@link ObjectStreams} of a {@link DiskBackend}: objects of up to {@link Record#MAX_PAYLOAD}
 * bytes, each in about 10 MiB of heap whatever its size.
 *
 * <p><b>Writing.</b> An object of at most {@link #SMALL_OBJECT} bytes is read whole and put as any
 * other. A larger one is written, a slice at a time and hashed as it goes, as the one record of a
 * new segment file that the manifest does not list yet; then its record header is filled in (the
 * checksum covers the hash, so the payload is read back once to compute it), the file synced and
 * indexed, and a manifest that lists it as sealed installed (temporary file, sync, rename,
 * directory sync) under the append lock. Until that rename nothing of it is visible; a crash before
 * leaves a file the next writer's open removes as a stray, and a failure (of the input, of the
 * disk, the limit crossed) deletes it. Other writers are not held up meanwhile. Stores with {@code
 * fsync=never} are synced here all the same.
 *
 * <p><b>Reading</b> goes through {@link RecordReader}, by positional reads of a slice at a time,
 * never copying the object whole.
 */
final class DiskStreams implements ObjectStreams {
  /** The largest object written as an ordinary record of the active segment. */
  static final int SMALL_OBJECT = 4 << 20;

  /** How much of the input is read, hashed and written at a time. */
  private static final int SLICE = 1 << 20;

  private final DiskBackend store;
  private final long limit;

  /** The streams of {@code store}, for objects of at most {@code limit} bytes. */
  DiskStreams(DiskBackend store, long limit) {
    this.store = store;
    this.limit = Math.min(limit, Record.MAX_PAYLOAD);
  }

  @Override
  public long maxObjectSize() {
    return limit;
  }

  @Override
  public Hash write(InputStream in, long length) throws IOException {
    requireNonNull(in, "in");
    store.checkStreamWrite();
    ObjectStreams.checkLength(store.toString(), length, limit);
    int first =
        (int) (length == UNKNOWN_LENGTH || length > SMALL_OBJECT ? SMALL_OBJECT + 1 : length);
    byte[] head = in.readNBytes(first);
    if (head.length <= SMALL_OBJECT) {
      if (length != UNKNOWN_LENGTH) {
        ObjectStreams.checkEnd(in, length, head.length);
      }
      return store.put(head);
    }
    return writeLarge(head, in, length);
  }

  private Hash writeLarge(byte[] head, InputStream in, long length) throws IOException {
    HashAlgorithm algorithm = store.hashAlgorithm();
    int h = algorithm.digestLength();
    long id = store.newSegmentId();
    Path data = store.dataPath(id);
    Path index = store.indexPath(id);
    boolean written = false;
    FileChannel channel = openNew(data);
    try {
      Hasher hasher = algorithm.newHasher();
      long payloadStart = Record.PREFIX + h;
      long total = 0;
      byte[] slice = head;
      int n = head.length;
      while (n > 0) {
        if (total + n > limit) {
          throw new ObjectTooLargeException(store.toString(), -1, limit);
        }
        hasher.update(slice, 0, n);
        append(channel, data, ByteBuffer.wrap(slice, 0, n), payloadStart + total);
        total += n;
        if (slice == head) {
          slice = new byte[SLICE];
        }
        int want = length == UNKNOWN_LENGTH ? SLICE : (int) Math.min(SLICE, length - total);
        n = want == 0 ? 0 : in.readNBytes(slice, 0, want);
      }
      if (length != UNKNOWN_LENGTH) {
        ObjectStreams.checkEnd(in, length, total);
      }
      Hash hash = hasher.finish();
      seal(channel, data, index, id, hash, (int) total, ByteBuffer.wrap(slice));
      written = true;
      Hash stored = store.installStreamed(id, hash, total);
      return stored;
    } finally {
      closeQuietly(channel);
      if (!written) {
        deleteQuietly(data);
        deleteQuietly(index);
      }
    }
  }

  /**
   * Fills in the record header of the payload written at its place, syncs the file and writes its
   * index: the segment is then whole, but not yet listed.
   */
  private void seal(
      FileChannel channel,
      Path data,
      Path index,
      long id,
      Hash hash,
      int length,
      ByteBuffer buffer) {
    int h = hash.algorithm().digestLength();
    ByteBuffer header = ByteBuffer.allocate(Record.PREFIX + h);
    header.putInt(length).putInt(0);
    hash.writeTo(header);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, 4);
    crc.update(header.array(), Record.PREFIX, h);
    try {
      // The checksum covers the hash, known only now: read the payload back for it.
      long at = Record.PREFIX + h;
      long end = at + length;
      while (at < end) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
        if (!DurableFiles.readFully(channel, buffer, at)) {
          throw new IOException("the file ended at " + at + " while being written");
        }
        buffer.flip();
        at += buffer.remaining();
        crc.update(buffer);
      }
      header.putInt(4, (int) crc.getValue());
      DurableFiles.writeFully(channel, header.flip(), 0);
      DurableFiles.force(channel, false);
      SegmentIndex.Builder entries = new SegmentIndex.Builder(h);
      entries.add(hash, 0, length);
      SegmentIndex.write(index, hash.algorithm(), id, end, entries);
    } catch (IOException e) {
      throw new StoreIOException("writing " + hash + " to " + data, e);
    }
  }

  private static FileChannel openNew(Path data) {
    try {
      return DurableFiles.open(
          data, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StoreIOException("creating " + data, e);
    }
  }

  private static void append(FileChannel channel, Path data, ByteBuffer bytes, long at) {
    try {
      DurableFiles.writeFully(channel, bytes, at);
    } catch (IOException e) {
      throw new StoreIOException("writing to " + data, e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Only a file that is then deleted, or was synced before.
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Not in the manifest: the next writer's open removes it as a stray.
    }
  }

  @Override
  public Optional<ObjectReader> open(Hash hash) {
    return store.openRecord(hash);
  }
}
