package com.example.cairn;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreIOException;
import dev.cairn.storage.DirectoryLock;
import dev.cairn.storage.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One file per object, {@code objects/ab/<hex>}, renamed into place and re-hashed on every
 * read. A batch is staged in {@code staging/} and committed by one atomic write of {@code
 * BATCH}, which lists it. The refs are one file, replaced atomically at each change; one
 * writer per directory ({@link DirectoryLock}), so the refs held in memory are the truth.
 * (Objects staged by a batch that a crash cut short stay in {@code staging/} until written
 * again.) Thread-safe.
 */
public final class ExampleStore extends AbstractBackend {
  private final Path root;
  private final DirectoryLock lock;
  private final TreeMap<String, Hash> refs = new TreeMap<>(); // guarded by this

  private ExampleStore(Path root, HashAlgorithm algorithm) {
    super("example:" + root, algorithm, EnumSet.allOf(Capability.class));
    this.root = root;
    this.lock = DirectoryLock.acquire(root, "example:" + root);
  }

  /**
   * Opens (creating) the store in {@code directory}, a path of the file system to use, and
   * finishes a batch a crash interrupted.
   *
   * @throws StoreIOException if the files cannot be read or written
   * @throws DirectoryLock.LockedException if another store has the directory open
   */
  public static ExampleStore open(Path directory, HashAlgorithm algorithm) {
    try {
      DurableFiles.createDirectories(directory.resolve("staging"));
      ExampleStore store = new ExampleStore(directory, algorithm);
      try {
        if (algorithmOf(directory).isEmpty()) {
          store.replace("hash", algorithm.name());
        }
        store.commitBatch();
        Path refs = directory.resolve("refs");
        for (String line : Files.exists(refs) ? Files.readAllLines(refs) : List.<String>of()) {
          int space = line.indexOf(' ');
          store.refs.put(line.substring(space + 1), Hash.parse(algorithm, line.substring(0, space)));
        }
        return store;
      } catch (IOException | RuntimeException e) {
        store.close();
        throw e;
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot open example:" + directory, e);
    }
  }

  /** The algorithm of the store in {@code directory}, if there is one. */
  static Optional<String> algorithmOf(Path directory) throws IOException {
    Path file = directory.resolve("hash");
    return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
  }

  private Path file(Hash hash) {
    return root.resolve("objects").resolve(hash.toHex().substring(0, 2)).resolve(hash.toHex());
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    try {
      byte[] data = Files.readAllBytes(file(hash));
      if (!hashAlgorithm().hash(data).equals(hash)) {
        throw new CorruptionException(file(hash).toString(), 0, "bytes do not hash to " + hash);
      }
      return Optional.of(data);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreIOException("cannot read " + file(hash), e);
    }
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return Files.exists(file(hash));
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    writeObjects(Map.of(hash, data));
  }

  @Override
  protected synchronized void writeObjects(Map<Hash, byte[]> objects) {
    StringBuilder batch = new StringBuilder();
    try {
      for (Map.Entry<Hash, byte[]> object : objects.entrySet()) {
        if (!containsObject(object.getKey())) {
          Path staged = root.resolve("staging").resolve(object.getKey().toHex());
          DurableFiles.replace(staged, ByteBuffer.wrap(object.getValue()));
          batch.append(object.getKey().toHex()).append('\n');
        }
      }
      if (batch.length() > 0) {
        replace("BATCH", batch);
        commitBatch();
      }
    } catch (IOException e) {
      throw new StoreIOException("cannot write to " + this, e);
    }
  }

  /** Moves what {@code BATCH} lists into place (again, after a crash), then deletes it. */
  private void commitBatch() throws IOException {
    Path batch = root.resolve("BATCH");
    for (String hex : Files.exists(batch) ? Files.readAllLines(batch) : List.<String>of()) {
      Path staged = root.resolve("staging").resolve(hex);
      if (Files.exists(staged)) {
        Path target = file(Hash.parse(hashAlgorithm(), hex));
        DurableFiles.createDirectories(target.getParent());
        DurableFiles.rename(staged, target);
      }
    }
    if (Files.deleteIfExists(batch)) {
      DurableFiles.syncDirectory(root);
    }
  }

  /** Replaces the file {@code name} atomically, if this store still holds the lock. */
  private void replace(String name, CharSequence text) throws IOException {
    lock.check();
    DurableFiles.replace(root.resolve(name), StandardCharsets.UTF_8.encode(text.toString()));
  }

  @Override
  protected synchronized Optional<Hash> readRef(String name) {
    return Optional.ofNullable(refs.get(name));
  }

  @Override
  protected synchronized void writeRef(String name, Hash hash) {
    compareAndSetRef(name, refs.get(name), hash);
  }

  @Override
  protected synchronized boolean compareAndSetRef(String name, Hash expected, Hash replacement) {
    if (!Optional.ofNullable(expected).equals(readRef(name))) {
      return false;
    }
    TreeMap<String, Hash> next = new TreeMap<>(refs);
    if (replacement == null) {
      next.remove(name);
    } else {
      next.put(name, replacement);
    }
    StringBuilder text = new StringBuilder();
    next.forEach((ref, hash) -> text.append(hash.toHex()).append(' ').append(ref).append('\n'));
    try {
      replace("refs", text);
    } catch (IOException e) {
      throw new StoreIOException("cannot write the refs of " + this, e);
    }
    refs.clear();
    refs.putAll(next);
    return true;
  }

  @Override
  protected synchronized List<String> refNames() {
    return List.copyOf(refs.keySet());
  }

  @Override
  protected void closeStore() {
    lock.close();
  }
}
