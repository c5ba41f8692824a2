package dev.cairn.s3;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreIOException;
import dev.cairn.storage.PackIndex;
import dev.cairn.storage.PackReader;
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
import java.util.Arrays;
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
import org.jspecify.annotations.Nullable;

/**
 * The indexes of every committed pack, as the store last listed them: each index (a {@code
 * cairn-storage} {@link PackIndex} with its objects' sizes, an {@link IndexObject}) is kept in a
 * file {@code ID.idx} of the local cache directory and memory-mapped there, so the heap holds one
 * small object per pack, not one per object. The head of a pack with a dictionary (its first {@link
 * PackIndex#headLength()} bytes) is fetched with its index, by one ranged GET, and kept beside it
 * as {@code ID.head}, so that no read needs it from the bucket; readers of such packs (each holding
 * its dictionary) are kept for the {@value #DICTIONARY_READERS} packs read last. Lookups search the
 * newest pack first.
 *
 * <p><b>Refreshing.</b> {@link #refresh(long)} lists the bucket's indexes and loads those not known
 * yet (in parallel); concurrent refreshes are coalesced: a caller that missed asks for a refresh
 * that <em>started after</em> its miss, and waits for the one running if that one started too
 * early, so a reader that read a ref written elsewhere and then misses sees every pack committed
 * before it read the ref. Thread-safe.
 */
final class IndexSet {
  static final String INDEXES = "indexes/";
  static final String PACKS = "packs/";
  private static final String INDEX_SUFFIX = ".idx";
  private static final String HEAD_SUFFIX = ".head";

  /** How many readers of packs with a dictionary are kept open. */
  static final int DICTIONARY_READERS = 32;

  /** Where an object was found: its pack and its entry in the pack's index. */
  record Located(Pack pack, int entry) {}

  private final Bucket bucket;
  private final HashAlgorithm algorithm;
  private final Path cacheDir;
  private final ExecutorService loaders;
  private final ReentrantLock refreshing = new ReentrantLock();
  private volatile List<Pack> packs = List.of();

  /** The number of refreshes started; a refresh's number is the value after it started. */
  private volatile long started;

  /** The number of the last refresh that completed. */
  private volatile long completed;

  /** The readers of packs with a dictionary, least recently used first. */
  private final Map<String, PackReader> dictionaryReaders =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PackReader> eldest) {
          return size() > DICTIONARY_READERS;
        }
      };

  IndexSet(Bucket bucket, HashAlgorithm algorithm, Path cacheDir, ExecutorService loaders) {
    this.bucket = requireNonNull(bucket, "bucket");
    this.algorithm = requireNonNull(algorithm, "algorithm");
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
      int entry = pack.index().find(hash);
      if (entry >= 0) {
        return Optional.of(new Located(pack, entry));
      }
    }
    return Optional.empty();
  }

  /**
   * The reader of {@code pack}: for a pack with a dictionary, opened from its head in the cache
   * directory (fetched again, by one ranged GET, if the cached copy is missing or damaged).
   */
  PackReader reader(Pack pack) {
    if (!pack.hasDictionary()) {
      return pack.reader(null);
    }
    synchronized (dictionaryReaders) {
      PackReader open = dictionaryReaders.get(pack.id());
      if (open != null) {
        return open;
      }
    }
    PackReader reader;
    try {
      reader = pack.reader(ByteBuffer.wrap(head(pack, false)));
    } catch (CorruptionException e) {
      reader = pack.reader(ByteBuffer.wrap(head(pack, true)));
    }
    synchronized (dictionaryReaders) {
      dictionaryReaders.put(pack.id(), reader);
    }
    return reader;
  }

  /** The head of {@code pack}, from the cache directory unless {@code fetch}, else the bucket. */
  private byte[] head(Pack pack, boolean fetch) {
    int length = (int) pack.index().headLength();
    Path file = cacheDir.resolve(pack.id() + HEAD_SUFFIX);
    if (!fetch) {
      try {
        byte[] cached = Files.readAllBytes(file);
        if (cached.length == length) {
          return cached;
        }
      } catch (IOException e) {
        // Not cached (or unreadable): fetch it.
      }
    }
    byte[] head =
        bucket
            .getRange(pack.key(), 0, length)
            .orElseThrow(
                () -> new CorruptionException(pack.name(), 0, "a committed pack does not exist"));
    writeCacheFile(pack.id() + HEAD_SUFFIX, head);
    return head;
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

  /**
   * Readies a pack this process is committing, before its index is written: checks {@code index}
   * (its index object), keeps it in the cache directory, mapped, and the head of {@code bytes} (the
   * pack) if the pack has a dictionary. The pack stays unknown to lookups until {@link #publish};
   * {@link #discard} removes what this kept if the commit fails.
   */
  Pack prepare(String id, byte[] index, byte[] bytes) {
    Pack pack = cache(id, index);
    if (pack.hasDictionary()) {
      writeCacheFile(id + HEAD_SUFFIX, Arrays.copyOf(bytes, (int) pack.index().headLength()));
    }
    return pack;
  }

  /** Makes {@code pack} (from {@link #prepare}, its index now written) known, without listing. */
  void publish(Pack pack) {
    refreshing.lock();
    try {
      List<Pack> next = new ArrayList<>(packs.size() + 1);
      next.add(pack);
      for (Pack p : packs) {
        if (!p.id().equals(pack.id())) {
          next.add(p);
        }
      }
      next.sort(NEWEST_FIRST);
      packs = List.copyOf(next);
    } finally {
      refreshing.unlock();
    }
  }

  /**
   * Removes from the cache directory what {@link #prepare} kept for pack {@code id}, whose commit
   * failed (best effort: a cached file of a pack whose index does not exist is never read, since
   * only listed indexes are looked up there).
   */
  void discard(String id) {
    for (String suffix : List.of(INDEX_SUFFIX, HEAD_SUFFIX)) {
      try {
        Files.deleteIfExists(cacheDir.resolve(id + suffix));
      } catch (IOException e) {
        // Left behind: harmless, see above.
      }
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
    synchronized (dictionaryReaders) {
      dictionaryReaders.keySet().removeAll(ids);
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
      Pack pack = await(future, "loading indexes");
      if (pack != null) {
        next.add(pack);
      }
    }
    next.sort(NEWEST_FIRST);
    packs = List.copyOf(next);
  }

  /**
   * The result of {@code future}, run on a store thread for a task {@code doing} names; its
   * exception rethrown as it was (an error or a runtime exception).
   */
  static <T> T await(Future<T> future, String doing) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreIOException(
          "interrupted while " + doing, new java.io.InterruptedIOException("interrupted"));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Pack {@code id} with its index from the cache directory or else from the bucket, and, if it has
   * a dictionary, its head cached; null if its index no longer exists.
   */
  private @Nullable Pack fetch(String id) {
    Pack pack = cached(id);
    if (pack == null) {
      Optional<Bucket.Blob> blob = bucket.get(indexKey(id));
      if (blob.isEmpty()) {
        return null; // removed by a compaction since the listing
      }
      pack = cache(id, blob.get().data());
    }
    if (pack.hasDictionary() && !Files.exists(cacheDir.resolve(id + HEAD_SUFFIX))) {
      head(pack, true);
    }
    return pack;
  }

  /** Pack {@code id} from its index in the cache directory, or null if it is not there intact. */
  private @Nullable Pack cached(String id) {
    Path file = cacheDir.resolve(id + INDEX_SUFFIX);
    if (!Files.exists(file)) {
      return null;
    }
    try {
      return pack(id, IndexObject.decode(map(file), file.toString()));
    } catch (CorruptionException | UncheckedIOException e) {
      return null; // A damaged cached copy is only a cache: fetch it again.
    }
  }

  private Pack pack(String id, IndexObject index) {
    return new Pack(id, index, bucket, algorithm);
  }

  /** Checks {@code index}, writes it into the cache directory and maps it. */
  private Pack cache(String id, byte[] index) {
    Pack checked =
        pack(id, IndexObject.decode(ByteBuffer.wrap(index), bucket + " " + indexKey(id)));
    Path file = writeCacheFile(id + INDEX_SUFFIX, index);
    if (file == null) {
      return checked; // The cache directory cannot hold it: keep the index in the heap.
    }
    try {
      return pack(id, IndexObject.decode(map(file), file.toString()));
    } catch (CorruptionException | UncheckedIOException e) {
      return checked;
    }
  }

  /**
   * Writes {@code bytes} to the file {@code name} of the cache directory (atomically, so a reader
   * sees the whole file or none); null if it cannot, the cache being an optimisation.
   */
  private @Nullable Path writeCacheFile(String name, byte[] bytes) {
    Path file = cacheDir.resolve(name);
    try {
      Path temp = Files.createTempFile(cacheDir, name, ".tmp");
      try {
        Files.write(temp, bytes);
        try {
          Files.move(
              temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      return file;
    } catch (IOException e) {
      return null;
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
