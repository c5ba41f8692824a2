package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB through its JNI binding. Durable writes use {@code WriteOptions.setSync(true)} (the WAL
 * is fsynced before a put or a {@link WriteBatch} returns); {@link Durability#NO_SYNC} keeps the
 * WAL but never syncs it. Block-based tables with a 10-bit-per-key bloom filter (full filters),
 * compression off at every level (the values are incompressible), a 32 MiB LRU block cache (the
 * budget of the Cairn stack with a {@code cache}), everything else the library's defaults.
 */
final class RocksDbStore implements Store {
  static {
    // Before CONFIGURATION, which asks the native library for its version.
    RocksDB.loadLibrary();
  }

  static final String CONFIGURATION =
      "RocksDB "
          + RocksDbStore.version()
          + " (rocksdbjni): block-based tables, bloom filter 10"
          + " bits/key (full filter), compression off at every level, a 32 MiB LRU block cache,"
          + " default memtables and compaction; durable = `WriteOptions.setSync(true)` on every put and `WriteBatch`,"
          + " no-sync = WAL kept, `setSync(false)`";

  private final StoreSetup setup;

  /** The block cache's size; the {@code cairn-cache-disk} target uses the same budget. */
  static final long BLOCK_CACHE_BYTES = 32L << 20;

  private final LRUCache blockCache;
  private final Options options;
  private final WriteOptions writeOptions;
  private final RocksDB db;
  private boolean closed;

  private RocksDbStore(StoreSetup setup) {
    this.setup = setup;
    try {
      Files.createDirectories(setup.directory());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    blockCache = new LRUCache(BLOCK_CACHE_BYTES);
    BlockBasedTableConfig table = new BlockBasedTableConfig();
    table.setFilterPolicy(new BloomFilter(10, false));
    table.setBlockCache(blockCache);
    options =
        new Options()
            .setCreateIfMissing(true)
            .setCompressionType(CompressionType.NO_COMPRESSION)
            .setBottommostCompressionType(CompressionType.NO_COMPRESSION)
            .setTableFormatConfig(table);
    writeOptions = new WriteOptions().setSync(setup.durability() == Durability.DURABLE);
    try {
      db = RocksDB.open(options, setup.directory().toString());
    } catch (RocksDBException e) {
      throw failure("open", e);
    }
  }

  static Store open(StoreSetup setup) {
    return new RocksDbStore(setup);
  }

  static String version() {
    return RocksDB.rocksdbVersion().toString();
  }

  @Override
  public void put(byte[] key, byte[] value) {
    try {
      db.put(writeOptions, key, value);
    } catch (RocksDBException e) {
      throw failure("put", e);
    }
  }

  @Override
  public void putBatch(byte[][] keys, byte[][] values, int from, int to) {
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = from; i < to; i++) {
        batch.put(keys[i], values[i]);
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw failure("write batch", e);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw failure("get", e);
    }
  }

  @Override
  public boolean exists(byte[] key) {
    return db.keyExists(key);
  }

  @Override
  public void flush() {
    try {
      db.flushWal(true);
    } catch (RocksDBException e) {
      throw failure("flush", e);
    }
  }

  @Override
  public Store reopen() {
    close();
    return open(setup);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      db.close();
      writeOptions.close();
      options.close();
      blockCache.close();
    }
  }

  private IllegalStateException failure(String what, RocksDBException e) {
    return new IllegalStateException("RocksDB " + what + " failed in " + setup.directory(), e);
  }
}
