package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.EnvironmentImpl;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.StoreConfig;

/**
 * JetBrains Xodus, the closest pure-Java design (an append-only log of B-tree pages). One
 * transaction per put and per batch; durable = {@code EnvironmentConfig.setLogDurableWrite(true)}
 * (each commit fsyncs the log), no-sync = {@code setLogDurableWrite(false)} (Xodus's default). A
 * B-tree store without duplicates; log GC and the shared log cache at their defaults.
 */
final class XodusStore implements Store {
  static final String CONFIGURATION =
      "Xodus (xodus-environment "
          + XodusStore.version()
          + "): one transaction per put and per"
          + " batch, B-tree store without duplicates, `EnvironmentConfig.setLogDurableWrite(true)`"
          + " for durable (commit = fsync), `false` for no-sync; log GC and log cache at defaults";

  private final StoreSetup setup;
  private final Environment env;
  private final jetbrains.exodus.env.Store store;
  private boolean closed;

  private XodusStore(StoreSetup setup) {
    this.setup = setup;
    try {
      Files.createDirectories(setup.directory());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EnvironmentConfig config =
        new EnvironmentConfig().setLogDurableWrite(setup.durability() == Durability.DURABLE);
    env = Environments.newInstance(setup.directory().toFile(), config);
    store =
        env.computeInTransaction(
            txn -> env.openStore("objects", StoreConfig.WITHOUT_DUPLICATES, txn));
  }

  static Store open(StoreSetup setup) {
    return new XodusStore(setup);
  }

  static String version() {
    Package p = Environments.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "2.0.1" : v;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    env.executeInTransaction(
        txn -> store.put(txn, new ArrayByteIterable(key), new ArrayByteIterable(value)));
  }

  @Override
  public void putBatch(byte[][] keys, byte[][] values, int from, int to) {
    env.executeInTransaction(
        txn -> {
          for (int i = from; i < to; i++) {
            store.put(txn, new ArrayByteIterable(keys[i]), new ArrayByteIterable(values[i]));
          }
        });
  }

  @Override
  public byte[] get(byte[] key) {
    return env.computeInReadonlyTransaction(
        txn -> {
          ByteIterable found = store.get(txn, new ArrayByteIterable(key));
          return found == null ? null : Arrays.copyOf(found.getBytesUnsafe(), found.getLength());
        });
  }

  @Override
  public boolean exists(byte[] key) {
    return env.computeInReadonlyTransaction(
        txn -> store.get(txn, new ArrayByteIterable(key)) != null);
  }

  @Override
  public void flush() {
    // Not on the Environment interface; the only implementation Environments returns has it.
    ((EnvironmentImpl) env).flushAndSync();
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
      env.close();
    }
  }
}
