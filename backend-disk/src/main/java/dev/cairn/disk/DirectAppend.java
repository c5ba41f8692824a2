package dev.cairn.disk;

import static java.util.Objects.requireNonNull;

import com.sun.nio.file.ExtendedOpenOption;
import dev.cairn.storage.DurableFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * Appends large runs of records to a data file with direct I/O ({@code O_DIRECT}), past the page
 * cache. Measured on the 2-core build machine, writing 8 GiB of random bytes took 13–24 s through
 * the page cache (almost all of it kernel time copying into and reclaiming cache pages) and 5 s
 * direct; a bulk import writes tens of gigabytes and is bound by exactly that copy.
 *
 * <p>Direct I/O wants the file position, the length and the buffer's address aligned to the file
 * system's block. An append rarely starts on a block, so each write starts at the block holding the
 * file's current end: that block's first bytes are read back and written again, the run is padded
 * with zeros to a whole block, and the file is then cut back to the run's true end. What a reader
 * sees is the same file a plain append makes; readers through the page cache stay coherent (the
 * kernel drops cached pages a direct write covers). Durability is unchanged: the caller's {@link
 * FileChannel#force} makes the data and the new length durable, as before.
 *
 * <p>Where the file system refuses direct I/O (tmpfs, some network and FUSE file systems, file
 * systems other than the JDK's default one) the first attempt fails and {@link #write} answers
 * false from then on, so the caller writes through the page cache; once a direct write has worked,
 * a later failure is a real one and is thrown. The buffer is bounded ({@link #CHUNK} plus one
 * block): a run longer than that is written in chunks. Not thread-safe: the disk store calls it
 * under its append lock.
 */
final class DirectAppend implements Closeable {
  /** Runs shorter than this go through the page cache: direct I/O pays only for bulk writes. */
  static final int THRESHOLD = 1 << 20;

  /** The most written by one direct write, and the size of the (reused) aligned buffer. */
  static final int CHUNK = 8 << 20;

  private static final int LARGEST_BLOCK = 64 << 10;

  private boolean unavailable;
  private boolean worked;
  private int block;
  private @Nullable ByteBuffer buffer;
  private @Nullable Path path;
  private @Nullable FileChannel direct;

  /**
   * Writes all of {@code records} at {@code at}, the current end of {@code file} (written through
   * {@code channel}), leaving the file exactly {@code at + records.remaining()} long.
   *
   * @return false, having written nothing and left the file as it was, where direct I/O is not
   *     available: the caller then writes the records itself
   * @throws IOException if a write fails after direct I/O has worked on this store (the file may
   *     then hold part of the records past {@code at}; the caller cuts it back)
   */
  boolean write(Path file, FileChannel channel, ByteBuffer records, long at) throws IOException {
    if (unavailable || records.remaining() < THRESHOLD || !openFor(file)) {
      return false;
    }
    int start = records.position();
    try {
      writeDirect(channel, records, at);
      worked = true;
      return true;
    } catch (IOException | RuntimeException e) {
      if (worked) {
        throw e;
      }
      // The file system refused direct I/O on its first use: write through the page cache.
      unavailable = true;
      closeDirect();
      DurableFiles.truncate(channel, at);
      records.position(start);
      return false;
    }
  }

  private void writeDirect(FileChannel channel, ByteBuffer records, long at) throws IOException {
    ByteBuffer buffer = requireNonNull(this.buffer, "buffer (allocated by the open)");
    FileChannel direct = requireNonNull(this.direct, "direct channel (opened for this file)");
    long end = at + records.remaining();
    long position = at;
    long blockStart = position - position % block;
    int head = (int) (position - blockStart);
    buffer.clear().limit(head);
    if (head > 0 && !DurableFiles.readFully(channel, buffer, blockStart)) {
      throw new IOException(path + " is shorter than its end " + at);
    }
    while (records.hasRemaining()) {
      int take = Math.min(records.remaining(), CHUNK - head);
      ByteBuffer run = records.slice(records.position(), take);
      buffer.limit(head + take).position(head);
      buffer.put(run);
      records.position(records.position() + take);
      int length = head + take;
      int padded = (length + block - 1) / block * block;
      buffer.limit(padded);
      for (int i = length; i < padded; i++) {
        buffer.put(i, (byte) 0);
      }
      buffer.position(0);
      DurableFiles.writeFully(direct, buffer, blockStart);
      // A chunk that leaves records behind ends on a block (CHUNK is a whole number of them),
      // so the next one starts there with nothing to carry over.
      position += take;
      blockStart = position;
      head = 0;
    }
    DurableFiles.truncate(channel, end);
  }

  /** Opens {@code file} for direct writes unless already; false if direct I/O is refused. */
  private boolean openFor(Path file) {
    if (file.equals(path) && direct != null) {
      return true;
    }
    closeDirect();
    if (file.getFileSystem() != FileSystems.getDefault()) {
      // A file system of the JDK's own (a test's fault-injecting one, Jimfs) models the page
      // cache or has none: its files are written through it.
      unavailable = true;
      return false;
    }
    try {
      if (buffer == null) {
        int size = Math.toIntExact(Files.getFileStore(file).getBlockSize());
        if (size <= 0 || size > LARGEST_BLOCK || Integer.bitCount(size) != 1) {
          unavailable = true;
          return false;
        }
        block = size;
        // Aligning the slice wastes less than a block; CHUNK (whole blocks) always remains.
        buffer = ByteBuffer.allocateDirect(CHUNK + block).alignedSlice(block);
      }
      direct = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
      path = file;
      return true;
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      // UnsupportedOperationException (a file system without the option), an I/O refusal, or no
      // direct memory left for the buffer: the page cache serves.
      unavailable = true;
      buffer = null;
      return false;
    }
  }

  private void closeDirect() {
    FileChannel open = direct;
    direct = null;
    path = null;
    if (open != null) {
      try {
        open.close();
      } catch (IOException e) {
        // Nothing is pending on a direct channel: every write completed before it returned.
      }
    }
  }

  /** Closes the direct channel; the buffer goes with this object. */
  @Override
  public void close() {
    closeDirect();
  }
}
