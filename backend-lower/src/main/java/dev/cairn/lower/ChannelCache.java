package dev.cairn.lower;

import dev.cairn.spi.StoreClosedException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The open read channels of data files, least recently used first, so reading across many volumes
 * keeps a bounded number of files open. A channel evicted while a read uses it is closed when that
 * read finishes. Thread-safe.
 */
final class ChannelCache implements AutoCloseable {
  private static final class Entry {
    final FileChannel channel;
    int users;
    boolean evicted;

    Entry(FileChannel channel) {
      this.channel = channel;
    }
  }

  private final String store;
  private final int capacity;
  private final LinkedHashMap<Path, Entry> open = new LinkedHashMap<>(16, 0.75f, true);
  private int openFiles;
  private int peakOpenFiles;
  private boolean closed;

  ChannelCache(String store, int capacity) {
    this.store = store;
    if (capacity < 1) {
      throw new IllegalArgumentException("open files (" + capacity + ") must be positive");
    }
    this.capacity = capacity;
  }

  /** Reads {@code buffer.remaining()} bytes of {@code file} at {@code position}. */
  void read(Path file, ByteBuffer buffer, long position) {
    Entry entry = acquire(file);
    try {
      DurableFiles.readExactly(entry.channel, buffer, position, file.toString());
    } catch (IOException e) {
      throw new StoreIOException("reading " + file + " at " + position, e);
    } finally {
      release(entry);
    }
  }

  private synchronized Entry acquire(Path file) {
    if (closed) {
      throw new StoreClosedException(store, "read");
    }
    Entry entry = open.get(file);
    if (entry == null) {
      Iterator<Map.Entry<Path, Entry>> eldest = open.entrySet().iterator();
      while (open.size() >= capacity && eldest.hasNext()) {
        Entry victim = eldest.next().getValue();
        eldest.remove();
        victim.evicted = true;
        if (victim.users == 0) {
          closeQuietly(victim);
        }
      }
      try {
        entry = new Entry(FileChannel.open(file, StandardOpenOption.READ));
      } catch (IOException e) {
        throw new StoreIOException("opening " + file, e);
      }
      openFiles++;
      peakOpenFiles = Math.max(peakOpenFiles, openFiles);
      open.put(file, entry);
    }
    entry.users++;
    return entry;
  }

  private synchronized void release(Entry entry) {
    entry.users--;
    if (entry.evicted && entry.users == 0) {
      closeQuietly(entry);
    }
  }

  /** Closes the channel of {@code file}, if open, for example before the file is removed. */
  synchronized void forget(Path file) {
    Entry entry = open.remove(file);
    if (entry != null) {
      entry.evicted = true;
      if (entry.users == 0) {
        closeQuietly(entry);
      }
    }
  }

  private void closeQuietly(Entry entry) {
    openFiles--;
    try {
      entry.channel.close();
    } catch (IOException e) {
      // A read channel has nothing to flush; failing to close it loses nothing.
    }
  }

  /** The number of data files open now. */
  synchronized int openFiles() {
    return openFiles;
  }

  /** The most data files that were open at once. */
  synchronized int peakOpenFiles() {
    return peakOpenFiles;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Entry entry : open.values()) {
      entry.evicted = true;
      if (entry.users == 0) {
        closeQuietly(entry);
      }
    }
    open.clear();
  }
}
