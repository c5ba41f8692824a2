package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Objects kept one file each, for a store that wants its objects as plain files: {@code
 * objects/ab/<hex>} under the store's directory, {@code ab} the first two hex digits. Every read
 * re-hashes the file, so damaged bytes are reported as a {@link CorruptionException} and never
 * served. {@link #write} is atomic and durable as a whole: the files of a call are written into
 * {@code staging/}, synced, and committed by one atomic write of {@code staging/BATCH}, which lists
 * them; they are then renamed into place. After a crash, {@link #open} finishes a committed batch
 * and deletes what an uncommitted one left, so after any crash either every object of a call is
 * there or none of them is.
 *
 * <p>One writer per directory: the caller holds the directory's {@link DirectoryLock}, which is
 * checked before each commit, and does not call {@link #write} from two threads at once. Reads may
 * run beside a write. Failures of the file system are thrown as {@link StoreIOException} naming the
 * file.
 */
public final class ObjectFiles {
  private static final String BATCH = "BATCH";

  private final Path objects;
  private final Path staging;
  private final HashAlgorithm algorithm;
  private final DirectoryLock lock;

  private ObjectFiles(Path directory, HashAlgorithm algorithm, DirectoryLock lock) {
    this.objects = directory.resolve("objects");
    this.staging = directory.resolve("staging");
    this.algorithm = algorithm;
    this.lock = lock;
  }

  /**
   * The objects of the store in {@code directory} (created if missing), named by {@code algorithm},
   * with a batch a crash interrupted finished or undone.
   *
   * @param lock the directory's lock, held by the caller
   * @throws StoreIOException if the directory cannot be created or the batch recovered
   * @throws DirectoryLock.LostException if the lock is no longer held
   */
  public static ObjectFiles open(Path directory, HashAlgorithm algorithm, DirectoryLock lock) {
    requireNonNull(directory, "directory");
    requireNonNull(algorithm, "algorithm");
    ObjectFiles files = new ObjectFiles(directory, algorithm, requireNonNull(lock, "lock"));
    try {
      DurableFiles.createDirectories(files.staging);
      DurableFiles.createDirectories(files.objects);
      files.recover();
    } catch (IOException e) {
      throw new StoreIOException("cannot recover the objects of " + directory, e);
    }
    return files;
  }

  /** The file that holds {@code hash}, whether or not it exists. */
  public Path file(Hash hash) {
    String hex = requireNonNull(hash, "hash").toHex();
    return objects.resolve(hex.substring(0, 2)).resolve(hex);
  }

  /**
   * The bytes of {@code hash}, or empty if no file holds it.
   *
   * @throws CorruptionException if the file's bytes do not hash to {@code hash}
   * @throws StoreIOException if the file cannot be read
   */
  public Optional<byte[]> read(Hash hash) {
    Path file = file(hash);
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreIOException("cannot read " + file, e);
    }
    Hash actual = algorithm.hash(data);
    if (!actual.equals(hash)) {
      throw new CorruptionException(
          file.toString(),
          0,
          String.format(
              "the file's %d bytes hash to %s, not to the %s it holds", data.length, actual, hash));
    }
    return Optional.of(data);
  }

  /** Whether a file holds {@code hash} (its bytes are checked only by {@link #read}). */
  public boolean contains(Hash hash) {
    return Files.exists(file(hash));
  }

  /**
   * Writes {@code batch} (hash to bytes, each hash that of its bytes), all or nothing, durable when
   * this returns. Objects already held are not written again.
   *
   * @throws StoreIOException if a file cannot be written; the batch is then not committed
   * @throws DirectoryLock.LostException if the lock is no longer held; nothing is committed
   */
  public void write(Map<Hash, byte[]> batch) {
    requireNonNull(batch, "batch");
    List<String> staged = new ArrayList<>();
    try {
      for (Map.Entry<Hash, byte[]> object : batch.entrySet()) {
        if (!contains(object.getKey())) {
          String hex = object.getKey().toHex();
          try (FileChannel channel =
              DurableFiles.open(
                  staging.resolve(hex),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING)) {
            DurableFiles.writeFully(channel, ByteBuffer.wrap(object.getValue()), 0);
            channel.force(true);
          }
          staged.add(hex);
        }
      }
      if (!staged.isEmpty()) {
        lock.check();
        // The commit point: also makes the staged files' directory entries durable.
        DurableFiles.replace(
            staging.resolve(BATCH),
            StandardCharsets.UTF_8.encode(String.join("\n", staged) + "\n"));
        moveIntoPlace(staged);
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot write " + batch.size() + " objects under " + objects, e);
    }
  }

  /** Every hash a file holds, in no particular order. */
  public List<Hash> list() {
    List<Hash> hashes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(objects, 2)) {
      files
          .filter(Files::isRegularFile)
          .forEach(file -> hashes.add(Hash.parse(algorithm, file.getFileName().toString())));
    } catch (IOException e) {
      throw new StoreIOException("cannot list " + objects, e);
    }
    return hashes;
  }

  /**
   * Finishes the batch {@code BATCH} lists (a crash came after its commit), then deletes what a
   * batch that never committed staged.
   */
  private void recover() throws IOException {
    lock.check();
    Path batch = staging.resolve(BATCH);
    if (Files.exists(batch)) {
      moveIntoPlace(Files.readAllLines(batch, StandardCharsets.UTF_8));
    }
    try (Stream<Path> left = Files.list(staging)) {
      for (Path file : (Iterable<Path>) left::iterator) {
        Files.deleteIfExists(file);
      }
    }
    DurableFiles.syncDirectory(staging);
  }

  /**
   * Renames the staged files {@code hexes} into place (those a crash already moved are skipped),
   * then deletes {@code BATCH}, durably.
   */
  private void moveIntoPlace(List<String> hexes) throws IOException {
    for (String hex : hexes) {
      Path staged = staging.resolve(hex);
      if (Files.exists(staged)) {
        Path target = file(Hash.parse(algorithm, hex));
        DurableFiles.createDirectories(requireNonNull(target.getParent(), "parent"));
        DurableFiles.rename(staged, target);
      }
    }
    Files.delete(staging.resolve(BATCH));
    DurableFiles.syncDirectory(staging);
  }
}
