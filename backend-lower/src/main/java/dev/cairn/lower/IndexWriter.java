package dev.cairn.lower;

import com.google.common.io.CountingOutputStream;
import dev.cairn.spi.Hash;
import dev.cairn.storage.Bloom;
import dev.cairn.storage.DurableFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Builds a volume's next index and bloom filter: the entries of the volume's current index merged
 * with those of newly archived objects. New entries are sorted in bounded runs, spilled to
 * temporary files beside the index when there are more than one run's worth, so archiving millions
 * of objects does not hold them all in the heap. Where a hash is already indexed, the older entry
 * wins (the new record stays as unreferenced bytes). Not thread-safe.
 */
final class IndexWriter implements AutoCloseable {
  /** What was written, for the control file. */
  record Written(long count, long indexLength, long bloomLength, int bloomCrc) {}

  static final int DEFAULT_RUN_ENTRIES = 1 << 17;
  private static final double BLOOM_FALSE_POSITIVES = 0.01;

  private final Path directory;
  private final String spillPrefix;
  private final int digestLength;
  private final int entrySize;
  private final int runEntries;
  private final byte[] run;
  private int runCount;
  private long added;
  private final List<Path> spills = new ArrayList<>();

  IndexWriter(Path directory, String spillPrefix, int digestLength, int runEntries) {
    this.directory = directory;
    this.spillPrefix = spillPrefix;
    this.digestLength = digestLength;
    this.entrySize = VolumeIndex.entrySize(digestLength);
    this.runEntries = runEntries;
    this.run = new byte[runEntries * entrySize];
  }

  /** Adds the entry of a new object. */
  void add(Hash hash, long offset, int recordLength) throws IOException {
    if (runCount == runEntries) {
      spill();
    }
    int base = runCount * entrySize;
    hash.copyTo(run, base);
    ByteBuffer.wrap(run, base + digestLength, 12).putLong(offset).putInt(recordLength);
    runCount++;
    added++;
  }

  long added() {
    return added;
  }

  private void spill() throws IOException {
    int[] order = sortedRun();
    Path file = directory.resolve(spillPrefix + ".run" + spills.size());
    spills.add(file);
    try (OutputStream out =
        new BufferedOutputStream(
            Files.newOutputStream(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS),
            1 << 16)) {
      for (int i : order) {
        out.write(run, i * entrySize, entrySize);
      }
    }
    runCount = 0;
  }

  private int[] sortedRun() {
    int[] order = new int[runCount];
    for (int i = 0; i < runCount; i++) {
      order[i] = i;
    }
    sort(order, 0, runCount - 1);
    return order;
  }

  // Quicksort of entry numbers by hash; hashes are uniform, so the middle pivot is as good as
  // a random one.
  private void sort(int[] a, int lo, int hi) {
    while (lo < hi) {
      if (hi - lo < 16) {
        for (int i = lo + 1; i <= hi; i++) {
          int v = a[i];
          int j = i - 1;
          while (j >= lo && compare(a[j], v) > 0) {
            a[j + 1] = a[j];
            j--;
          }
          a[j + 1] = v;
        }
        return;
      }
      int pivot = a[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (compare(a[i], pivot) < 0) {
          i++;
        }
        while (compare(a[j], pivot) > 0) {
          j--;
        }
        if (i <= j) {
          int t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (j - lo < hi - i) {
        sort(a, lo, j);
        lo = i;
      } else {
        sort(a, i, hi);
        hi = j;
      }
    }
  }

  private int compare(int x, int y) {
    return Arrays.compareUnsigned(
        run,
        x * entrySize,
        x * entrySize + digestLength,
        run,
        y * entrySize,
        y * entrySize + digestLength);
  }

  /** A sorted source of entries for the merge; lower rank wins ties. */
  private abstract static class Source {
    final byte[] current;
    final int rank;

    Source(int entrySize, int rank) {
      this.current = new byte[entrySize];
      this.rank = rank;
    }

    abstract boolean advance() throws IOException;

    void close() throws IOException {}
  }

  /**
   * Writes the merged index to {@code indexFile} and the bloom filter to {@code bloomFile}, each
   * synced. {@code previous} is the volume's current index, or null.
   */
  Written finish(@Nullable VolumeIndex previous, Path indexFile, Path bloomFile)
      throws IOException {
    List<Source> sources = new ArrayList<>();
    try {
      return merge(sources, previous, indexFile, bloomFile);
    } finally {
      for (Source source : sources) {
        source.close();
      }
    }
  }

  private Written merge(
      List<Source> sources, @Nullable VolumeIndex previous, Path indexFile, Path bloomFile)
      throws IOException {
    if (previous != null) {
      sources.add(
          new Source(entrySize, 0) {
            int next;

            @Override
            boolean advance() {
              if (next == previous.count()) {
                return false;
              }
              previous.copyEntry(next++, current);
              return true;
            }
          });
    }
    int rank = 1;
    for (Path spill : spills) {
      InputStream in = new BufferedInputStream(Files.newInputStream(spill), 1 << 16);
      DataInputStream data = new DataInputStream(in);
      sources.add(
          new Source(entrySize, rank++) {
            @Override
            boolean advance() throws IOException {
              try {
                data.readFully(current);
                return true;
              } catch (EOFException e) {
                return false;
              }
            }

            @Override
            void close() throws IOException {
              data.close();
            }
          });
    }
    int[] order = sortedRun();
    sources.add(
        new Source(entrySize, rank) {
          int next;

          @Override
          boolean advance() {
            if (next == order.length) {
              return false;
            }
            System.arraycopy(run, order[next++] * entrySize, current, 0, entrySize);
            return true;
          }
        });

    long expected = Math.max(1, added + (previous == null ? 0 : previous.count()));
    Bloom bloom = Bloom.create(expected, BLOOM_FALSE_POSITIVES);
    PriorityQueue<Source> queue =
        new PriorityQueue<>(
            (a, b) -> {
              int c =
                  Arrays.compareUnsigned(a.current, 0, digestLength, b.current, 0, digestLength);
              return c != 0 ? c : Integer.compare(a.rank, b.rank);
            });
    long count = 0;
    int[] fanout = new int[256];
    CRC32C crc = new CRC32C();
    try (FileChannel channel = create(indexFile)) {
      OutputStream file = Channels.newOutputStream(channel);
      CountingOutputStream counted =
          new CountingOutputStream(
              new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16), crc));
      DataOutputStream out = new DataOutputStream(counted);
      out.write(VolumeIndex.MAGIC);
      out.writeInt(VolumeIndex.VERSION);
      out.writeInt(digestLength);
      for (Source source : sources) {
        if (source.advance()) {
          queue.add(source);
        }
      }
      byte[] last = null;
      while (!queue.isEmpty()) {
        Source source = queue.poll();
        byte[] entry = source.current;
        if (last == null
            || Arrays.compareUnsigned(last, 0, digestLength, entry, 0, digestLength) != 0) {
          out.write(entry);
          count++;
          fanout[entry[0] & 0xff]++;
          byte[] hash = Arrays.copyOf(entry, digestLength);
          bloom.put(Bloom.keyOfAll(hash));
          last = hash;
        }
        if (source.advance()) {
          queue.add(source);
        }
      }
      int cumulative = 0;
      for (int i = 0; i < 256; i++) {
        cumulative += fanout[i];
        out.writeInt(cumulative);
      }
      out.writeLong(count);
      out.flush();
      long indexLength = counted.getCount() + 4;
      // The checksum covers everything before it, so it is written past the checked stream.
      file.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
      channel.force(true);
      Written bloomWritten = writeBloom(bloom, bloomFile);
      return new Written(count, indexLength, bloomWritten.bloomLength(), bloomWritten.bloomCrc());
    }
  }

  private static Written writeBloom(Bloom bloom, Path bloomFile) throws IOException {
    CRC32C crc = new CRC32C();
    try (FileChannel channel = create(bloomFile)) {
      CountingOutputStream out =
          new CountingOutputStream(
              new CheckedOutputStream(
                  new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), crc));
      out.write(bloom.encode());
      out.flush();
      channel.force(true);
      return new Written(0, 0, out.getCount(), (int) crc.getValue());
    }
  }

  /** A new, empty file (replacing one a crashed attempt left), opened for writing. */
  private static FileChannel create(Path file) throws IOException {
    return DurableFiles.open(
        file,
        StandardOpenOption.CREATE,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Deletes the spill files. */
  @Override
  public void close() throws IOException {
    for (Path spill : spills) {
      Files.deleteIfExists(spill);
    }
  }
}
