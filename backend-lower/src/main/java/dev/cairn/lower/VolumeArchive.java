package dev.cairn.lower;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.HashAlgorithms;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StoreClosedException;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoredObject;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.spi.volume.Lower;
import dev.cairn.spi.volume.RangeRead;
import dev.cairn.spi.volume.Volume;
import dev.cairn.spi.volume.VolumeException;
import dev.cairn.storage.Compression;
import dev.cairn.storage.DirectoryLock;
import dev.cairn.storage.DurableFiles;
import dev.cairn.storage.HashAlgorithmFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A volume archive on disk: the {@link Lower} layer of a layered store, in irmin-pack's layout, and
 * a read-only {@link dev.cairn.spi.Backend} that finds archived objects by hash ({@code
 * lower:/path}).
 *
 * <p><b>Layout.</b> The root holds {@code volume.0/}, {@code volume.1/}, ..., and {@code hash}, the
 * name of the hash algorithm, written when a writable archive is opened before its volumes record
 * one (so a new archive keeps the algorithm it was created with). Each volume holds {@code
 * volume.data} (self-checking records: length, hash, payload, CRC32C), {@code volume.mapping}
 * (global offset to data position, one entry per archived run), {@code volume.control} (what is
 * committed: start and end offset, data and mapping ends, the index generation, checksums, the hash
 * algorithm, format version, its own checksum) and, for that generation, {@code volume.<g>.index}
 * (sorted hashes, fan-out table, locations) and {@code volume.<g>.bloom} (a Guava bloom filter).
 * {@link #archive} writes past the committed ends, a new index and bloom filter, and {@code
 * volume.<g>.control}; {@link #swap} renames that over {@code volume.control}, which commits data,
 * mapping, index and bloom filter at once.
 *
 * <p><b>As a backend</b> it reads and tests objects by hash, newest volume first, asking each
 * volume's bloom filter before its index; records are checked and damage is reported as a {@link
 * CorruptionException} naming the file and offset, never served. It holds no refs and rejects
 * writes with {@link dev.cairn.spi.ReadOnlyStoreException}. A read-only archive that misses while
 * another process has committed since it last loaded reloads once and retries.
 *
 * <p><b>Durability.</b> Data, mapping, index, bloom filter and temporary control are synced before
 * the control is renamed, and the directory after. Thread-safe: reads are lock-free, write
 * operations are serialized.
 *
 * <p><b>One writer.</b> A writable archive holds the root's {@link DirectoryLock} until closed: a
 * second writer (another stack garbage-collecting into the same archive, in this process or
 * another) is refused with {@link DirectoryLock.LockedException}; read-only openers are not
 * affected. Every write operation, and every commit of a swap, first checks that the lock file is
 * still the one locked, and fails with {@link DirectoryLock.LostException} once it is not.
 */
public final class VolumeArchive extends AbstractBackend
    implements Lower, IntegrityCheck, ObjectEnumeration {
  /** The number of data files kept open when none is configured. */
  public static final int DEFAULT_OPEN_FILES = 16;

  private final Path root;
  private final HashAlgorithm algorithm;
  private final int digestLength;
  private final ChannelCache channels;
  private final VolumeWriter writer;
  private final Object lock = new Object();
  private volatile List<LoadedVolume> volumes = List.of();
  private volatile boolean readOnly;
  private volatile @Nullable DiskSignature signature;

  /** Held while the archive may be written; null while it was only ever read-only. */
  private volatile @Nullable DirectoryLock writerLock;

  /** Which on-disk state the loaded volumes reflect, cheap enough to compare on every miss. */
  private record DiskSignature(
      boolean nextVolumeExists, @Nullable Object controlKey, long controlTime) {}

  private VolumeArchive(
      Path root,
      HashAlgorithm algorithm,
      boolean readOnly,
      int openFiles,
      int runEntries,
      Compression compression) {
    super("lower:" + root, algorithm, EnumSet.of(Capability.PERSISTENT));
    this.root = root;
    this.algorithm = algorithm;
    this.digestLength = algorithm.digestLength();
    this.readOnly = readOnly;
    this.channels = new ChannelCache("lower:" + root, openFiles);
    this.writer = new VolumeWriter("lower:" + root, algorithm, runEntries, compression);
  }

  /** Starts describing an archive rooted at {@code root}. */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  /**
   * Opens the archive at {@code root} with {@code volumeNum} volumes, as irmin's {@code Lower.v}:
   * its hash algorithm is the one its control files (or, before anything is archived, its {@code
   * hash} file) record (SHA-256 for a new one).
   *
   * @throws VolumeException (VOLUME_MISSING) naming the first expected volume that is not on disk
   */
  public static VolumeArchive open(Path root, int volumeNum, boolean readOnly) {
    return builder(root).volumes(volumeNum).readOnly(readOnly).open();
  }

  /** Options for opening a {@link VolumeArchive}. Not thread-safe; {@link #open()} may repeat. */
  public static final class Builder {
    private final Path root;
    private int volumes = -1;
    private boolean readOnly;
    private @Nullable HashAlgorithm algorithm;
    private HashAlgorithms algorithms = HashAlgorithms.standard();
    private int openFiles = DEFAULT_OPEN_FILES;
    private int runEntries = IndexWriter.DEFAULT_RUN_ENTRIES;
    private Compression compression = Compression.defaultValue();
    private boolean create = true;

    private Builder(Path root) {
      this.root = requireNonNull(root, "root");
    }

    /** The number of volumes expected; negative (the default) means every one on disk. */
    public Builder volumes(int volumes) {
      this.volumes = volumes;
      return this;
    }

    /** Whether write operations are rejected (default false). */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * The hash algorithm the archive must hold; opening fails with {@link
     * HashAlgorithmMismatchException} if its control files record another. By default, the recorded
     * one, or SHA-256 if none is recorded yet.
     */
    public Builder hashAlgorithm(HashAlgorithm algorithm) {
      this.algorithm = requireNonNull(algorithm, "algorithm");
      return this;
    }

    /** Where the recorded algorithm's name is looked up (default: the standard ones). */
    public Builder hashAlgorithms(HashAlgorithms algorithms) {
      this.algorithms = requireNonNull(algorithms, "algorithms");
      return this;
    }

    /**
     * Whether a writable open creates a missing archive (default true). Without it, a root that is
     * missing, or holds neither a volume nor a lock file, is refused. Either way an archive is
     * created only in a missing or empty directory.
     */
    public Builder create(boolean create) {
      this.create = create;
      return this;
    }

    /** The most data files kept open at once for reading (default 16). */
    public Builder openFiles(int openFiles) {
      if (openFiles < 1) {
        throw new IllegalArgumentException("openFiles (" + openFiles + ") must be positive");
      }
      this.openFiles = openFiles;
      return this;
    }

    /**
     * How archived records are stored ({@link Compression#AUTO} by default, which for a volume is
     * zstd per record: a volume keeps no dictionary). Records are stored raw where compressing does
     * not make them smaller; every volume reads records of every codec.
     */
    public Builder compression(Compression compression) {
      this.compression = requireNonNull(compression, "compression");
      return this;
    }

    /** How many new index entries are sorted in memory before spilling to disk. */
    Builder runEntries(int runEntries) {
      this.runEntries = runEntries;
      return this;
    }

    /**
     * Opens the archive. A missing root is created unless read-only.
     *
     * @throws VolumeException (VOLUME_MISSING) naming the first expected volume not on disk
     * @throws HashAlgorithmMismatchException if the archive records another algorithm than the one
     *     asked
     * @throws CorruptionException if a control, mapping, index or bloom file is damaged
     * @throws DirectoryLock.LockedException if it is writable and another writer holds it
     * @throws StoreConfigurationException if a writable open would create an archive where it may
     *     not: without {@link #create(boolean)}, or among files that are not an archive's
     */
    public VolumeArchive open() {
      Path absolute = root.toAbsolutePath().normalize();
      if (!Files.isDirectory(absolute)) {
        if (Files.exists(absolute)) {
          throw VolumeException.invalidParentDirectory(absolute.toString());
        }
        if (!readOnly) {
          refuseCreation(absolute, List.of());
          try {
            DurableFiles.createDirectories(absolute);
          } catch (IOException e) {
            throw new StoreIOException("creating " + absolute, e);
          }
        }
      } else if (!readOnly && discover(absolute) == 0) {
        refuseCreationAmong(absolute);
      }
      DirectoryLock lock =
          readOnly ? null : DirectoryLock.acquire(absolute, "archive lower:" + absolute);
      VolumeArchive archive;
      try {
        int count = volumes < 0 ? discover(absolute) : volumes;
        HashAlgorithm chosen = chooseAlgorithm(absolute, count);
        if (!readOnly && !recordsAlgorithm(absolute, count)) {
          HashAlgorithmFile.record(absolute, chosen);
        }
        archive = new VolumeArchive(absolute, chosen, readOnly, openFiles, runEntries, compression);
        archive.writerLock = lock;
        try {
          archive.reload(count);
        } catch (RuntimeException e) {
          archive.close();
          throw e;
        }
      } catch (RuntimeException e) {
        if (lock != null) {
          lock.close();
        }
        throw e;
      }
      return archive;
    }

    /** An archive with no volume yet: only new, or holding nothing but its lock file. */
    private void refuseCreationAmong(Path absolute) {
      List<String> entries = new ArrayList<>();
      try (Stream<Path> list = Files.list(absolute)) {
        list.map(p -> p.getFileName().toString()).sorted().forEach(entries::add);
      } catch (IOException e) {
        throw new StoreIOException("listing " + absolute, e);
      }
      boolean locked = entries.remove(DirectoryLock.FILE_NAME);
      entries.remove(ALGORITHM_FILE); // recorded at a writable open, with the lock
      entries.remove(ALGORITHM_FILE + ".tmp"); // left by a creation cut short; rewritten
      boolean volumes =
          !entries.isEmpty() && entries.stream().allMatch(n -> n.startsWith("volume."));
      if (locked && entries.isEmpty() || volumes) {
        return; // an archive with no volume yet, a first volume being staged, or damage
      }
      refuseCreation(absolute, entries);
    }

    private void refuseCreation(Path absolute, List<String> entries) {
      if (!create) {
        throw new StoreConfigurationException(
            String.format(
                "no archive at lower:%s (no volume and no %s); this open does not create one (only"
                    + " a command that writes does)",
                absolute, DirectoryLock.FILE_NAME));
      }
      if (!entries.isEmpty()) {
        throw new StoreConfigurationException(
            String.format(
                "lower:%s is not an archive (no volume.0 and no %s) and not empty (it holds %s%s);"
                    + " an archive is created only in a new or empty directory",
                absolute,
                DirectoryLock.FILE_NAME,
                String.join(", ", entries.subList(0, Math.min(5, entries.size()))),
                entries.size() > 5 ? ", ... " + entries.size() + " entries" : ""));
      }
    }

    private HashAlgorithm chooseAlgorithm(Path root, int count) {
      for (int i = 0; i < count; i++) {
        Path control = root.resolve("volume." + i).resolve(LoadedVolume.CONTROL);
        if (Files.isRegularFile(control)) {
          return recorded(root, ControlFile.read(control).algorithm(), control);
        }
      }
      Optional<String> recorded = HashAlgorithmFile.read(root);
      if (recorded.isPresent()) {
        return recorded(root, recorded.get(), root.resolve(ALGORITHM_FILE));
      }
      return algorithm == null ? HashAlgorithm.SHA256 : algorithm;
    }

    /** The algorithm {@code where} records, which must be the one asked, if one was. */
    private HashAlgorithm recorded(Path root, String recorded, Path where) {
      if (algorithm != null && !algorithm.name().equals(recorded)) {
        throw new HashAlgorithmMismatchException(
            String.format(
                "lower:%s holds %s hashes (recorded in %s), but hash=%s was asked",
                root, recorded, where, algorithm.name()));
      }
      if (algorithm != null) {
        return algorithm;
      }
      try {
        return algorithms.get(recorded);
      } catch (IllegalArgumentException e) {
        throw new HashAlgorithmMismatchException(
            String.format(
                "lower:%s holds %s hashes (recorded in %s): %s",
                root, recorded, where, e.getMessage()));
      }
    }
  }

  /**
   * The file in the root that records the hash algorithm of an archive whose volumes record none
   * yet (nothing archived). Without it, an archive created with {@code hash=sha1} would open as
   * SHA-256 the next time, beside a SHA-1 upper.
   */
  static final String ALGORITHM_FILE = HashAlgorithmFile.NAME;

  /** Whether a control file of one of the first {@code count} volumes or the root records it. */
  private static boolean recordsAlgorithm(Path root, int count) {
    for (int i = 0; i < count; i++) {
      if (Files.isRegularFile(volumePath(root, i).resolve(LoadedVolume.CONTROL))) {
        return true;
      }
    }
    return Files.isRegularFile(root.resolve(ALGORITHM_FILE));
  }

  /** The number of consecutive volume directories from {@code volume.0}. */
  private static int discover(Path root) {
    int n = 0;
    while (Files.isDirectory(volumePath(root, n))) {
      n++;
    }
    return n;
  }

  private static Path volumePath(Path root, int index) {
    return root.resolve("volume." + index);
  }

  /** The archive's root directory, absolute. */
  public Path root() {
    return root;
  }

  // ---- Backend -------------------------------------------------------------------------------

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    Optional<byte[]> found = find(volumes, hash);
    if (found.isEmpty() && readOnly && reloadIfChanged()) {
      found = find(volumes, hash);
    }
    return found;
  }

  private Optional<byte[]> find(List<LoadedVolume> snapshot, Hash hash) {
    for (int i = snapshot.size() - 1; i >= 0; i--) {
      Optional<byte[]> data = snapshot.get(i).read(hash, channels);
      if (data.isPresent()) {
        return data;
      }
    }
    return Optional.empty();
  }

  /**
   * Visits every archived object, volume by volume, with the size its record states; reads only the
   * indexes and each record's first bytes (reading an object checks it).
   *
   * @throws CorruptionException if an index entry points outside the archived ranges
   */
  @Override
  public void forEachObject(Consumer<? super StoredObject> visitor) {
    requireNonNull(visitor, "visitor");
    checkOpen("forEachObject");
    for (LoadedVolume volume : volumes) {
      volume.forEachObject(algorithm, channels, visitor);
    }
  }

  @Override
  protected boolean containsObject(Hash hash) {
    if (holds(volumes, hash)) {
      return true;
    }
    return readOnly && reloadIfChanged() && holds(volumes, hash);
  }

  private static boolean holds(List<LoadedVolume> snapshot, Hash hash) {
    for (int i = snapshot.size() - 1; i >= 0; i--) {
      if (snapshot.get(i).holds(hash)) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected Optional<Hash> readRef(String name) {
    return Optional.empty();
  }

  @Override
  protected List<String> refNames() {
    return List.of();
  }

  @Override
  protected void closeStore() {
    synchronized (lock) {
      channels.close();
      volumes = List.of();
      DirectoryLock held = writerLock;
      if (held != null) {
        held.close();
      }
    }
  }

  /**
   * Reloads, with every volume now on disk, if another process committed since the last load (a
   * swap renamed the last control file, or a volume was added). Returns whether it did.
   */
  private boolean reloadIfChanged() {
    synchronized (lock) {
      if (isClosed() || currentSignature(volumes.size()).equals(signature)) {
        return false;
      }
      int count = Math.max(volumes.size(), discover(root));
      volumes = loadVolumes(count);
      return true;
    }
  }

  private DiskSignature currentSignature(int count) {
    boolean next = Files.isDirectory(volumePath(root, count));
    if (count == 0) {
      return new DiskSignature(next, null, 0);
    }
    Path control = volumePath(root, count - 1).resolve(LoadedVolume.CONTROL);
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(control, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Object key = attributes.fileKey() != null ? attributes.fileKey() : attributes.size();
      return new DiskSignature(next, key, attributes.lastModifiedTime().toMillis());
    } catch (IOException e) {
      return new DiskSignature(next, null, 0);
    }
  }

  // ---- Lower ---------------------------------------------------------------------------------

  @Override
  public void reload(int volumeNum) {
    if (volumeNum < 0) {
      throw new IllegalArgumentException("volumeNum (" + volumeNum + ") must not be negative");
    }
    synchronized (lock) {
      checkOpen("reload");
      volumes = loadVolumes(volumeNum);
    }
  }

  private List<LoadedVolume> loadVolumes(int count) {
    DiskSignature before = currentSignature(count);
    List<LoadedVolume> previous = volumes;
    List<LoadedVolume> loaded = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (!Files.isDirectory(volumePath(root, i))) {
        throw VolumeException.volumeMissing(volumePath(root, i).toString());
      }
      if (Files.isSymbolicLink(volumePath(root, i))) {
        // Writes would land wherever it points: a volume is a directory inside the root.
        throw new CorruptionException(
            volumePath(root, i).toString(),
            -1,
            "the volume is a symbolic link, not a directory inside " + root);
      }
    }
    long end = 0;
    for (int i = 0; i < count; i++) {
      Path directory = volumePath(root, i);
      LoadedVolume volume =
          LoadedVolume.load(directory, digestLength, i < previous.size() ? previous.get(i) : null);
      if (volume.control() != null) {
        ControlFile control = volume.control();
        if (!control.algorithm().equals(algorithm.name())) {
          throw new HashAlgorithmMismatchException(
              String.format(
                  "%s holds %s hashes (recorded in %s), but this archive holds %s",
                  this,
                  control.algorithm(),
                  directory.resolve(LoadedVolume.CONTROL),
                  algorithm.name()));
        }
        if (control.startOffset() < end) {
          throw new CorruptionException(
              directory.resolve(LoadedVolume.CONTROL).toString(),
              0,
              String.format(
                  "volume starts at offset %d, before the previous volume's end %d",
                  control.startOffset(), end));
        }
        end = control.endOffset();
      } else if (i < count - 1) {
        throw new CorruptionException(
            directory.toString(), -1, "an empty volume that is not the last one");
      }
      loaded.add(volume);
    }
    signature = before;
    return List.copyOf(loaded);
  }

  @Override
  public int volumeNum() {
    checkOpen("volumeNum");
    return volumes.size();
  }

  @Override
  public List<Volume> volumes() {
    checkOpen("volumes");
    return List.copyOf(volumes);
  }

  @Override
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Making an archive opened read-only writable takes its {@link DirectoryLock} first.
   *
   * @throws DirectoryLock.LockedException if another writer holds the archive
   */
  @Override
  public void setReadOnly(boolean readOnly) {
    synchronized (lock) {
      checkOpen("setReadOnly");
      if (!readOnly && writerLock == null) {
        writerLock = DirectoryLock.acquire(root, "archive lower:" + root);
      }
      this.readOnly = readOnly;
    }
  }

  @Override
  public Volume addVolume() {
    synchronized (lock) {
      checkRoot(); // before the lock, which a deleted root took with it
      checkWritable("addVolume");
      List<LoadedVolume> current = volumes;
      if (!current.isEmpty() && current.get(current.size() - 1).isEmpty()) {
        throw VolumeException.multipleEmptyVolumes(current.get(current.size() - 1).id());
      }
      Path directory = volumePath(root, current.size());
      if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
        throw VolumeException.fileExists(directory.toString());
      }
      try {
        Files.createDirectory(directory);
        DurableFiles.syncDirectory(root);
      } catch (IOException e) {
        throw new StoreIOException("creating volume " + directory, e);
      }
      LoadedVolume volume = LoadedVolume.empty(directory, digestLength);
      List<LoadedVolume> next = new ArrayList<>(current);
      next.add(volume);
      volumes = List.copyOf(next);
      signature = currentSignature(next.size());
      return volume;
    }
  }

  @Override
  public Optional<Volume> findVolume(long offset) {
    checkOpen("findVolume");
    return volumes.stream().filter(v -> v.contains(offset)).<Volume>map(v -> v).findFirst();
  }

  @Override
  public RangeRead readRange(long offset, int minLength, int maxLength, byte[] target) {
    checkRange(minLength, maxLength, target);
    checkOpen("readRange");
    LoadedVolume volume =
        volumes.stream()
            .filter(v -> v.contains(offset))
            .findFirst()
            .orElseThrow(() -> VolumeException.volumeNotFound("offset " + offset + " in " + this));
    return volume.readRange(offset, minLength, maxLength, target, channels);
  }

  @Override
  public RangeRead readRange(
      long offset, int minLength, int maxLength, byte[] target, String volumeId) {
    requireNonNull(volumeId, "volumeId");
    checkRange(minLength, maxLength, target);
    checkOpen("readRange");
    return volume(volumeId).readRange(offset, minLength, maxLength, target, channels);
  }

  private static void checkRange(int minLength, int maxLength, byte[] target) {
    requireNonNull(target, "target");
    if (minLength < 0 || maxLength < minLength || maxLength > target.length) {
      throw new IllegalArgumentException(
          String.format(
              "need 0 <= minLength (%d) <= maxLength (%d) <= target length (%d)",
              minLength, maxLength, target.length));
    }
  }

  private LoadedVolume volume(String volumeId) {
    for (LoadedVolume volume : volumes) {
      if (volume.id().equals(volumeId)) {
        return volume;
      }
    }
    throw VolumeException.volumeNotFound("identifier " + volumeId + " in " + this);
  }

  @Override
  public Archived archive(
      Path upperRoot, int generation, long fromOffset, Iterator<ArchiveEntry> objects) {
    requireNonNull(upperRoot, "upperRoot");
    requireNonNull(objects, "objects");
    synchronized (lock) {
      checkWritable("archive");
      List<LoadedVolume> current = volumes;
      if (current.isEmpty()) {
        throw VolumeException.lowerHasNoVolume(toString());
      }
      LoadedVolume last = current.get(current.size() - 1);
      long end = 0;
      for (LoadedVolume volume : current) {
        if (!volume.isEmpty()) {
          end = volume.endOffset();
        }
      }
      if (fromOffset < end) {
        throw VolumeException.offsetOutOfOrder(last.id(), end, fromOffset);
      }
      if (generation < 1 || generation <= last.generation()) {
        throw new IllegalArgumentException(
            String.format(
                "generation %d must be positive and newer than %s's generation %d",
                generation, last.id(), last.generation()));
      }
      try {
        return writer.append(
            last, upperRoot.toAbsolutePath().toString(), generation, fromOffset, objects);
      } catch (IOException e) {
        throw new StoreIOException("archiving generation " + generation + " into " + last.id(), e);
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Unlike irmin, the volume is built in {@code volume.0.staging/} and renamed to {@code
   * volume.0/} as the last step, so a crash never leaves a half-made first volume; and a crash
   * after {@code src} was moved into the staging directory loses nothing: the next {@code
   * createFrom} with the same {@code src} moves it back and starts again.
   */
  @Override
  public void createFrom(Path src, int deadHeaderSize, long size) {
    requireNonNull(src, "src");
    if (deadHeaderSize < 0 || size < 0) {
      throw new IllegalArgumentException(
          String.format(
              "deadHeaderSize (%d) and size (%d) must not be negative", deadHeaderSize, size));
    }
    synchronized (lock) {
      checkRoot();
      checkWritable("createFrom");
      Path directory = volumePath(root, 0);
      if (!volumes.isEmpty() || Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
        throw VolumeException.fileExists(directory.toString());
      }
      try {
        writer.createFirst(root, src.toAbsolutePath(), deadHeaderSize, size);
      } catch (IOException e) {
        throw new StoreIOException("creating " + directory + " from " + src, e);
      }
      volumes = loadVolumes(1);
    }
  }

  @Override
  public void swap(String volumeId, int generation, int volumeNum) {
    requireNonNull(volumeId, "volumeId");
    synchronized (lock) {
      checkWritable("swap");
      LoadedVolume volume = volume(volumeId);
      Path temp = LoadedVolume.tempControl(volume.path(), generation);
      if (!volume.isEmpty() || Files.exists(temp)) {
        ControlFile control = validate(volume.path(), temp);
        ArchiveSteps.reached(ArchiveSteps.SWAP_VALIDATED);
        commit(volume.path(), temp, control);
      }
      volumes = loadVolumes(volumeNum);
      ArchiveSteps.reached(ArchiveSteps.SWAPPED);
    }
  }

  /** Checks a temporary control and every file it names before it may be swapped in. */
  private ControlFile validate(Path directory, Path temp) {
    ControlFile control = ControlFile.read(temp);
    if (!control.algorithm().equals(algorithm.name())) {
      throw new HashAlgorithmMismatchException(
          String.format(
              "%s records %s hashes, but %s holds %s",
              temp, control.algorithm(), this, algorithm.name()));
    }
    LoadedVolume.withControl(directory, control, temp, digestLength);
    return control;
  }

  private void commit(Path directory, Path temp, ControlFile control) {
    heldLock().check();
    try {
      DurableFiles.rename(temp, directory.resolve(LoadedVolume.CONTROL));
    } catch (IOException e) {
      throw new StoreIOException("swapping " + temp + " into place", e);
    }
    ArchiveSteps.reached(ArchiveSteps.SWAP_RENAMED);
    try {
      deleteStale(directory, control.indexGeneration(), false);
    } catch (IOException e) {
      // The swap is committed; files of older generations are only garbage, which the next
      // swap or cleanup removes.
    }
  }

  /**
   * Deletes the index and bloom files of generations other than {@code keep}, spilled runs, and, if
   * {@code temporaryControls}, every temporary control. Always by absolute path.
   */
  private static void deleteStale(Path directory, long keep, boolean temporaryControls)
      throws IOException {
    List<Path> stale = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      files.forEach(
          file ->
              LoadedVolume.generationFile(file)
                  .ifPresent(
                      m -> {
                        String kind = m.group(2);
                        boolean other = Long.parseLong(m.group(1)) != keep;
                        if (kind.startsWith("run")
                            || other && (kind.equals("index") || kind.equals("bloom"))
                            || temporaryControls && kind.equals("control")) {
                          stale.add(directory.resolve(file.getFileName()).toAbsolutePath());
                        }
                      }));
    }
    for (Path file : stale) {
      Files.deleteIfExists(file);
    }
    if (!stale.isEmpty()) {
      DurableFiles.syncDirectory(directory);
    }
  }

  @Override
  public void cleanup(int generation) {
    synchronized (lock) {
      checkWritable("cleanup");
      List<LoadedVolume> current = volumes;
      if (current.isEmpty()) {
        return;
      }
      Path directory = current.get(current.size() - 1).path().toAbsolutePath();
      Path temp = LoadedVolume.tempControl(directory, generation);
      if (Files.exists(temp)) {
        try {
          commit(directory, temp, validate(directory, temp));
        } catch (CorruptionException
            | VolumeException
            | HashAlgorithmMismatchException
            | StoreIOException e) {
          // An archive whose files did not all reach the disk was never swapped, so nothing
          // depends on it: discard it rather than commit damage.
        }
      }
      try {
        Path control = directory.resolve(LoadedVolume.CONTROL);
        long keep = Files.exists(control) ? ControlFile.read(control).indexGeneration() : -1;
        deleteStale(directory, keep, true);
        if (keep < 0) {
          deleteIfUncommitted(directory);
        }
      } catch (IOException e) {
        throw new StoreIOException("cleaning up " + directory, e);
      }
      volumes = loadVolumes(current.size());
    }
  }

  /** An empty volume keeps no data or mapping: what is there came from a crashed archive. */
  private static void deleteIfUncommitted(Path directory) throws IOException {
    Files.deleteIfExists(directory.resolve(LoadedVolume.DATA));
    Files.deleteIfExists(directory.resolve(LoadedVolume.MAPPING));
  }

  private void checkWritable(String operation) {
    checkOpen(operation);
    if (readOnly) {
      throw new ReadOnlyStoreException(toString(), operation);
    }
    heldLock().check();
  }

  /** The writer's lock, which every writable archive holds from its open. */
  private DirectoryLock heldLock() {
    DirectoryLock held = writerLock;
    if (held == null) {
      throw new IllegalStateException(this + " holds no writer's lock; it was opened read-only");
    }
    return held;
  }

  private void checkRoot() {
    if (!Files.isDirectory(root)) {
      throw VolumeException.invalidParentDirectory(root.toString());
    }
  }

  /**
   * Checks everything the archive holds: re-reads every control file and the mapping, index and
   * bloom filter it names, then reads every indexed object, checking its record and re-hashing it.
   * Safe to run while the archive is in use; sees the volumes as last loaded.
   *
   * @return the number of objects checked
   * @throws CorruptionException naming the file and offset of the first damage found
   * @throws StoreClosedException if the archive is closed
   */
  public long verify() {
    checkOpen("verify");
    long checked = 0;
    for (LoadedVolume volume : volumes) {
      if (!volume.isEmpty()) {
        Path control = volume.path().resolve(LoadedVolume.CONTROL);
        checked +=
            LoadedVolume.withControl(
                    volume.path(), ControlFile.read(control), control, digestLength)
                .verify(algorithm, channels);
      }
    }
    return checked;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Checks each volume as loaded, re-reading its files from disk: the control file, the mapping,
   * the index and bloom filter of its generation, every record of every archived run (each payload
   * re-hashed) and every index entry.
   */
  @Override
  public IntegrityCheck.Summary checkIntegrity(Consumer<? super CorruptionException> damage) {
    requireNonNull(damage, "damage");
    checkOpen("checkIntegrity");
    long[] reported = new long[1];
    Consumer<CorruptionException> report =
        d -> {
          reported[0]++;
          damage.accept(d);
        };
    IntegrityCheck.Summary total = IntegrityCheck.Summary.NONE;
    for (LoadedVolume volume : volumes) {
      total = total.plus(LoadedVolume.check(volume.path(), volume.control(), algorithm, report));
    }
    total = total.plus(checkAlgorithmFile(report));
    return new IntegrityCheck.Summary(total.files(), total.bytes(), total.objects(), reported[0]);
  }

  /** The {@code hash} file, if there is one, must name this archive's algorithm exactly. */
  private IntegrityCheck.Summary checkAlgorithmFile(Consumer<CorruptionException> report) {
    Path file = root.resolve(ALGORITHM_FILE);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return IntegrityCheck.Summary.NONE;
    }
    byte[] held;
    try {
      held = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new StoreIOException("reading " + file, e);
    }
    byte[] expected = (algorithm.name() + "\n").getBytes(StandardCharsets.UTF_8);
    int differs = java.util.Arrays.mismatch(held, expected);
    if (differs >= 0) {
      report.accept(
          new CorruptionException(
              file.toString(),
              differs,
              String.format(
                  "the file should record the archive's hash algorithm %s; it holds %d other bytes",
                  algorithm.name(), held.length)));
    }
    return new IntegrityCheck.Summary(1, held.length, 0, 0);
  }

  // ---- For tests -----------------------------------------------------------------------------

  /** The number of data files open now. */
  int openDataFiles() {
    return channels.openFiles();
  }

  /** The most data files that were open at once. */
  int peakOpenDataFiles() {
    return channels.peakOpenFiles();
  }
}
