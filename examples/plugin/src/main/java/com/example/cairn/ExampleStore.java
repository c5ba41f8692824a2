package com.example.cairn;

import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.DirectoryLock;
import dev.cairn.storage.HashAlgorithmFile;
import dev.cairn.storage.ObjectFiles;
import dev.cairn.storage.RefsFile;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One file per object ({@link ObjectFiles}: re-hashed on every read, batches all or nothing)
 * and the refs in one file replaced atomically at each change ({@link RefsFile}). One writer
 * per directory ({@link DirectoryLock}), so the refs held in memory are the truth. Thread-safe.
 */
public final class ExampleStore extends AbstractBackend {
  private final Path refsFile;
  private final DirectoryLock lock;
  private final ObjectFiles objects;
  private TreeMap<String, Hash> refs; // guarded by this

  /**
   * Opens (creating) the store in {@code directory}, a path of the file system to use.
   *
   * @throws dev.cairn.spi.StoreIOException if the files cannot be read or written
   * @throws DirectoryLock.LockedException if another store has the directory open
   */
  public ExampleStore(Path directory, HashAlgorithm algorithm) {
    super("example:" + directory, algorithm, EnumSet.allOf(Capability.class));
    this.refsFile = directory.resolve("refs");
    this.lock = DirectoryLock.create(directory, toString());
    try {
      HashAlgorithmFile.record(directory, algorithm);
      this.objects = ObjectFiles.open(directory, algorithm, lock);
      this.refs = RefsFile.read(refsFile, algorithm);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    return objects.read(hash);
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return objects.contains(hash);
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    writeObjects(Map.of(hash, data));
  }

  @Override
  protected synchronized void writeObjects(Map<Hash, byte[]> batch) {
    objects.write(batch);
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
    if (!Objects.equals(expected, refs.get(name))) {
      return false;
    }
    TreeMap<String, Hash> next = new TreeMap<>(refs);
    next.compute(name, (ref, old) -> replacement); // null removes it
    RefsFile.write(refsFile, next, lock);
    refs = next;
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
