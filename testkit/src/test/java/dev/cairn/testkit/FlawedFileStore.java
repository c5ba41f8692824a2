package dev.cairn.testkit;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * A file-per-object store as a plugin author writes one, correct unless told to carry one of the
 * {@link Flaw}s that such stores are found with: the testkit's own tests use it to show that the
 * suite fails each flaw. Objects are files {@code objects/xx/<hex>} written beside and renamed into
 * place; a batch is committed by one rename of its journal; refs are files {@code refs/<hex of the
 * name>} replaced atomically under a lock held across processes.
 */
final class FlawedFileStore extends AbstractBackend {
  /** One way to get a file store wrong. */
  enum Flaw {
    NONE,
    /** Reads return a file's bytes without checking them: damaged bytes are served. */
    SERVES_DAMAGED,
    /** Objects are written in place (truncate, then write), every time: torn reads. */
    WRITES_IN_PLACE,
    /** {@code listRefs} reads the ref files without the lock that ref updates take. */
    LISTS_REFS_WITHOUT_LOCK,
    /** Ref files are rewritten in place rather than replaced: a crash leaves them empty. */
    REPLACES_REFS_IN_PLACE,
    /** Directories are never synced: new files vanish in a power loss. */
    NO_DIRECTORY_SYNC,
    /** The lock is a lock of this instance, not of the directory: two stores race. */
    LOCK_IN_PROCESS_ONLY,
    /** A ref's file is its name as a path: refs {@code a} and {@code a/b} cannot coexist. */
    REFS_AS_PATHS,
    /** A batch is written one object at a time: a crash leaves part of it. */
    BATCH_ONE_BY_ONE,
    /** Compare-and-set reads, compares and writes without holding the lock. */
    CAS_WITHOUT_LOCK,
  }

  private static final HexFormat HEX = HexFormat.of();
  private final Path root;
  private final Flaw flaw;
  private final ReadWriteLock refsLock = new ReentrantReadWriteLock();
  private final AtomicLong temporaries = new AtomicLong();
  private final FileChannel lockFile;
  private final FileLock lock;

  private FlawedFileStore(Path root, HashAlgorithm algorithm, Flaw flaw) throws IOException {
    super("flawed-files:" + root, algorithm, EnumSet.allOf(Capability.class));
    this.root = root;
    this.flaw = flaw;
    Files.createDirectories(root.resolve("objects"));
    Files.createDirectories(root.resolve("refs"));
    Files.createDirectories(root.resolve("tmp"));
    syncDirectory(root);
    this.lockFile =
        FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      this.lock = flaw == Flaw.LOCK_IN_PROCESS_ONLY ? null : lockFile.tryLock();
    } catch (OverlappingFileLockException e) {
      lockFile.close();
      throw new StoreIOException(
          root + " is open in another store of this process", new IOException(e));
    }
    if (flaw != Flaw.LOCK_IN_PROCESS_ONLY && lock == null) {
      lockFile.close();
      throw new StoreIOException(root + " is locked by another process", new IOException());
    }
    rollForward();
    try (Stream<Path> left = Files.list(root.resolve("tmp"))) {
      for (Path file : left.toList()) {
        Files.delete(file);
      }
    }
  }

  /** Opens (creating) the store in {@code root}. */
  static FlawedFileStore open(Path root, HashAlgorithm algorithm, Flaw flaw) {
    try {
      return new FlawedFileStore(root, algorithm, flaw);
    } catch (IOException e) {
      throw new StoreIOException("cannot open " + root, e);
    }
  }

  /** Moves the objects of a committed batch into place and drops its journal. */
  private void rollForward() throws IOException {
    Path journal = root.resolve("batch");
    if (Files.exists(journal)) {
      for (String line : Files.readAllLines(journal)) {
        String[] parts = line.split(" ");
        Path temporary = root.resolve("tmp").resolve(parts[0]);
        if (Files.exists(temporary)) {
          moveIntoPlace(temporary, objectFile(Hash.parse(hashAlgorithm(), parts[1])));
        }
      }
      Files.delete(journal);
      syncDirectory(root);
    }
  }

  private Path objectFile(Hash hash) {
    String hex = hash.toHex();
    return root.resolve("objects").resolve(hex.substring(0, 2)).resolve(hex);
  }

  private Path refFile(String name) {
    return flaw == Flaw.REFS_AS_PATHS
        ? root.resolve("refs").resolve(name)
        : root.resolve("refs").resolve(HEX.formatHex(name.getBytes(StandardCharsets.UTF_8)));
  }

  private String refName(Path file) {
    String relative = root.resolve("refs").relativize(file).toString();
    return flaw == Flaw.REFS_AS_PATHS
        ? relative.replace(file.getFileSystem().getSeparator(), "/")
        : new String(HEX.parseHex(relative), StandardCharsets.UTF_8);
  }

  private void syncDirectory(Path directory) throws IOException {
    if (flaw == Flaw.NO_DIRECTORY_SYNC) {
      return;
    }
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private Path temporary(byte[] data) throws IOException {
    Path file = root.resolve("tmp").resolve("t" + temporaries.incrementAndGet());
    writeSynced(file, data, StandardOpenOption.CREATE_NEW);
    return file;
  }

  private static void writeSynced(Path file, byte[] data, StandardOpenOption... options)
      throws IOException {
    EnumSet<StandardOpenOption> set = EnumSet.of(StandardOpenOption.WRITE);
    set.addAll(List.of(options));
    try (FileChannel channel = FileChannel.open(file, set)) {
      ByteBuffer buffer = ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  private void moveIntoPlace(Path temporary, Path target) throws IOException {
    Path parent = target.getParent();
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(parent);
      syncDirectory(parent.getParent());
    }
    Files.move(
        temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(parent);
    syncDirectory(temporary.getParent()); // a rename is durable once both directories are
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    byte[] data;
    try {
      data = Files.readAllBytes(objectFile(hash));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreIOException("cannot read " + objectFile(hash), e);
    }
    if (flaw != Flaw.SERVES_DAMAGED && !hashAlgorithm().hash(data).equals(hash)) {
      throw new CorruptionException(objectFile(hash).toString(), 0, "bytes do not hash to " + hash);
    }
    return Optional.of(data);
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return Files.exists(objectFile(hash));
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    Path file = objectFile(hash);
    try {
      if (flaw == Flaw.WRITES_IN_PLACE) {
        Files.createDirectories(file.getParent());
        writeSynced(file, data, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        syncDirectory(file.getParent());
      } else if (!Files.exists(file)) {
        moveIntoPlace(temporary(data), file);
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot write " + file, e);
    }
  }

  @Override
  protected synchronized void writeObjects(Map<Hash, byte[]> objects) {
    if (flaw == Flaw.BATCH_ONE_BY_ONE || flaw == Flaw.WRITES_IN_PLACE) {
      objects.forEach(this::writeObject);
      return;
    }
    try {
      StringBuilder journal = new StringBuilder();
      List<Path> temporaries = new ArrayList<>();
      for (Map.Entry<Hash, byte[]> entry : objects.entrySet()) {
        Path temporary = temporary(entry.getValue());
        temporaries.add(temporary);
        journal
            .append(temporary.getFileName())
            .append(' ')
            .append(entry.getKey().toHex())
            .append('\n');
      }
      syncDirectory(root.resolve("tmp"));
      Path commit = temporary(journal.toString().getBytes(StandardCharsets.UTF_8));
      Files.move(commit, root.resolve("batch"), StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(root);
      rollForward();
    } catch (IOException e) {
      throw new StoreIOException("cannot write a batch to " + root, e);
    }
  }

  @Override
  protected Optional<Hash> readRef(String name) {
    refsLock.readLock().lock();
    try {
      return readRefFile(refFile(name));
    } finally {
      refsLock.readLock().unlock();
    }
  }

  private Optional<Hash> readRefFile(Path file) {
    try {
      String hex = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
      return Optional.of(Hash.parse(hashAlgorithm(), hex));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreIOException("cannot read " + file, e);
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(file.toString(), 0, "not a hash: " + e.getMessage(), e);
    }
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    refsLock.writeLock().lock();
    try {
      replaceRef(name, hash);
    } finally {
      refsLock.writeLock().unlock();
    }
  }

  @Override
  protected boolean compareAndSetRef(String name, Hash expected, Hash replacement) {
    if (flaw == Flaw.CAS_WITHOUT_LOCK) {
      return compareAndSetUnlocked(name, expected, replacement);
    }
    refsLock.writeLock().lock();
    try {
      return compareAndSetUnlocked(name, expected, replacement);
    } finally {
      refsLock.writeLock().unlock();
    }
  }

  private boolean compareAndSetUnlocked(String name, Hash expected, Hash replacement) {
    if (!Objects.equals(readRefFile(refFile(name)).orElse(null), expected)) {
      return false;
    }
    if (replacement != null) {
      replaceRef(name, replacement);
    } else if (expected != null) {
      try {
        Files.delete(refFile(name));
        syncDirectory(refFile(name).getParent());
      } catch (IOException e) {
        throw new StoreIOException("cannot delete " + refFile(name), e);
      }
    }
    return true;
  }

  private void replaceRef(String name, Hash hash) {
    Path file = refFile(name);
    byte[] hex = hash.toHex().getBytes(StandardCharsets.US_ASCII);
    try {
      if (flaw == Flaw.REPLACES_REFS_IN_PLACE) {
        writeSynced(file, hex, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        syncDirectory(file.getParent());
      } else {
        moveIntoPlace(temporary(hex), file);
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot write " + file, e);
    } finally {
      if (flaw == Flaw.CAS_WITHOUT_LOCK) {
        Thread.yield();
      }
    }
  }

  @Override
  protected List<String> refNames() {
    if (flaw == Flaw.LISTS_REFS_WITHOUT_LOCK) {
      return listRefFiles();
    }
    refsLock.readLock().lock();
    try {
      return listRefFiles();
    } finally {
      refsLock.readLock().unlock();
    }
  }

  /**
   * The names of the ref files, each read to check that it holds a hash: under the lock no file
   * vanishes between the listing and the read; without it, one may.
   */
  private List<String> listRefFiles() {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve("refs"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Hash.parse(
            hashAlgorithm(), new String(Files.readAllBytes(file), StandardCharsets.US_ASCII));
        names.add(refName(file));
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot list " + root.resolve("refs"), e);
    }
    return names;
  }

  @Override
  protected void closeStore() {
    try {
      if (lock != null) {
        lock.release();
      }
    } catch (IOException e) {
      // The channel's close below releases the lock as well.
    } finally {
      try {
        lockFile.close();
      } catch (IOException e) {
        throw new StoreIOException("cannot close " + root.resolve("lock"), e);
      }
    }
  }
}
