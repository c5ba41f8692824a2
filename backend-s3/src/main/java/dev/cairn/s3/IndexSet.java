package dev.cairn.s3;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The indexes of every committed pack, as the store last listed them: each index is kept in a
 * file of the local cache directory and memory-mapped there, so the heap holds one small object
 * per pack, not one per object. Lookups search the newest pack first.
 *
 * <p><b>Refreshing.</b> {@link #refresh(long)} lists the bucket's indexes and loads those not
 * known yet (in parallel); concurrent refreshes are coalesced: a caller that missed asks for a
 * refresh that <em>started after</em> its miss, and waits for the one running if that one
 * started too early, so a reader that read a ref written elsewhere and then misses sees every
 * pack committed before it read the ref. Thread-safe.
 */
final class IndexSet {
  static final String INDEXES = "indexes/";
  static final String PACKS = "packs/";
  private static final String INDEX_SUFFIX = ".idx";

  /** One committed pack: its identifier and its index. */
  record Pack(String id, PackFormat.Index index) {
    String packKey() {
      return PACKS + id + ".pack";
    }
  }

  /** Where an object was found. */
  record Located(Pack pack, PackFormat.Entry entry) {}

  private final Bucket bucket;
  private final PackFormat format;
  private final Path cacheDir;
  private final ExecutorService loaders;
  private final ReentrantLock refreshing = new ReentrantLock();
  private volatile List<Pack> packs = List.of();
  /** The number of refreshes started; a refresh's number is the value after it started. */
  private volatile long started;
  /** The number of the last refresh that completed. */
  private volatile long completed;

  IndexSet(Bucket bucket, PackFormat format, Path cacheDir, ExecutorService loaders) {
    this.bucket = requireNonNull(bucket, "bucket");
    this.format = requireNonNull(format, "format");
    this.cacheDir = requireNonNull(cacheDir, "cacheDir");
    this.loaders = requireNonNull(loaders, "loaders");
  }

  static String indexKey(String id) {
    return INDEXES + id + INDEX_SUFFIX;
  }

  /** The packs known now, newest first. */
  List<Pack> packs() {
    return packs;
  }

  /** The number of refreshes started so far: pass it to {@link #refresh(long)} after a miss. */
  long ticket() {
    return started;
  }

  /** Where {@code hash} is, among the packs known now. */
  Optional<Located> find(Hash hash) {
    for (Pack pack : packs) {
      Optional<PackFormat.Entry> entry = pack.index().find(hash);
      if (entry.isPresent()) {
        return Optional.of(new Located(pack, entry.get()));
      }
    }
    return Optional.empty();
  }

  /**
   * Makes sure a refresh that started after {@code ticket} (a value of {@link #ticket()} taken
   * before the caller's miss) has completed, running one if none has.
   */
  void refresh(long ticket) {
    refreshing.lock();
    try {
      if (completed > ticket) {
        return;
      }
      long number = ++started;
      load();
      completed = number;
    } finally {
      refreshing.unlock();
    }
  }

  /** Adds a pack this process has just committed, without listing. */
  void add(String id, byte[] index) {
    Pack pack = new Pack(id, cache(id, index));
    refreshing.lock();
    try {
      List<Pack> next = new ArrayList<>(packs.size() + 1);
      next.add(pack);
      for (Pack p : packs) {
        if (!p.id().equals(id)) {
          next.add(p);
        }
      }
      next.sort(NEWEST_FIRST);
      packs = List.copyOf(next);
    } finally {
      refreshing.unlock();
    }
  }

  /** Forgets packs whose indexes this process has just removed. */
  void remove(Set<String> ids) {
    refreshing.lock();
    try {
      packs = packs.stream().filter(p -> !ids.contains(p.id())).toList();
    } finally {
      refreshing.unlock();
    }
  }

  private static final Comparator<Pack> NEWEST_FIRST =
      Comparator.comparing(Pack::id, Comparator.reverseOrder());

  private void load() {
    Map<String, Pack> known = new LinkedHashMap<>();
    for (Pack pack : packs) {
      known.put(pack.id(), pack);
    }
    Set<String> listed = new HashSet<>();
    List<Future<Pack>> loading = new ArrayList<>();
    for (Bucket.Listed object : bucket.list(INDEXES)) {
      String name = object.key().substring(INDEXES.length());
      if (!name.endsWith(INDEX_SUFFIX)) {
        continue;
      }
      String id = name.substring(0, name.length() - INDEX_SUFFIX.length());
      listed.add(id);
      if (!known.containsKey(id)) {
        loading.add(loaders.submit(() -> fetch(id)));
      }
    }
    List<Pack> next = new ArrayList<>();
    for (Pack pack : known.values()) {
      if (listed.contains(pack.id())) {
        next.add(pack);
      }
    }
    for (Future<Pack> future : loading) {
      Pack pack = await(future);
      if (pack != null) {
        next.add(pack);
      }
    }
    next.sort(NEWEST_FIRST);
    packs = List.copyOf(next);
  }

  private static Pack await(Future<Pack> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreIOException("interrupted while loading indexes",
          new java.io.InterruptedIOException("interrupted"));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The index of pack {@code id}, from the cache directory or else from the bucket. */
  private Pack fetch(String id) {
    Path file = cacheDir.resolve(id + INDEX_SUFFIX);
    if (Files.exists(file)) {
      try {
        return new Pack(id, format.index(file.toString(), map(file)));
      } catch (CorruptionException | UncheckedIOException e) {
        // A damaged cached copy is only a cache: fetch it again below.
      }
    }
    Optional<Bucket.Blob> blob = bucket.get(indexKey(id));
    if (blob.isEmpty()) {
      return null; // removed by a compaction since the listing
    }
    return new Pack(id, cache(id, blob.get().data()));
  }

  /** Writes {@code index} into the cache directory (atomically) and maps it. */
  private PackFormat.Index cache(String id, byte[] index) {
    PackFormat.Index checked = format.index(indexKey(id), ByteBuffer.wrap(index));
    Path file = cacheDir.resolve(id + INDEX_SUFFIX);
    try {
      Path temp = Files.createTempFile(cacheDir, id, ".tmp");
      try {
        Files.write(temp, index);
        try {
          Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      return format.index(file.toString(), map(file));
    } catch (IOException | UncheckedIOException e) {
      // The cache directory is an optimisation: keep the index in the heap if it cannot hold it.
      return checked;
    }
  }

  private static ByteBuffer map(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
