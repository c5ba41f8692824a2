package dev.cairn.disk;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.Reloadable;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoredObject;
import dev.cairn.storage.Bloom;
import dev.cairn.storage.DirectoryLock;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A durable content-addressed store in a directory: {@code disk:/path}.
 *
 * <p><b>Layout.</b> Objects are appended as self-checking records to the active segment ({@code
 * seg-<id>.data}); the data log is its own write-ahead log, so each object is written once. At the
 * segment size the active segment is sealed: it gets a memory-mapped index ({@code seg-<id>.idx}:
 * sorted hashes, fan-out table, offsets, lengths, Bloom filter, checksums) and a new active segment
 * starts. {@code MANIFEST} lists the live segments and is replaced atomically; {@code refs.log} is
 * the ref journal; {@code LOCK} keeps out a second writer. On a clean close the active segment is
 * checkpointed with an index of what it holds, so reopening scans only what was appended after the
 * checkpoint.
 *
 * <p><b>Durability</b> follows {@link DiskOptions#fsync()}. With {@code ALWAYS}, concurrent writers
 * share fsyncs (group commit) and an object becomes visible only once durable. A batch is
 * all-or-nothing after a crash. Ref changes are synced unless the mode is {@code NEVER}.
 *
 * <p><b>Recovery.</b> Opening after a crash cuts a torn tail or an unfinished batch off the active
 * segment, removes files the manifest does not list, and replays the ref journal. Damage is never
 * served: a record failing its checksum (or, with {@code verify}, its hash) raises {@link
 * CorruptionException} naming the file and offset; a damaged index or Bloom filter is bypassed (the
 * segment is scanned instead) and reported in {@link #problems()}.
 *
 * <p><b>Sync point.</b> Every flush, clean close and synced ref change records durably how far the
 * active segment and the ref journal were synced ({@link SyncPoint}, in the journal's header; a
 * group commit's sync is recorded with the next of those, at no fsync of its own). Only bytes past
 * it can be a torn tail. Bytes below it that are missing (a shorter file), zeroed or fail their
 * checksum are damage: reported by {@link #problems()} and {@link #checkIntegrity} with file and
 * offset, never cut off. Damage in the synced part of the active segment makes a writable open fail
 * with {@link CorruptionException} (naming file, offset and what to do), so that nothing is written
 * over it; a read-only open works, and there a read of an object the store does not find raises
 * {@link CorruptionException}, since it may have been among the records lost. Damage in the synced
 * part of the ref journal makes every ref operation raise {@link CorruptionException}: a ref a
 * durable entry deleted never comes back. A sync point that fails its checksum (a write of it torn
 * by a crash) means none is known: recovery is as before sync points existed, {@link #problems()}
 * says so, and a writer records a new one at once.
 *
 * <p><b>Features</b> (through {@link #feature(Class)}): {@link ObjectEnumeration}, {@link
 * Compaction}, {@link ObjectStreams} (objects of up to 512 MiB, written and read in slices) and,
 * for read-only openers, {@link Reloadable}.
 *
 * <p>Thread-safe. Only one process (and one opener within a process) may hold a directory for
 * writing; read-only openers may join it.
 */
public final class DiskBackend extends AbstractBackend
    implements ObjectEnumeration, Compaction, Reloadable, IntegrityCheck {
  static final String LOCK_FILE = DirectoryLock.FILE_NAME;
  private static final Pattern OWN_FILE =
      Pattern.compile("seg-[0-9a-f]{16}\\.(data|idx)(\\.tmp)?|MANIFEST\\.tmp|refs\\.log\\.tmp");
  private static final int MAX_BATCH_BYTES = 1 << 30;

  /** How often a read-only opener starts again when the writer moved on under it. */
  private static final int SNAPSHOT_ATTEMPTS = 10;

  private final Path directory;
  private final DiskOptions options;
  private final boolean readOnly;
  private final DiskOptions.Fsync fsync;

  /** The writer's lock; null for a read-only opener. */
  private final @Nullable DirectoryLock lock;

  private final RefJournal refs;
  private final GroupCommit groupCommit;
  private final DiskStreams streams = new DiskStreams(this, Record.MAX_PAYLOAD);
  private final List<String> problems = new CopyOnWriteArrayList<>();

  /** The damage among {@link #problems}, reported again by {@link #checkIntegrity}. */
  private final List<CorruptionException> damage = new CopyOnWriteArrayList<>();

  /**
   * Damage within the synced part of the active segment, found by a read-only open: objects the
   * store does not find may have been lost there. Null if none.
   */
  private volatile @Nullable CorruptionException lostSynced;

  /** Held to append, to seal and to swap segments; never across an fsync of a group commit. */
  private final ReentrantLock appendLock = new ReentrantLock();

  /** Writes large batches past the page cache; used under {@link #appendLock}. */
  private final DirectAppend directAppend = new DirectAppend();

  private final ReentrantLock compactionLock = new ReentrantLock();
  private volatile Manifest manifest;

  /** The live segments, newest first; replaced whole, read without locks. */
  private volatile List<Segment> view;

  private Segment active;

  /** Bytes appended since open: the log position group commit waits for. */
  private long appended;

  /** The next segment id to hand out; ids are never reused. Guarded by appendLock. */
  private long nextSegmentId;

  private volatile boolean compacting;

  /**
   * A manifest was renamed into place but the directory sync after it failed: neither the rename
   * nor the new segment file it names is durable yet, so nothing written since may be acknowledged
   * as durable before the directory is synced again.
   */
  private volatile boolean directoryUnsynced;

  private DiskBackend(
      Path directory,
      DiskOptions options,
      HashAlgorithm algorithm,
      @Nullable DirectoryLock lock,
      Manifest manifest)
      throws IOException {
    super(
        "disk:" + directory,
        algorithm,
        options.readOnly()
            ? EnumSet.of(Capability.PERSISTENT)
            : EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS, Capability.PERSISTENT));
    this.directory = directory;
    this.options = options;
    this.readOnly = options.readOnly();
    this.fsync = options.fsync();
    this.lock = lock;
    this.manifest = manifest;
    this.nextSegmentId = manifest.nextSegmentId;
    this.groupCommit = new GroupCommit(this::syncActive);
    List<Segment> opened = new ArrayList<>();
    // The journal first: its sync point says how much of the active segment is not a torn tail.
    this.refs = RefJournal.open(directory, algorithm, !readOnly);
    try {
      if (refs.syncPointProblem() != null) {
        // A torn write of it or damage, which nothing can tell apart: reported, never fatal.
        noteDamage(
            new CorruptionException(
                directory.resolve(RefJournal.FILE).toString(),
                SyncPoint.OFFSET,
                refs.syncPointProblem()),
            "; recovering as if none was recorded"
                + " (a torn tail is cut off at the first record that does not check)"
                + (readOnly ? "" : ", then recording a new one"));
      }
      if (!readOnly) {
        removeStrayFiles(manifest);
      }
      for (long id : manifest.sealed) {
        opened.add(openSealed(id));
      }
      this.active = openActive(manifest.activeSegment, refs.syncPoint());
      opened.add(active);
      if (!readOnly) {
        recordFirstSyncPoint();
      }
    } catch (IOException | RuntimeException e) {
      opened.forEach(s -> s.retire(false));
      refs.abandon();
      throw e;
    }
    List<Segment> newestFirst = new ArrayList<>(opened);
    Collections.reverse(newestFirst);
    this.view = List.copyOf(newestFirst);
  }

  /**
   * Where the journal holds no sync point this writer can build on (an older format, or one a crash
   * tore), records one now from what recovery left: the journal rewritten as format 3 if needed,
   * the active segment synced, and the sync point written and synced. A failure leaves the store
   * working as before sync points, and says so in {@link #problems()}.
   */
  private void recordFirstSyncPoint() {
    if (!refs.isOldFormat() && refs.syncPointProblem() == null) {
      return;
    }
    try {
      checkLock();
      refs.upgrade();
      DurableFiles.force(active.channel(), false);
      refs.noteSegmentSynced(active.id, active.claimableEnd());
      refs.recordSyncPoint();
    } catch (IOException e) {
      problems.add(
          "could not record a sync point in "
              + directory.resolve(RefJournal.FILE)
              + " (recovery after a crash cuts a torn tail off at the first bad record until one"
              + " is recorded): "
              + e);
    }
  }

  /**
   * Opens (creating it if needed) the store in {@code directory} with the default options.
   *
   * @see #open(Path, DiskOptions)
   */
  public static DiskBackend open(Path directory) {
    return open(directory, DiskOptions.defaults());
  }

  /**
   * Opens the store in {@code directory}. A read-write open with {@link DiskOptions#create()}
   * creates the directory and an empty store (with {@code options.hashAlgorithm()}, else SHA-256)
   * if there is none, but only in a missing or empty directory (or one holding what an interrupted
   * creation left, which it finishes). Creation is atomic: until {@code MANIFEST} appears there is
   * no store, and what a crash or a full disk left before that is cleared by the next creation.
   *
   * <p>A writer holds the directory's {@link DirectoryLock} until closed, and checks before every
   * commit (an append, a durable acknowledgement, a manifest, a ref change) that its lock file is
   * still the one it locked: once it is not (deleted or replaced), every write fails with {@link
   * DirectoryLock.LostException} and nothing more is written.
   *
   * @throws DirectoryLock.LockedException if another process or opener holds the store for writing
   * @throws HashAlgorithmMismatchException if the store's algorithm differs from the one asked
   * @throws StoreConfigurationException if there is no store and the open may not create one
   *     (read-only, or {@code create} off), or the directory holds files that are not a store
   * @throws CorruptionException if the manifest is damaged, or missing beside segment files; or,
   *     for a read-write open, if the part of the active segment that the sync point says was
   *     synced is shorter, zeroed or fails its checksum (the message names the file, the offset and
   *     what to do; nothing is changed, and a read-only open still works)
   * @throws StoreIOException if the files cannot be read or written
   */
  public static DiskBackend open(Path directory, DiskOptions options) {
    requireNonNull(directory, "directory");
    requireNonNull(options, "options");
    Path dir = directory.toAbsolutePath().normalize();
    DirectoryLock lock = null;
    try {
      Manifest manifest = Manifest.read(dir);
      if (manifest == null) {
        refuseCreation(dir, options); // before the lock, which would leave a file behind
      }
      if (!options.readOnly()) {
        createDirectories(dir);
        lock = DirectoryLock.acquire(dir, "store disk:" + dir);
        manifest = Manifest.read(dir); // another creator may have finished meanwhile
        if (manifest == null) {
          refuseCreation(dir, options);
          manifest = create(dir, options);
        }
      }
      Manifest found = requireNonNull(manifest, "manifest (refuseCreation throws without one)");
      if (options.readOnly()) {
        return openFollower(dir, options, found);
      }
      HashAlgorithm algorithm = resolveAlgorithm(dir, found, options);
      return new DiskBackend(dir, options, algorithm, lock, found);
    } catch (IOException e) {
      closeQuietly(lock);
      throw new StoreIOException("opening disk:" + dir, e);
    } catch (RuntimeException e) {
      closeQuietly(lock);
      throw e;
    }
  }

  /**
   * Opens read-only beside a writer that may seal or compact meanwhile: a segment the manifest
   * named can be gone by the time it is opened (compacted away), which is no damage; the open
   * starts again from the newer manifest. The refs are then taken from the same manifest generation
   * as the segments (see {@link #reload()}).
   */
  private static DiskBackend openFollower(Path dir, DiskOptions options, Manifest first)
      throws IOException {
    Manifest manifest = first;
    for (int attempt = 0; ; attempt++) {
      HashAlgorithm algorithm = resolveAlgorithm(dir, manifest, options);
      DiskBackend store;
      try {
        store = new DiskBackend(dir, options, algorithm, null, manifest);
      } catch (NoSuchFileException e) {
        Manifest latest = Manifest.read(dir);
        if (attempt >= SNAPSHOT_ATTEMPTS
            || latest == null
            || latest.generation == manifest.generation) {
          throw e; // not the writer moving on: a file of the store is missing
        }
        manifest = latest;
        continue;
      }
      try {
        store.reload();
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
      return store;
    }
  }

  /**
   * Fails unless a store may be created in {@code dir}, which has no manifest: only by a read-write
   * open that may create, in a directory that is missing, empty, or holds only what an interrupted
   * creation leaves.
   */
  private static void refuseCreation(Path dir, DiskOptions options) throws IOException {
    if (options.readOnly() || !options.create()) {
      throw new StoreConfigurationException(
          String.format(
              "no store at disk:%s (no %s); %s",
              dir,
              Manifest.FILE,
              options.readOnly()
                  ? "a read-only open does not create one"
                  : "this open does not create one (only a command that writes does)"));
    }
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new StoreConfigurationException(
          String.format("disk:%s is not a directory, so no store can be created there", dir));
    }
    List<String> foreign = new ArrayList<>();
    boolean segments = false;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith("seg-") && name.endsWith(".data") && !isCreationRemnant(entry)) {
          segments = true;
        } else if (!isCreationRemnant(entry)) {
          foreign.add(name);
        }
      }
    }
    if (segments) {
      throw new CorruptionException(
          dir.resolve(Manifest.FILE).toString(),
          -1,
          "the manifest is missing but segment files exist; refusing to create a new store"
              + " over them");
    }
    if (!foreign.isEmpty()) {
      Collections.sort(foreign);
      throw new StoreConfigurationException(
          String.format(
              "disk:%s is not a store (no %s) and not empty (it holds %s%s); a store is created"
                  + " only in a new or empty directory",
              dir,
              Manifest.FILE,
              String.join(", ", foreign.subList(0, Math.min(5, foreign.size()))),
              foreign.size() > 5 ? ", ... " + foreign.size() + " entries" : ""));
    }
  }

  /**
   * Whether {@code entry}, in a directory without a manifest, is one of the files {@link #create}
   * makes before the manifest, holding nothing: the lock, an empty first segment, a ref journal
   * with no entry, and temporary files.
   */
  private static boolean isCreationRemnant(Path entry) throws IOException {
    String name = entry.getFileName().toString();
    if (name.equals(LOCK_FILE) || name.equals(Manifest.TEMP) || name.equals(RefJournal.TEMP)) {
      return Files.isRegularFile(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
    if (name.equals(Segment.dataFileName(1)) || name.equals(RefJournal.FILE)) {
      long limit = name.equals(RefJournal.FILE) ? RefJournal.EMPTY_SIZE : 0;
      return Files.isRegularFile(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && Files.size(entry) <= limit;
    }
    return false;
  }

  /**
   * Creates {@code dir} and its missing parents, syncing the directory that holds each new one:
   * until then a power loss may forget the new directory, and the store in it with everything
   * acknowledged durable.
   */
  private static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path highest = dir;
    while (highest.getParent() != null && !Files.exists(highest.getParent())) {
      highest = highest.getParent();
    }
    Files.createDirectories(dir);
    for (Path created = dir; created != null; created = created.getParent()) {
      if (created.getParent() != null) {
        DurableFiles.syncDirectory(created.getParent());
      }
      if (created.equals(highest)) {
        break;
      }
    }
  }

  private static void closeQuietly(@Nullable DirectoryLock lock) {
    if (lock != null) {
      try {
        lock.close();
      } catch (StoreIOException e) {
        // The lock goes with its channel; nothing else to release.
      }
    }
  }

  /**
   * Creates the store's files in {@code dir}, which holds at most what an interrupted creation left
   * (see {@link #isCreationRemnant}): those are removed first. The manifest comes last; its rename
   * is the moment the store exists.
   */
  private static Manifest create(Path dir, DiskOptions options) throws IOException {
    for (String remnant :
        List.of(Segment.dataFileName(1), RefJournal.FILE, RefJournal.TEMP, Manifest.TEMP)) {
      Files.deleteIfExists(dir.resolve(remnant));
    }
    String algorithm = options.hashAlgorithm().orElse(HashAlgorithm.SHA256).name();
    Manifest manifest = new Manifest(algorithm, 1, 1, 2, List.of());
    // The first segment and the ref journal exist before the manifest that names them; its
    // directory sync makes all three durable at once.
    DurableFiles.open(
            dir.resolve(Segment.dataFileName(1)),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE)
        .close();
    RefJournal.create(dir);
    manifest.install(dir);
    return manifest;
  }

  private static HashAlgorithm resolveAlgorithm(Path dir, Manifest manifest, DiskOptions options) {
    Optional<HashAlgorithm> asked = options.hashAlgorithm();
    if (asked.isPresent() && !asked.get().name().equals(manifest.algorithm)) {
      throw new HashAlgorithmMismatchException(
          String.format(
              "store disk:%s was created with hash=%s; it cannot be opened with hash=%s (omit"
                  + " hash= to use the store's own)",
              dir, manifest.algorithm, asked.get().name()));
    }
    if (asked.isPresent()) {
      return asked.get();
    }
    try {
      return HashAlgorithm.forName(manifest.algorithm);
    } catch (IllegalArgumentException e) {
      throw new StoreConfigurationException(
          String.format(
              "store disk:%s uses hash algorithm %s, which is not available here: %s",
              dir, manifest.algorithm, e.getMessage()),
          e);
    }
  }

  /**
   * Fails with {@link DirectoryLock.LostException} unless this writer's lock file is still the one
   * it locked; called before every commit, so that a second writer let in by a deleted lock file
   * never has its records overwritten or its acknowledgements contradicted by this one.
   */
  private void checkLock() {
    if (lock != null) {
      lock.check();
    }
  }

  Path dataPath(long id) {
    return directory.resolve(Segment.dataFileName(id));
  }

  Path indexPath(long id) {
    return directory.resolve(Segment.indexFileName(id));
  }

  /** Deletes our files that the manifest does not list: leftovers of a crash. */
  private void removeStrayFiles(Manifest m) throws IOException {
    Set<String> live = new HashSet<>();
    for (long id : m.liveSegments()) {
      live.add(Segment.dataFileName(id));
      live.add(Segment.indexFileName(id));
    }
    boolean removed = false;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (OWN_FILE.matcher(name).matches() && !live.contains(name)) {
          Files.deleteIfExists(entry);
          removed = true;
        }
      }
    }
    if (removed) {
      DurableFiles.syncDirectory(directory);
    }
  }

  private Segment openSealed(long id) throws IOException {
    Segment segment =
        new Segment(id, dataPath(id), hashAlgorithm(), false, false, this::repairIndex);
    try {
      loadSealed(segment);
    } catch (IOException | RuntimeException e) {
      // Not in the caller's list yet: a failed open must not leave its file open.
      segment.retire(false);
      throw e;
    }
    segment.mapForReads();
    return segment;
  }

  private void loadSealed(Segment segment) throws IOException {
    long id = segment.id;
    try {
      SegmentIndex index = SegmentIndex.open(indexPath(id), hashAlgorithm());
      segment.index = index;
      if (index.bloomProblem != null) {
        noteDamage(index.bloomProblem, "; searching the table instead");
        index.verifyTable(); // the rebuilt filter comes from the table: it must be sound
        SegmentIndex.Builder entries = new SegmentIndex.Builder(hashAlgorithm().digestLength());
        for (int i = 0; i < index.count; i++) {
          entries.add(index.hashAt(i), index.offsetAt(i), index.lengthAt(i));
        }
        rebuildIndex(segment, entries, index.dataLength);
      }
    } catch (CorruptionException | NoSuchFileException e) {
      if (e instanceof NoSuchFileException && readOnly && !listedOnDisk(id)) {
        throw (NoSuchFileException) e; // compacted away since the manifest was read: no damage
      }
      // The records check themselves: find them by scanning instead of trusting the index.
      CorruptionException problem =
          e instanceof CorruptionException
              ? (CorruptionException) e
              : new CorruptionException(indexPath(id).toString(), -1, "the index is missing");
      noteDamage(problem, "; scanning " + segment.name + " instead");
      Segment.Scan scan = segment.scan(0);
      scan.damage.forEach(d -> noteDamage(d, ""));
      for (int i = 0; i < scan.hashes.size(); i++) {
        segment.recent.put(scan.hashes.get(i), scan.locations.get(i));
      }
      segment.end = scan.committedEnd;
      rebuildIndex(segment, scan.entries, scan.committedEnd);
    }
  }

  /** A sealed segment's index failed its deferred check: scan the records instead. */
  private void repairIndex(Segment segment, CorruptionException problem) {
    noteDamage(problem, "; scanning " + segment.name + " instead");
    Segment.Scan scan;
    try {
      scan = segment.scan(0);
    } catch (IOException e) {
      throw new StoreIOException("scanning " + segment.name + " after a damaged index", e);
    }
    scan.damage.forEach(d -> noteDamage(d, ""));
    for (int i = 0; i < scan.hashes.size(); i++) {
      segment.recent.put(scan.hashes.get(i), scan.locations.get(i));
    }
    segment.index = null;
    rebuildIndex(segment, scan.entries, scan.committedEnd);
  }

  /**
   * Replaces a damaged index of a sealed segment with one built from what was found (a writer only;
   * readers keep working from the heap). A failure leaves the segment served as it is.
   */
  private void rebuildIndex(Segment segment, SegmentIndex.Builder entries, long dataLength) {
    if (readOnly) {
      return;
    }
    try {
      checkLock();
      Path path = indexPath(segment.id);
      SegmentIndex.write(path, hashAlgorithm(), segment.id, dataLength, entries);
      DurableFiles.syncDirectory(directory);
      segment.index = SegmentIndex.openVerified(path, hashAlgorithm());
      segment.recent.clear();
      problems.add("rebuilt the index " + path);
    } catch (IOException | RuntimeException e) {
      problems.add("could not rebuild the index of " + segment.name + ": " + e);
    }
  }

  /**
   * Opens the active segment {@code id}, scanning past its checkpoint. A torn tail past what {@code
   * syncPoint} says was synced is cut off; damage below it is refused for writing (see the class
   * comment) and, read-only, reported and remembered in {@link #lostSynced}.
   */
  private Segment openActive(long id, SyncPoint syncPoint) throws IOException {
    Path path = dataPath(id);
    boolean exists = Files.exists(path);
    if (!exists && readOnly) {
      throw new NoSuchFileException(path.toString(), null, "active segment is missing");
    }
    Segment segment = new Segment(id, path, hashAlgorithm(), !readOnly, !exists, this::repairIndex);
    try {
      long from = 0;
      if (Files.exists(indexPath(id))) {
        try {
          SegmentIndex checkpoint = SegmentIndex.openVerified(indexPath(id), hashAlgorithm());
          if (checkpoint.segmentId == id && checkpoint.dataLength <= segment.size()) {
            segment.index = checkpoint;
            from = checkpoint.dataLength;
            if (checkpoint.bloomProblem != null) {
              noteDamage(checkpoint.bloomProblem, "; searching the table instead");
            }
          } else if (checkpoint.segmentId == id) {
            // The checkpoint was written after these bytes were synced: records it covers
            // are gone, which no crash explains. Serve what is left, but say so.
            noteDamage(
                new CorruptionException(
                    segment.name,
                    segment.size(),
                    String.format(
                        "the active segment is %d bytes but its checkpoint %s covers %d",
                        segment.size(), indexPath(id), checkpoint.dataLength)),
                "; scanning " + segment.name + " instead");
          }
        } catch (CorruptionException e) {
          noteDamage(e, "; scanning " + segment.name + " instead");
        }
      }
      Segment.Scan scan = segment.scan(from);
      long synced = syncPoint.syncedLengthOf(id);
      List<CorruptionException> lost = damageWithinSynced(segment, scan, synced);
      if (!lost.isEmpty() && !readOnly) {
        throw refuseWriting(lost);
      }
      for (CorruptionException d : scan.damage) {
        if (d.offset() >= synced) {
          noteDamage(d, "");
          // Kept, not cut (records follow it): no later sync point may claim it as synced.
          segment.claimLimit = Math.min(segment.claimLimit, d.offset());
        }
      }
      lost.forEach(d -> noteDamage(d, ""));
      if (!lost.isEmpty()) {
        lostSynced = lost.get(0);
      }
      SegmentIndex.Builder all = new SegmentIndex.Builder(hashAlgorithm().digestLength());
      SegmentIndex checkpoint = segment.index;
      if (checkpoint != null) {
        for (int i = 0; i < checkpoint.count; i++) {
          all.add(checkpoint.hashAt(i), checkpoint.offsetAt(i), checkpoint.lengthAt(i));
        }
      }
      for (int i = 0; i < scan.hashes.size(); i++) {
        long location = scan.locations.get(i);
        segment.recent.put(scan.hashes.get(i), location);
        all.add(scan.hashes.get(i), Segment.offsetOf(location), Segment.lengthOf(location));
      }
      segment.pending = all;
      segment.end = scan.committedEnd;
      if (!readOnly && segment.size() > scan.committedEnd) {
        // A torn record or an unfinished batch: cut it off so it is never served or built on.
        DurableFiles.truncate(segment.channel(), scan.committedEnd);
        DurableFiles.force(segment.channel(), true);
      }
      if (!exists) {
        DurableFiles.syncDirectory(directory);
      }
      return segment;
    } catch (IOException | RuntimeException e) {
      segment.retire(false);
      throw e;
    }
  }

  /**
   * The damage a scan of the active segment found below {@code synced}, the length its sync point
   * says was durable: records that do not check, records ending before it (zeros, or a record cut
   * short), or a file shorter than it. None of it can be a torn write.
   */
  private static List<CorruptionException> damageWithinSynced(
      Segment segment, Segment.Scan scan, long synced) throws IOException {
    List<CorruptionException> found = new ArrayList<>();
    if (synced <= 0) {
      return found;
    }
    String syncedBy =
        String.format(
            "within the %d bytes synced by the last flush or close (the" + " sync point in %s)",
            synced, RefJournal.FILE);
    for (CorruptionException d : scan.damage) {
      if (d.offset() < synced) {
        found.add(
            new CorruptionException(
                d.file(),
                d.offset(),
                "a record that does not check, " + syncedBy + "; it is never served"));
      }
    }
    long size = segment.size();
    if (scan.committedEnd < synced) {
      found.add(
          new CorruptionException(
              segment.name,
              scan.committedEnd,
              size < synced
                  ? String.format(
                      "the active segment is %d bytes but %d were synced (the sync point"
                          + " in %s): the records from offset %d on are lost",
                      size, synced, RefJournal.FILE, scan.committedEnd)
                  : String.format(
                      "the records end at offset %d, %s: the bytes from there to offset %d"
                          + " are zeros or records that do not check",
                      scan.committedEnd, syncedBy, synced)));
    }
    return found;
  }

  /** The refusal of a writable open of a store whose active segment lost synced bytes. */
  private CorruptionException refuseWriting(List<CorruptionException> lost) {
    CorruptionException first = lost.get(0);
    String message = String.valueOf(first.getMessage());
    String prefix = String.format("corrupt %s at offset %d: ", first.file(), first.offset());
    return new CorruptionException(
        first.file(),
        first.offset(),
        String.format(
            "%s%s; disk:%s is not opened for writing, which would cut off or write over what is"
                + " left there: nothing was changed. Open it read-only (disk:%s?mode=read-only) to read"
                + " what is left and list the damage (cairn verify); restore %s from a copy, or copy the"
                + " objects that are left into a new store",
            message.startsWith(prefix) ? message.substring(prefix.length()) : message,
            lost.size() > 1 ? " (and " + (lost.size() - 1) + " more damage there)" : "",
            directory,
            directory,
            Path.of(first.file()).getFileName()));
  }

  /** Damage found and worked around since the store was opened, one message each. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  private void noteDamage(CorruptionException problem, String remedy) {
    damage.add(problem);
    problems.add(problem.getMessage() + remedy);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reports the damage found since the store was opened (see {@link #problems()}), then checks
   * the manifest, the ref journal, and each live segment: every record of its data file (whole,
   * checksum, payload re-hashed), its index or checkpoint (header, fan-out, table and Bloom filter
   * checksums, each entry naming a whole record of its hash) and that the data file ends where the
   * index says.
   *
   * <p>A read-only opener beside a compacting writer checks one snapshot: it reloads first, and
   * when a segment it was checking turns out to be compacted away meanwhile (its files deleted,
   * which is no damage), it reloads and checks again.
   */
  @Override
  public IntegrityCheck.Summary checkIntegrity(Consumer<? super CorruptionException> visitor) {
    requireNonNull(visitor, "visitor");
    checkOpen("checkIntegrity");
    if (readOnly) {
      reload();
    }
    for (int attempt = 0; ; attempt++) {
      List<CorruptionException> found = new ArrayList<>(damage);
      boolean[] moved = new boolean[1];
      IntegrityCheck.Summary result;
      try {
        result = checkFiles(found::add, moved);
      } catch (IOException e) {
        throw new StoreIOException("checking disk:" + directory, e);
      }
      if (!moved[0] || attempt >= SNAPSHOT_ATTEMPTS) {
        // Damage found at the open and found again in the file is one damage.
        Set<String> seen = new HashSet<>();
        found.removeIf(e -> !seen.add(e.getMessage()));
        found.forEach(visitor);
        return new IntegrityCheck.Summary(
            result.files(), result.bytes(), result.objects(), found.size());
      }
      reload();
    }
  }

  /**
   * Checks the files of the current view. A read-only opener sets {@code moved[0]} instead of
   * reporting what it found wrong with a segment the manifest on disk no longer lists.
   */
  private IntegrityCheck.Summary checkFiles(Consumer<CorruptionException> store, boolean[] moved)
      throws IOException {
    List<CorruptionException> inSegment = new ArrayList<>();
    Consumer<CorruptionException> report = inSegment::add;
    long files = 0;
    long bytes = 0;
    long objects = 0;
    Path manifestPath = directory.resolve(Manifest.FILE);
    try {
      Manifest onDisk = Manifest.read(directory);
      if (onDisk == null) {
        report.accept(
            new CorruptionException(manifestPath.toString(), -1, "the manifest is missing"));
      }
    } catch (CorruptionException e) {
      report.accept(e);
    }
    files++;
    bytes += sizeOrZero(manifestPath);
    bytes += refs.check(report);
    files++;
    inSegment.forEach(store);
    inSegment.clear();
    List<Segment> segments = view;
    for (Segment segment : segments) {
      if (!segment.retain()) {
        continue; // compacted away meanwhile
      }
      try {
        long end;
        appendLock.lock();
        try {
          end = segment.end;
        } finally {
          appendLock.unlock();
        }
        boolean sealed = segment != segments.get(0);
        Path indexFile = indexPath(segment.id);
        SegmentIndex index = null;
        if (Files.exists(indexFile)) {
          files++;
          bytes += sizeOrZero(indexFile);
          try {
            index = SegmentIndex.open(indexFile, hashAlgorithm());
            if (index.segmentId != segment.id) {
              report.accept(
                  new CorruptionException(
                      indexFile.toString(),
                      16,
                      "index of segment " + index.segmentId + ", not " + segment.id));
            }
          } catch (CorruptionException e) {
            report.accept(e);
          } catch (NoSuchFileException e) {
            report.accept(
                new CorruptionException(
                    indexFile.toString(), -1, "the index vanished while it was checked"));
          }
        } else if (sealed) {
          report.accept(
              new CorruptionException(
                  indexFile.toString(), -1, "the index of a sealed segment is missing"));
        }
        if (index != null) {
          index.check(report);
          if (sealed && index.dataLength != segment.size()) {
            report.accept(
                new CorruptionException(
                    segment.name,
                    Math.min(index.dataLength, segment.size()),
                    String.format(
                        "sealed segment is %d bytes, its index %s covers %d",
                        segment.size(), indexFile, index.dataLength)));
          } else if (!sealed && index.dataLength > (readOnly ? segment.size() : end)) {
            // A follower's view of the active segment may lag the writer's newest checkpoint;
            // only a checkpoint past what the file holds is damage.
            report.accept(
                new CorruptionException(
                    segment.name,
                    end,
                    String.format(
                        "the active segment holds %d bytes of records but its checkpoint %s covers"
                            + " %d",
                        end, indexFile, index.dataLength)));
          }
        }
        files++;
        bytes += sealed ? segment.size() : Math.min(end, segment.size());
        objects += segment.checkRecords(sealed ? segment.size() : end, report);
      } finally {
        segment.release();
      }
      if (!inSegment.isEmpty() && readOnly && !listedOnDisk(segment.id)) {
        moved[0] = true; // compacted away while checked: its files went with it
      } else {
        inSegment.forEach(store);
      }
      inSegment.clear();
    }
    return new IntegrityCheck.Summary(files, bytes, objects, 0);
  }

  private static long sizeOrZero(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** The directory of the store. */
  public Path directory() {
    return directory;
  }

  /** The options the store was opened with. */
  public DiskOptions options() {
    return options;
  }

  /** How many fsyncs group commit has made, for measurements. */
  long groupCommitSyncs() {
    return groupCommit.syncCount();
  }

  // ---------------------------------------------------------------- reads

  private long locate(List<Segment> segments, Hash hash, Segment[] found) {
    Bloom.Key key = Bloom.key(hash);
    for (Segment segment : segments) {
      long location = segment.find(hash, key);
      if (location >= 0) {
        found[0] = segment;
        return location;
      }
    }
    return -1;
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    return presentOrLost(
        hash,
        onRecord(
            hash,
            (segment, location) -> {
              try {
                return segment.read(hash, location, options.verify());
              } finally {
                segment.release();
              }
            }));
  }

  /**
   * {@code found}, unless it is empty and the synced part of the active segment is damaged: then
   * the object may have been among the records lost, and saying it is absent would hide that, so
   * the damage is raised instead.
   */
  private <T> Optional<T> presentOrLost(Hash hash, Optional<T> found) {
    CorruptionException lost = lostSynced;
    if (found.isPresent() || lost == null) {
      return found;
    }
    throw new CorruptionException(
        lost.file(),
        lost.offset(),
        String.format(
            "%s is not found, and may have been among the synced records damaged there (%s)",
            hash, lost.getMessage()));
  }

  /** What is done with a located record; it owns the reference to the segment. */
  private interface RecordAccess<T> {
    T apply(Segment segment, long location) throws IOException;
  }

  /**
   * Locates {@code hash}, takes a reference to its segment and hands both to {@code access}, which
   * releases it (at once or later); retries where a compaction retired the segment meanwhile. Empty
   * if the store does not hold the object.
   */
  private <T> Optional<T> onRecord(Hash hash, RecordAccess<T> access) {
    Segment[] found = new Segment[1];
    while (true) {
      List<Segment> segments = view;
      long location = locate(segments, hash, found);
      if (location < 0) {
        return Optional.empty();
      }
      Segment segment = found[0];
      if (!segment.retain()) {
        continue; // compacted away meanwhile: the new view has it
      }
      try {
        return Optional.of(access.apply(segment, location));
      } catch (java.nio.channels.ClosedByInterruptException e) {
        throw new StoreIOException(
            "interrupted while reading " + hash + " from " + segment.name, e);
      } catch (ClosedChannelException e) {
        checkOpen("read");
        continue; // retired by a compaction meanwhile: the new view has the object
      } catch (IOException e) {
        throw new StoreIOException("reading " + hash + " from " + segment.name, e);
      }
    }
  }

  /**
   * {@link ObjectStreams#open}: a reader of the record of {@code hash}; see {@link DiskStreams}.
   */
  Optional<ObjectReader> openRecord(Hash hash) {
    checkObjectRead("open", hash);
    Optional<ObjectReader> reader =
        presentOrLost(
            hash,
            onRecord(
                hash,
                (segment, location) -> {
                  try {
                    return RecordReader.open(
                        segment, hash, location, hashAlgorithm(), options.verify());
                  } catch (IOException | RuntimeException e) {
                    segment.release();
                    throw e;
                  }
                }));
    reader.ifPresent(r -> recordRead(r.size()));
    return reader;
  }

  @Override
  protected boolean containsObject(Hash hash) {
    Segment[] found = new Segment[1];
    return locate(view, hash, found) >= 0;
  }

  // ---------------------------------------------------------------- writes

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    ObjectStreams.checkLength(toString(), data.length, Record.MAX_PAYLOAD);
    if (containsObject(hash) && !compacting) {
      return;
    }
    int h = hashAlgorithm().digestLength();
    ByteBuffer record = ByteBuffer.allocate(Record.size(h, data.length));
    Record.encode(record, hash, data, false, false);
    record.flip();
    Segment segment;
    long location;
    long position;
    appendLock.lock();
    try {
      checkLock();
      segment = segmentWithRoomFor(record.remaining());
      long offset = segment.append(record);
      segment.pending().add(hash, offset, data.length);
      location = Segment.location(offset, data.length);
      appended += record.capacity();
      position = appended;
      if (fsync != DiskOptions.Fsync.ALWAYS) {
        segment.publish(hash, location);
      }
    } catch (IOException e) {
      throw new StoreIOException("appending " + hash + " to " + activeName(), e);
    } finally {
      appendLock.unlock();
    }
    if (fsync == DiskOptions.Fsync.ALWAYS) {
      awaitDurable(position);
      segment.publish(hash, location);
    }
  }

  @Override
  protected void writeObjects(Map<Hash, byte[]> objects) {
    int h = hashAlgorithm().digestLength();
    List<Hash> hashes = new ArrayList<>(objects.size());
    List<byte[]> datas = new ArrayList<>(objects.size());
    long total = 0;
    for (Map.Entry<Hash, byte[]> entry : objects.entrySet()) {
      ObjectStreams.checkLength(toString(), entry.getValue().length, Record.MAX_PAYLOAD);
      if (!compacting && containsObject(entry.getKey())) {
        continue;
      }
      hashes.add(entry.getKey());
      datas.add(entry.getValue());
      total += Record.size(h, entry.getValue().length);
    }
    if (total > MAX_BATCH_BYTES) {
      throw new IllegalArgumentException(
          String.format(
              "a batch of %d bytes of records exceeds the limit of %d; split it",
              total, MAX_BATCH_BYTES));
    }
    if (hashes.isEmpty()) {
      if (fsync == DiskOptions.Fsync.BATCH) {
        flushStore(); // objects already present may still be unsynced single writes
      }
      return;
    }
    ByteBuffer records = ByteBuffer.allocate((int) total);
    long[] offsets = new long[hashes.size()];
    for (int i = 0; i < hashes.size(); i++) {
      offsets[i] = records.position();
      Record.encode(records, hashes.get(i), datas.get(i), i < hashes.size() - 1, i > 0);
    }
    records.flip();
    Segment segment;
    long base;
    long position;
    appendLock.lock();
    try {
      checkLock();
      segment = segmentWithRoomFor(records.remaining());
      base = segment.append(records, directAppend);
      for (int i = 0; i < hashes.size(); i++) {
        segment.pending().add(hashes.get(i), base + offsets[i], datas.get(i).length);
      }
      appended += records.capacity();
      position = appended;
      if (fsync == DiskOptions.Fsync.NEVER) {
        publishBatch(segment, hashes, datas, base, offsets);
      }
    } catch (IOException e) {
      throw new StoreIOException(
          "appending a batch of " + hashes.size() + " objects to " + activeName(), e);
    } finally {
      appendLock.unlock();
    }
    if (fsync != DiskOptions.Fsync.NEVER) {
      awaitDurable(position);
      publishBatch(segment, hashes, datas, base, offsets);
    }
  }

  private static void publishBatch(
      Segment segment, List<Hash> hashes, List<byte[]> datas, long base, long[] offsets) {
    for (int i = 0; i < hashes.size(); i++) {
      segment.publish(hashes.get(i), Segment.location(base + offsets[i], datas.get(i).length));
    }
  }

  private String activeName() {
    Segment a = active;
    return a == null ? directory.toString() : a.name;
  }

  private void awaitDurable(long position) {
    try {
      groupCommit.awaitDurable(position);
    } catch (IOException e) {
      throw new StoreIOException("syncing " + activeName(), e);
    }
  }

  /** Called by the group commit leader: syncs the active segment, not holding the lock. */
  private long syncActive() throws IOException {
    FileChannel channel;
    long position;
    long segment;
    long segmentEnd;
    boolean directoryToo;
    appendLock.lock();
    try {
      channel = active.channel();
      segment = active.id;
      segmentEnd = active.claimableEnd();
      position = appended;
      directoryToo = directoryUnsynced;
    } finally {
      appendLock.unlock();
    }
    DurableFiles.force(channel, false);
    if (directoryToo && !syncDirectoryIfUnsynced()) {
      throw new IOException(
          "the directory "
              + directory
              + " cannot be synced, so the manifest"
              + " naming the active segment is not durable");
    }
    checkLock(); // what another writer may have overwritten is never acknowledged
    refs.noteSegmentSynced(segment, segmentEnd); // recorded by the journal's next sync
    return position;
  }

  /** The active segment, sealed first if {@code bytes} would overflow it. Holds appendLock. */
  private Segment segmentWithRoomFor(int bytes) {
    Segment current = active;
    if (current.end > 0 && current.end + bytes > options.segmentSize()) {
      try {
        seal();
      } catch (IOException | RuntimeException e) {
        // Keep appending to the current segment: it grows past the size but loses nothing.
        problems.add("sealing " + current.name + " failed, will retry: " + e);
      }
    }
    return active;
  }

  /**
   * Seals the active segment: syncs it, writes its index, starts the next segment and installs a
   * manifest naming both. Until the manifest is installed the old segment stays active (a crash
   * leaves its index as a checkpoint and the new file as a stray). Holds appendLock.
   */
  private void seal() throws IOException {
    Segment old = active;
    DurableFiles.force(old.channel(), false);
    groupCommit.markDurable(appended);
    Path index = indexPath(old.id);
    SegmentIndex.write(index, hashAlgorithm(), old.id, old.end, old.pending());
    Manifest current = manifest;
    long nextId = nextSegmentId++;
    Segment next =
        new Segment(nextId, dataPath(nextId), hashAlgorithm(), true, true, this::repairIndex);
    List<Long> sealed = new ArrayList<>(current.sealed);
    sealed.add(old.id);
    Manifest updated = current.withSegments(nextId, nextSegmentId, sealed);
    installManifest(updated, () -> next.retire(true));
    // The manifest names the new segment active: switch to it whatever fails after this, or
    // later appends would go to a segment the manifest calls sealed, past its index.
    next.pending = new SegmentIndex.Builder(hashAlgorithm().digestLength());
    next.end = 0;
    active = next;
    // The sealed segment's length is in its index and the manifest; the new one has nothing.
    refs.noteSegmentSynced(next.id, 0);
    manifest = updated;
    List<Segment> segments = new ArrayList<>(view.size() + 1);
    segments.add(next);
    segments.addAll(view);
    view = List.copyOf(segments);
    old.pending = null;
    try {
      old.index = SegmentIndex.open(index, hashAlgorithm());
      old.recent.clear();
      old.mapForReads();
    } catch (IOException | RuntimeException e) {
      // Its records stay findable from memory (recent, after the checkpoint index if any);
      // the next open maps the index written above.
      problems.add("sealed " + old.name + " but could not map its index " + index + ": " + e);
    }
  }

  /** Syncs the directory if a manifest was installed without it; whether it is synced now. */
  private boolean syncDirectoryIfUnsynced() {
    if (!directoryUnsynced) {
      return true;
    }
    try {
      directoryUnsynced = false;
      DurableFiles.syncDirectory(directory);
      return true;
    } catch (IOException e) {
      directoryUnsynced = true;
      problems.add("syncing " + directory + " failed again: " + e);
      return false;
    }
  }

  /** Whether the manifest on disk now lists segment {@code id} (false if it cannot be read). */
  private boolean listedOnDisk(long id) {
    try {
      Manifest onDisk = Manifest.read(directory);
      return onDisk != null && onDisk.liveSegments().contains(id);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether the manifest on disk is still the generation this opener's view comes from. */
  private boolean viewIsCurrent() {
    try {
      Manifest onDisk = Manifest.read(directory);
      return onDisk != null && onDisk.generation == manifest.generation;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Checks the lock, then installs {@code updated}. If it is not in place afterwards, runs {@code
   * undo} (which removes what only it would have named) and rethrows. If only the directory sync
   * after its rename failed, it counts as installed: the failure is kept in {@link #problems()} and
   * nothing is acknowledged as durable until the directory is synced.
   */
  private void installManifest(Manifest updated, Runnable undo) throws IOException {
    try {
      checkLock();
      updated.install(directory);
    } catch (IOException e) {
      if (!isInstalled(updated)) {
        undo.run();
        throw e;
      }
      directoryUnsynced = true;
      problems.add(
          "manifest generation "
              + updated.generation
              + " installed but the"
              + " directory sync failed: "
              + e);
    }
  }

  private boolean isInstalled(Manifest expected) {
    try {
      Manifest onDisk = Manifest.read(directory);
      return onDisk != null && onDisk.generation == expected.generation;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The checks of {@code write}, for {@link DiskStreams}. */
  void checkStreamWrite() {
    checkObjectWrite("write");
  }

  /** A segment id never handed out before, for a file outside the manifest until installed. */
  long newSegmentId() {
    appendLock.lock();
    try {
      return nextSegmentId++;
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Lists the whole, synced and indexed segment {@code id} that {@link DiskStreams} wrote for
   * {@code hash} ({@code size} bytes) as sealed: a manifest naming it is installed, then it is
   * readable. If the store already holds {@code hash} the segment is deleted instead.
   *
   * @return {@code hash}
   */
  Hash installStreamed(long id, Hash hash, long size) {
    Segment segment;
    try {
      segment = openSealed(id);
    } catch (IOException e) {
      throw new StoreIOException("opening the segment " + dataPath(id) + " just written", e);
    }
    appendLock.lock();
    try {
      if (isClosed() || (!compacting && containsObject(hash))) {
        // Closed while the object streamed: the lock may be another writer's by now.
        segment.retire(true);
        checkOpen("write");
        return hash;
      }
      Manifest current = manifest;
      List<Long> sealed = new ArrayList<>(current.sealed);
      sealed.add(id);
      Manifest updated = current.withSegments(current.activeSegment, nextSegmentId, sealed);
      try {
        installManifest(updated, () -> segment.retire(true));
      } catch (IOException e) {
        throw new StoreIOException("installing a manifest listing " + segment.name, e);
      }
      manifest = updated;
      List<Segment> segments = new ArrayList<>(view.size() + 1);
      segments.add(view.get(0)); // the active segment stays first
      segments.add(segment);
      segments.addAll(view.subList(1, view.size()));
      view = List.copyOf(segments);
    } finally {
      appendLock.unlock();
    }
    recordWrite(size);
    if (!syncDirectoryIfUnsynced()) {
      throw new StoreIOException(
          "syncing "
              + directory
              + " after storing "
              + hash
              + ": the object is readable but may not survive a crash",
          new IOException("the directory sync failed"));
    }
    return hash;
  }

  // ---------------------------------------------------------------- refs

  @Override
  protected Optional<Hash> readRef(String name) {
    return refs.get(name);
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    try {
      checkLock();
      refs.set(name, hash, fsync != DiskOptions.Fsync.NEVER);
      checkLock();
    } catch (IOException e) {
      throw new StoreIOException(
          "setting ref " + name + " in " + directory.resolve(RefJournal.FILE), e);
    }
  }

  @Override
  protected boolean compareAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
    try {
      checkLock();
      boolean set =
          refs.compareAndSet(name, expected, replacement, fsync != DiskOptions.Fsync.NEVER);
      checkLock();
      return set;
    } catch (IOException e) {
      throw new StoreIOException(
          "updating ref " + name + " in " + directory.resolve(RefJournal.FILE), e);
    }
  }

  @Override
  protected List<String> refNames() {
    return refs.names();
  }

  // ---------------------------------------------------------------- flush and close

  @Override
  protected void flushStore() {
    if (readOnly) {
      return;
    }
    long position;
    appendLock.lock();
    try {
      position = appended;
    } finally {
      appendLock.unlock();
    }
    awaitDurable(position);
    checkLock();
    try {
      refs.recordSyncPoint();
    } catch (IOException e) {
      throw new StoreIOException("syncing " + directory.resolve(RefJournal.FILE), e);
    }
    checkLock();
  }

  /**
   * Writes the index of the active segment so that the next open scans only what is appended after
   * it. Only a saving: everything it indexes is durable in the segment already, and the next open
   * rebuilds the index by scanning. So it never fails the close — a store opened only to be read,
   * or on a full disk or a directory that takes no new file, closes cleanly — and leaves no
   * half-written file behind.
   */
  private void checkpoint(Segment active) {
    Path index = indexPath(active.id);
    try {
      SegmentIndex.write(index, hashAlgorithm(), active.id, active.end, active.pending());
      DurableFiles.syncDirectory(directory);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(index.resolveSibling(index.getFileName() + ".tmp"));
      } catch (IOException ignored) {
        // The next checkpoint truncates it; a stray temporary index is never read.
      }
    }
  }

  @Override
  protected void closeStore() {
    IOException failure = null;
    if (!readOnly) {
      compactionLock.lock();
      appendLock.lock();
      try {
        Segment a = active;
        DurableFiles.force(a.channel(), false);
        boolean held = lock != null && lock.isHeld();
        if (held) {
          refs.noteSegmentSynced(a.id, a.claimableEnd());
        }
        refs.syncBeforeClose(held);
        if (held
            && a.pending != null
            && a.pending.size() > 0
            && !a.needsTruncate
            && (a.index == null || a.index.dataLength < a.end)) {
          checkpoint(a);
        }
      } catch (IOException e) {
        failure = e;
      } finally {
        directAppend.close();
        appendLock.unlock();
        compactionLock.unlock();
      }
    }
    for (Segment segment : view) {
      segment.retire(false);
    }
    try {
      refs.close();
    } catch (IOException e) {
      failure = failure == null ? e : failure;
    }
    StoreIOException unlock = null;
    try {
      if (lock != null) {
        lock.close();
      }
    } catch (StoreIOException e) {
      unlock = e;
    }
    if (failure != null) {
      throw new StoreIOException("closing disk:" + directory, failure);
    }
    if (unlock != null) {
      throw unlock;
    }
  }

  // ---------------------------------------------------------------- features

  @Override
  public <T> Optional<T> feature(Class<T> type) {
    if (type == ObjectStreams.class) {
      checkOpen("feature");
      return Optional.of(type.cast(streams));
    }
    if (type == Reloadable.class && !readOnly) {
      return Optional.empty();
    }
    if (type == Compaction.class && readOnly) {
      return Optional.empty();
    }
    return super.feature(type);
  }

  @Override
  public void forEachObject(Consumer<? super StoredObject> visitor) {
    requireNonNull(visitor, "visitor");
    checkOpen("forEachObject");
    for (Segment segment : view) {
      visitSegment(segment, visitor);
    }
  }

  private void visitSegment(Segment segment, Consumer<? super StoredObject> visitor) {
    // The heap entries first: sealing sets the index before it clears them, so whatever is
    // missing from this copy is in the index read after it.
    List<Map.Entry<Hash, Long>> recent = new ArrayList<>(segment.recent.entrySet());
    SegmentIndex index = segment.checkedIndex();
    if (index == null) {
      recent = new ArrayList<>(segment.recent.entrySet()); // a repair moved records here
    }
    if (index != null) {
      for (int i = 0; i < index.count; i++) {
        long offset = index.offsetAt(i);
        visitor.accept(
            new StoredObject(
                index.hashAt(i), index.lengthAt(i), segment.path.getFileName() + "@" + offset));
      }
    }
    for (Map.Entry<Hash, Long> entry : recent) {
      long location = entry.getValue();
      if (index != null && Segment.offsetOf(location) < index.dataLength) {
        continue;
      }
      visitor.accept(
          new StoredObject(
              entry.getKey(),
              Segment.lengthOf(location),
              segment.path.getFileName() + "@" + Segment.offsetOf(location)));
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Seals the active segment, copies the sealed objects {@code keep} accepts into new segments
   * (synced, indexed), installs a manifest that lists them instead of the old ones, and deletes the
   * old files once no reader is inside them. Writers keep appending to the new active segment
   * throughout.
   */
  @Override
  public Result compact(Predicate<? super Hash> keep) {
    requireNonNull(keep, "keep");
    checkOpen("compact");
    if (readOnly) {
      throw new dev.cairn.spi.ReadOnlyStoreException(toString(), "compact");
    }
    compactionLock.lock();
    try {
      checkLock();
      return compactLocked(keep);
    } catch (IOException e) {
      throw new StoreIOException("compacting disk:" + directory, e);
    } finally {
      compacting = false;
      compactionLock.unlock();
    }
  }

  private Result compactLocked(Predicate<? super Hash> keep) throws IOException {
    List<Segment> old;
    appendLock.lock();
    try {
      compacting = true;
      if (active.end > 0) {
        seal();
      }
      old = new ArrayList<>(view.subList(1, view.size()));
    } finally {
      appendLock.unlock();
    }
    Map<Segment, Long> sizes = new HashMap<>();
    long bytesBefore = 0;
    for (Segment segment : old) {
      long size = segment.size() + indexSize(segment.id);
      sizes.put(segment, size);
      bytesBefore += size;
    }
    // Decided on the sealed snapshot, from the indexes alone: only the segments that hold
    // something to drop (an object keep refuses, or a second copy) are rewritten, so the work
    // is proportional to what is dropped, and a compaction that drops nothing writes nothing.
    Set<Hash> seen = new HashSet<>();
    // Each segment's copies to drop, by location (a segment may hold two copies of one object).
    Map<Segment, Set<String>> drops = new LinkedHashMap<>();
    long[] counts = new long[2];
    for (Segment segment : old) {
      visitSegment(
          segment,
          object -> {
            Hash hash = object.hash();
            if (!keep.test(hash) || !seen.add(hash)) {
              drops.computeIfAbsent(segment, s -> new HashSet<>()).add(object.location());
              counts[1]++;
            } else {
              counts[0]++;
            }
          });
    }
    if (drops.isEmpty()) {
      return new Result(counts[0], 0, bytesBefore, bytesBefore);
    }
    old.removeIf(segment -> !drops.containsKey(segment));
    long rewrittenBefore = 0;
    for (Segment segment : old) {
      rewrittenBefore += requireNonNull(sizes.get(segment), "size of a segment measured above");
    }
    CompactionWriter writer = new CompactionWriter();
    try {
      for (Segment segment : old) {
        Set<String> dropped = requireNonNull(drops.get(segment), "drops of a kept segment");
        List<StoredObject> objects = new ArrayList<>();
        visitSegment(segment, objects::add);
        Set<Hash> copied = new HashSet<>();
        for (StoredObject object : objects) {
          Hash hash = object.hash();
          if (dropped.contains(object.location()) || !copied.add(hash)) {
            continue;
          }
          long location = segment.find(hash);
          byte[] data = segment.read(hash, location, options.verify());
          writer.add(hash, data);
        }
      }
      writer.finish();
    } catch (IOException | RuntimeException e) {
      writer.abandon();
      throw e;
    }
    long bytesAfter = bytesBefore - rewrittenBefore;
    for (Segment segment : writer.segments) {
      bytesAfter += segment.size() + indexSize(segment.id);
    }
    appendLock.lock();
    try {
      Manifest current = manifest;
      Set<Long> retired = new HashSet<>();
      old.forEach(s -> retired.add(s.id));
      List<Long> sealed = new ArrayList<>();
      writer.segments.forEach(s -> sealed.add(s.id));
      for (long id : current.sealed) {
        if (!retired.contains(id)) {
          sealed.add(id);
        }
      }
      Manifest updated = current.withSegments(current.activeSegment, nextSegmentId, sealed);
      installManifest(updated, writer::abandon);
      manifest = updated;
      List<Segment> segments = new ArrayList<>();
      for (Segment segment : view) {
        if (!retired.contains(segment.id)) {
          segments.add(segment);
        }
      }
      segments.addAll(writer.segments);
      view = List.copyOf(segments);
    } finally {
      appendLock.unlock();
    }
    // Until the manifest that no longer names them is durable, a crash returns to one that
    // does: they are deleted only then (else the next open removes them as strays).
    boolean delete = syncDirectoryIfUnsynced();
    for (Segment segment : old) {
      segment.retire(delete);
    }
    return new Result(counts[0], counts[1], bytesBefore, bytesAfter);
  }

  private long indexSize(long id) {
    try {
      return Files.size(indexPath(id));
    } catch (IOException e) {
      return 0;
    }
  }

  /** Writes compacted objects into new sealed segments, outside the manifest until the swap. */
  private final class CompactionWriter {
    final List<Segment> segments = new ArrayList<>();
    private @Nullable Segment current;

    void add(Hash hash, byte[] data) throws IOException {
      int h = hashAlgorithm().digestLength();
      ByteBuffer record = ByteBuffer.allocate(Record.size(h, data.length));
      Record.encode(record, hash, data, false, false);
      record.flip();
      if (current != null
          && current.end > 0
          && current.end + record.remaining() > options.segmentSize()) {
        sealCurrent();
      }
      if (current == null) {
        long id;
        appendLock.lock();
        try {
          id = nextSegmentId++;
        } finally {
          appendLock.unlock();
        }
        Segment started =
            new Segment(
                id, dataPath(id), hashAlgorithm(), true, true, DiskBackend.this::repairIndex);
        started.pending = new SegmentIndex.Builder(h);
        current = started;
      }
      Segment segment = current;
      long offset = segment.append(record);
      segment.pending().add(hash, offset, data.length);
    }

    private void sealCurrent() throws IOException {
      Segment sealed = requireNonNull(current, "segment being written");
      DurableFiles.force(sealed.channel(), false);
      SegmentIndex.write(
          indexPath(sealed.id), hashAlgorithm(), sealed.id, sealed.end, sealed.pending());
      sealed.index = SegmentIndex.open(indexPath(sealed.id), hashAlgorithm());
      sealed.pending = null;
      sealed.mapForReads();
      segments.add(sealed);
      current = null;
    }

    void finish() throws IOException {
      if (current != null) {
        sealCurrent();
      }
      DurableFiles.syncDirectory(directory);
    }

    void abandon() {
      if (current != null) {
        segments.add(current);
        current = null;
      }
      segments.forEach(s -> s.retire(true));
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Re-reads the manifest: segments the writer sealed are mapped, compacted ones dropped, and
   * records appended to the active segment since the last look become visible (an unfinished batch
   * or a record being written is left for the next reload). Refs are re-read after the segments,
   * and the whole is taken again if the writer installed a new manifest meanwhile: the refs and the
   * segments come from one manifest generation, so a ref never names an object a compaction removed
   * from the segments seen.
   */
  @Override
  public synchronized boolean reload() {
    checkOpen("reload");
    if (!readOnly) {
      return false;
    }
    boolean changed = false;
    for (int attempt = 0; ; attempt++) {
      try {
        changed |= reloadOnce();
        if (viewIsCurrent() || attempt >= SNAPSHOT_ATTEMPTS) {
          return changed;
        }
        // The writer sealed or compacted while the refs were read: take its new manifest too.
      } catch (NoSuchFileException e) {
        // The writer compacted or sealed between our reading the manifest and opening a file.
        if (attempt >= SNAPSHOT_ATTEMPTS) {
          throw new StoreIOException("reloading disk:" + directory, e);
        }
      } catch (IOException e) {
        throw new StoreIOException("reloading disk:" + directory, e);
      }
    }
  }

  private boolean reloadOnce() throws IOException {
    boolean changed = false;
    Manifest latest = Manifest.read(directory);
    if (latest == null) {
      throw new StoreConfigurationException("the store at disk:" + directory + " is gone");
    }
    Manifest current = manifest;
    List<Segment> before = view;
    Segment activeNow = before.get(0);
    if (latest.generation != current.generation) {
      changed = true;
      List<Segment> opened = new ArrayList<>();
      try {
        for (long id : latest.sealed) {
          Segment known = null;
          for (Segment segment : before) {
            if (segment.id == id && segment.id != current.activeSegment) {
              known = segment;
            }
          }
          if (known != null && known.retain()) {
            opened.add(known); // the reference taken stands in for the one the old view drops
          } else {
            opened.add(openSealed(id));
          }
        }
        if (latest.activeSegment == current.activeSegment && activeNow.retain()) {
          opened.add(activeNow);
        } else {
          activeNow = openActive(latest.activeSegment, refs.syncPoint());
          opened.add(activeNow);
        }
      } catch (IOException | RuntimeException e) {
        opened.forEach(s -> s.retire(false));
        throw e;
      }
      List<Segment> newestFirst = new ArrayList<>(opened);
      Collections.reverse(newestFirst);
      view = List.copyOf(newestFirst);
      manifest = latest;
      before.forEach(s -> s.retire(false));
    }
    changed |= refs.reload();
    long end = activeNow.end;
    Segment.Scan scan = activeNow.scan(end);
    for (int i = 0; i < scan.hashes.size(); i++) {
      activeNow.recent.put(scan.hashes.get(i), scan.locations.get(i));
    }
    activeNow.end = scan.committedEnd;
    return changed || scan.committedEnd != end;
  }
}
