package dev.cairn.decorators;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.GcReport;
import dev.cairn.spi.Hash;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.spi.volume.Lower;
import dev.cairn.spi.volume.Volume;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Garbage collection of a {@link LayeredStore} (see {@link GarbageCollection} for the promise).
 *
 * <p><b>Steps.</b> Mark from every ref of both layers and the pinned hashes, reading through both
 * layers; mark again from the refs as they are now. Scan the upper ({@link ObjectEnumeration}) for
 * objects not marked. Archive mode: append those the lower does not already hold to the lower
 * ({@link Lower#archive}) and make them visible ({@link Lower#swap}), both durable; a lower that is
 * not a volume archive (disk, object storage, a database) gets them as durable batch writes keyed
 * by their hashes instead (see {@link #archivesByHash}). Only then compact the upper ({@link
 * Compaction}), keeping every object that is marked or was not found unreachable by the scan, so
 * nothing the lower does not hold is ever dropped in archive mode.
 *
 * <p><b>Writers are not stopped.</b> While a collection runs, the layered store calls the barrier
 * before each write and ref update: a written object and what it links to, and a ref's new target
 * and what it reaches, are marked (traced on the writer's thread) before the write or update
 * reaches the upper, so the scan and the compaction see them marked. A read-write lock, held shared
 * by writers and exclusively only to install and remove the barrier, makes sure no write slips past
 * it unseen. What remains unprotected in rolling mode is a writer that starts referring to an
 * object that was already unreachable (without writing it again) after the compaction has passed
 * over it; in archive mode such an object is still read from the lower.
 *
 * <p><b>Generations.</b> The GC generation is the lower's: one more than the highest {@link
 * Volume#generation()}, so it is recorded durably by the swap itself. When the layered store is
 * opened it calls {@link Lower#cleanup} with that next generation, which swaps in an archive a
 * crash left complete but unswapped and deletes any other leftover.
 */
final class LayeredCollection implements GarbageCollection {
  /** The most payload bytes, and objects, of one batch written to a lower archived by hash. */
  private static final long BATCH_BYTES = 8 << 20;

  private static final int BATCH_OBJECTS = 10_000;

  private final LayeredStore store;
  private final Backend upper;
  private final Backend lower;
  private final ReentrantLock running = new ReentrantLock();
  private final ReentrantReadWriteLock barrierLock = new ReentrantReadWriteLock();
  private volatile @Nullable Marking marking;

  LayeredCollection(LayeredStore store, Backend upper, Backend lower) {
    this.store = store;
    this.upper = upper;
    this.lower = lower;
  }

  /** Whether the upper offers what a collection needs. */
  boolean supported() {
    return upper.feature(Compaction.class).isPresent()
        && upper.feature(ObjectEnumeration.class).isPresent();
  }

  // ---- The barrier, called by the layered store's write paths. --------------------------------

  /** Runs {@code write} with the barrier applied to the object first. */
  void write(Hash hash, byte[] data, Runnable write) {
    barrierLock.readLock().lock();
    try {
      Marking current = marking;
      if (current != null) {
        current.written(hash, data);
      }
      write.run();
    } finally {
      barrierLock.readLock().unlock();
    }
  }

  /** Streamed objects of at most this many bytes are kept while they pass, for the barrier. */
  static final int STREAM_KEPT_FOR_BARRIER = 1 << 20;

  /**
   * Runs a streamed write to {@code target} (the upper's streams) with the barrier applied to the
   * object when its input ends, before the upper makes it visible: an object of at most {@link
   * #STREAM_KEPT_FOR_BARRIER} bytes is kept as it passes and marked with its links as {@link
   * #write} does; a larger one is marked then, and what it links to traced just after the upper
   * stored it. The barrier lock is held from the end of the input until the write returns, not
   * while the input is read, so a slow input holds up no collection.
   */
  Hash writeStreamed(InputStream in, long length, ObjectStreams target) throws IOException {
    Marking[] seen = new Marking[1];
    boolean[] locked = new boolean[1];
    PassingInput input =
        PassingInput.watched(
            in,
            upper.hashAlgorithm(),
            length,
            STREAM_KEPT_FOR_BARRIER,
            (hash, bytes) -> {
              barrierLock.readLock().lock();
              locked[0] = true;
              Marking current = marking;
              if (current != null) {
                seen[0] = current;
                if (bytes != null) {
                  current.written(hash, bytes);
                } else {
                  current.streamEnded(hash);
                }
              }
            });
    try {
      Hash hash = target.write(input, length);
      if (seen[0] != null && input.count() > STREAM_KEPT_FOR_BARRIER) {
        seen[0].streamStored(hash);
      }
      return hash;
    } finally {
      if (locked[0]) {
        barrierLock.readLock().unlock();
      }
    }
  }

  /** Runs {@code write} with the barrier applied to every object of the batch first. */
  void writeBatch(Map<Hash, byte[]> objects, Runnable write) {
    barrierLock.readLock().lock();
    try {
      Marking current = marking;
      if (current != null) {
        objects.forEach(current::written);
      }
      write.run();
    } finally {
      barrierLock.readLock().unlock();
    }
  }

  /**
   * Runs {@code update} with the barrier applied to the ref's new {@code target} (if any) first.
   */
  <T> T moveRef(@Nullable Hash target, Supplier<T> update) {
    barrierLock.readLock().lock();
    try {
      Marking current = marking;
      if (current != null && target != null) {
        current.refMoved(target);
      }
      return update.get();
    } finally {
      barrierLock.readLock().unlock();
    }
  }

  // ---- Recovery -------------------------------------------------------------------------------

  /** Finishes or discards what a crashed collection left in a writable lower archive. */
  void recover() {
    Optional<Lower> archive = lower.feature(Lower.class);
    if (archive.isPresent()
        && !archive.get().isReadOnly()
        && upper.capabilities().contains(dev.cairn.spi.Capability.WRITE_OBJECTS)) {
      archive.get().cleanup(nextGeneration(archive.get()));
    }
  }

  static int nextGeneration(Lower archive) {
    long highest = 0;
    for (Volume volume : archive.volumes()) {
      highest = Math.max(highest, volume.generation());
    }
    return Math.toIntExact(highest + 1);
  }

  // ---- The collection -------------------------------------------------------------------------

  @Override
  public GcReport gc(GcOptions options) {
    requireNonNull(options, "options");
    Compaction compaction =
        upper
            .feature(Compaction.class)
            .orElseThrow(
                () ->
                    new StoreConfigurationException("gc: the upper " + upper + " cannot compact"));
    ObjectEnumeration enumeration =
        upper
            .feature(ObjectEnumeration.class)
            .orElseThrow(
                () ->
                    new StoreConfigurationException(
                        "gc: the upper " + upper + " cannot list its objects"));
    @Nullable Lower archive = archiveFor(options.mode());
    boolean byHash = archive == null && archivesByHash(options.mode());
    running.lock();
    try {
      return collect(options, compaction, enumeration, archive, byHash);
    } finally {
      running.unlock();
    }
  }

  /** The lower's volume archive, if the collection archives into one. */
  private @Nullable Lower archiveFor(Mode mode) {
    Optional<Lower> archive = lower.feature(Lower.class);
    if (mode == Mode.ROLLING || archive.isEmpty()) {
      return null;
    }
    if (archive.get().isReadOnly()) {
      throw new StoreConfigurationException(
          "gc: the lower archive " + lower + " is read-only; open it writable to archive into it");
    }
    return archive.get();
  }

  /**
   * Whether the collection archives into a lower that is not a volume archive by writing the
   * objects to it, keyed by their hashes: in {@code ARCHIVE} mode into any writable lower, in
   * {@code AUTO} mode into a writable lower that keeps what it is given ({@link
   * Capability#PERSISTENT}: a disk, object-storage or database store), so that a collection never
   * drops objects only because the lower is not {@code lower:}. A lower kept in memory gets nothing
   * in {@code AUTO} mode (rolling).
   */
  private boolean archivesByHash(Mode mode) {
    if (mode == Mode.ROLLING) {
      return false;
    }
    Set<Capability> capabilities = lower.capabilities();
    boolean writable = capabilities.contains(Capability.WRITE_OBJECTS);
    if (mode == Mode.ARCHIVE && !writable) {
      throw new StoreConfigurationException(
          "gc: archive mode needs a lower that accepts "
              + "objects, but the lower "
              + lower
              + " is read-only; open it writable to archive into"
              + " it");
    }
    return writable && (mode == Mode.ARCHIVE || capabilities.contains(Capability.PERSISTENT));
  }

  private GcReport collect(
      GcOptions options,
      Compaction compaction,
      ObjectEnumeration enumeration,
      @Nullable Lower archive,
      boolean byHash) {
    Map<Phase, Duration> phases = new EnumMap<>(Phase.class);
    Marking current = new Marking(upper, lower, options.links());
    install(current);
    try {
      // Mark.
      long start = begin(options, Phase.MARK);
      markRoots(current, options);
      markRoots(current, options); // refs moved since, whose barrier ran before we listed
      current.checkBarrier();
      start = end(phases, Phase.MARK, start);

      // Scan.
      start = begin(options, Phase.SCAN);
      MarkSet unreachable = new MarkSet(upper.hashAlgorithm());
      enumeration.forEachObject(
          object -> {
            if (!current.isMarked(object.hash())) {
              unreachable.add(object.hash());
            }
          });
      current.checkBarrier();
      start = end(phases, Phase.SCAN, start);

      // Archive and swap.
      int generation = 0;
      long[] archived = new long[1];
      if (archive != null && unreachable.size() > 0) {
        generation = archiveAndSwap(options, phases, archive, unreachable, archived);
      } else if (byHash && unreachable.size() > 0) {
        archiveByHash(options, phases, unreachable, archived);
      }
      current.checkBarrier();

      // Compact: only what the scan found unreachable (and, in archive mode, the lower now
      // holds) and no writer marked since.
      start = begin(options, Phase.COMPACT);
      Compaction.Result result =
          compaction.compact(hash -> current.isMarked(hash) || !unreachable.contains(hash));
      end(phases, Phase.COMPACT, start);
      return new GcReport(
          archive != null || byHash ? Mode.ARCHIVE : Mode.ROLLING,
          generation,
          current.markedCount(),
          current.missingCount(),
          unreachable.size(),
          archived[0],
          result.dropped(),
          result.bytesBefore(),
          result.bytesAfter(),
          phases);
    } finally {
      install(null);
    }
  }

  /**
   * Appends the unreachable objects the lower does not hold yet to the archive and swaps them in,
   * timing both phases; returns the new generation, or 0 if there was nothing to archive.
   */
  private int archiveAndSwap(
      GcOptions options,
      Map<Phase, Duration> phases,
      Lower archive,
      MarkSet unreachable,
      long[] archived) {
    long start = begin(options, Phase.ARCHIVE);
    Iterator<ArchiveEntry> entries = entries(unreachable, lower::exists, archived);
    // After a crash between a swap and the compaction, the lower holds them all already:
    // no new generation for an empty archive.
    if (!entries.hasNext()) {
      end(phases, Phase.ARCHIVE, start);
      return 0;
    }
    int generation = nextGeneration(archive);
    if (archive.volumeNum() == 0) {
      archive.addVolume();
    }
    Archived written = archive.archive(provenance(upper), generation, archive.endOffset(), entries);
    start = end(phases, Phase.ARCHIVE, start);
    start = begin(options, Phase.SWAP);
    archive.swap(written.volumeId(), generation, archive.volumeNum());
    end(phases, Phase.SWAP, start);
    return generation;
  }

  /**
   * Writes the unreachable objects the lower does not hold yet to the lower, in batches of at most
   * {@link #BATCH_BYTES}, and flushes it: when this returns they are durable there, so the
   * compaction that follows may drop them from the upper. A crash in between leaves them in both
   * layers, which the next collection finds already archived.
   */
  private void archiveByHash(
      GcOptions options, Map<Phase, Duration> phases, MarkSet unreachable, long[] archived) {
    long start = begin(options, Phase.ARCHIVE);
    Predicate<Hash> held = heldByLower(unreachable);
    Iterator<ArchiveEntry> entries = entries(unreachable, held, archived);
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    long bytes = 0;
    while (entries.hasNext()) {
      ArchiveEntry entry = entries.next();
      batch.put(entry.hash(), entry.data());
      bytes += entry.data().length;
      if (bytes >= BATCH_BYTES || batch.size() >= BATCH_OBJECTS) {
        lower.writeBatch(batch);
        batch.clear();
        bytes = 0;
      }
    }
    if (!batch.isEmpty()) {
      lower.writeBatch(batch);
    }
    lower.flush();
    end(phases, Phase.ARCHIVE, start);
  }

  private void install(@Nullable Marking current) {
    barrierLock.writeLock().lock();
    try {
      marking = current;
    } finally {
      barrierLock.writeLock().unlock();
    }
  }

  private void markRoots(Marking current, GcOptions options) {
    for (Backend layer : new Backend[] {upper, lower}) {
      for (String name : layer.listRefs()) {
        layer.getRef(name).ifPresent(current::trace);
      }
    }
    options.pinned().forEach(current::trace);
  }

  /**
   * Which of the unreachable objects a lower archived by hash holds already: from one pass over the
   * lower's objects where it can list them ({@link ObjectEnumeration}), else by asking {@code
   * exists} of each. One pass, not one question per object, because on object storage an {@code
   * exists} that misses lists the store's indexes again before it answers (one LIST request per
   * archived object), and most of what is archived is not in the lower yet. The pass costs in
   * proportion to what the lower holds, not to what is archived: on {@code s3:} it reads the
   * indexes, mapped locally, after one listing; on {@code postgres:} it scans the hashes once.
   */
  private Predicate<Hash> heldByLower(MarkSet unreachable) {
    Optional<ObjectEnumeration> enumeration = lower.feature(ObjectEnumeration.class);
    if (enumeration.isEmpty()) {
      return lower::exists;
    }
    MarkSet held = new MarkSet(upper.hashAlgorithm());
    enumeration
        .get()
        .forEachObject(
            object -> {
              if (unreachable.contains(object.hash())) {
                held.add(object.hash());
              }
            });
    return held::contains;
  }

  /**
   * The unreachable objects the lower does not hold yet ({@code held} says which it does), read
   * from the upper one at a time as the archive consumes them.
   */
  private Iterator<ArchiveEntry> entries(
      MarkSet unreachable, Predicate<Hash> held, long[] archived) {
    return new Iterator<>() {
      private final Iterator<Hash> hashes = hashes(unreachable);
      private @Nullable ArchiveEntry next;

      @Override
      public boolean hasNext() {
        while (next == null && hashes.hasNext()) {
          Hash hash = hashes.next();
          if (held.test(hash)) {
            continue;
          }
          Optional<byte[]> data = upper.read(hash);
          if (data.isPresent()) {
            next = new ArchiveEntry(hash, data.get());
          }
        }
        return next != null;
      }

      @Override
      public ArchiveEntry next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ArchiveEntry entry = requireNonNull(next, "next (found by hasNext)");
        next = null;
        archived[0]++;
        return entry;
      }
    };
  }

  private static Iterator<Hash> hashes(MarkSet set) {
    return new Iterator<>() {
      private int index;

      @Override
      public boolean hasNext() {
        return index < set.size();
      }

      @Override
      public Hash next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return set.get(index++);
      }
    };
  }

  /** Where the upper lives, recorded by the archive as provenance: its path if it has one. */
  static Path provenance(Backend upper) {
    String name = upper.toString();
    int colon = name.indexOf(':');
    String rest = colon < 0 ? name : name.substring(colon + 1);
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    try {
      return Path.of(rest.isEmpty() ? name : rest).toAbsolutePath();
    } catch (java.nio.file.InvalidPathException e) {
      return Path.of("").toAbsolutePath();
    }
  }

  private static long begin(GcOptions options, Phase phase) {
    options.listener().accept(phase);
    return System.nanoTime();
  }

  private static long end(Map<Phase, Duration> phases, Phase phase, long start) {
    long now = System.nanoTime();
    phases.put(phase, Duration.ofNanos(now - start));
    return now;
  }

  @Override
  public String toString() {
    return "gc of " + store;
  }
}
