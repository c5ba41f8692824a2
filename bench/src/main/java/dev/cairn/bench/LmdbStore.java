package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/**
 * LMDB through lmdbjava. One write transaction per put and per batch; durable = LMDB's default
 * flags (the commit syncs the data file); no-sync = {@code MDB_NOSYNC}. The map size is sized to
 * the data (four times the expected payload plus 256 MiB, or twice the existing file). Reads use
 * one read transaction per thread, reset and renewed around each lookup (LMDB's own fast path), and
 * copy the value out of the map.
 */
final class LmdbStore implements Store {
  static final String CONFIGURATION =
      "LMDB (lmdbjava "
          + LmdbStore.version()
          + "): one write transaction per put and per batch,"
          + " default sync flags (commit = fsync) for durable, `MDB_NOSYNC` for no-sync; map size"
          + " 4 x payload + 256 MiB; reads renew a per-thread read transaction and copy the value"
          + " out of the map";

  private static final long MIB = 1 << 20;

  private final StoreSetup setup;
  private final Env<ByteBuffer> env;
  private final Dbi<ByteBuffer> dbi;
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);
  private final List<Txn<ByteBuffer>> readers = new ArrayList<>();
  private final ThreadLocal<Txn<ByteBuffer>> reader = ThreadLocal.withInitial(this::newReader);
  private volatile boolean closed;

  /** Per-thread direct buffers: LMDB copies what it is given, so they are reused. */
  private static final class Buffers {
    final ByteBuffer key = ByteBuffer.allocateDirect(64);
    ByteBuffer value = ByteBuffer.allocateDirect(4096);

    ByteBuffer key(byte[] bytes) {
      key.clear();
      key.put(bytes).flip();
      return key;
    }

    ByteBuffer value(byte[] bytes) {
      if (value.capacity() < bytes.length) {
        value = ByteBuffer.allocateDirect(Integer.highestOneBit(bytes.length) << 1);
      }
      value.clear();
      value.put(bytes).flip();
      return value;
    }
  }

  private LmdbStore(StoreSetup setup) {
    this.setup = setup;
    Path dir = setup.directory();
    long mapSize;
    try {
      Files.createDirectories(dir);
      Path data = dir.resolve("data.mdb");
      long existing = Files.exists(data) ? Files.size(data) : 0;
      // Small values cost LMDB about three times their size in half-full B-tree pages.
      mapSize = Math.max(4 * setup.expectedPayloadBytes() + 256 * MIB, 2 * existing + 256 * MIB);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EnvFlags[] flags =
        setup.durability() == Durability.DURABLE
            ? new EnvFlags[0]
            : new EnvFlags[] {EnvFlags.MDB_NOSYNC};
    env =
        Env.create().setMapSize(mapSize).setMaxDbs(1).setMaxReaders(256).open(dir.toFile(), flags);
    dbi = env.openDbi("objects", DbiFlags.MDB_CREATE);
  }

  static Store open(StoreSetup setup) {
    return new LmdbStore(setup);
  }

  static String version() {
    Package p = Env.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "0.9.1" : v;
  }

  private Txn<ByteBuffer> newReader() {
    Txn<ByteBuffer> txn = env.txnRead();
    txn.reset();
    synchronized (readers) {
      readers.add(txn);
    }
    return txn;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    Buffers b = buffers.get();
    try (Txn<ByteBuffer> txn = env.txnWrite()) {
      dbi.put(txn, b.key(key), b.value(value));
      txn.commit();
    }
  }

  @Override
  public void putBatch(byte[][] keys, byte[][] values, int from, int to) {
    Buffers b = buffers.get();
    try (Txn<ByteBuffer> txn = env.txnWrite()) {
      for (int i = from; i < to; i++) {
        dbi.put(txn, b.key(keys[i]), b.value(values[i]));
      }
      txn.commit();
    }
  }

  @Override
  public byte[] get(byte[] key) {
    Txn<ByteBuffer> txn = reader.get();
    txn.renew();
    try {
      ByteBuffer found = dbi.get(txn, buffers.get().key(key));
      if (found == null) {
        return null;
      }
      byte[] copy = new byte[found.remaining()];
      found.get(copy);
      return copy;
    } finally {
      txn.reset();
    }
  }

  @Override
  public boolean exists(byte[] key) {
    Txn<ByteBuffer> txn = reader.get();
    txn.renew();
    try {
      return dbi.get(txn, buffers.get().key(key)) != null;
    } finally {
      txn.reset();
    }
  }

  @Override
  public void flush() {
    env.sync(true);
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
      synchronized (readers) {
        for (Txn<ByteBuffer> txn : readers) {
          txn.close();
        }
        readers.clear();
      }
      dbi.close();
      env.close();
    }
  }
}
