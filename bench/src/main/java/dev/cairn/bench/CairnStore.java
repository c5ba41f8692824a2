package dev.cairn.bench;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A Cairn stack behind the harness's {@link Store} adapter: puts are {@link Backend#write} with the
 * harness's precomputed SHA-256 (so the store does not hash again, as the peers do not), batches
 * are one {@link Backend#writeBatch}.
 */
final class CairnStore implements Store {
  private final StoreSetup setup;
  private final Function<StoreSetup, Backend> opener;
  private final Backend backend;

  CairnStore(StoreSetup setup, Function<StoreSetup, Backend> opener) {
    this.setup = requireNonNull(setup, "setup");
    this.opener = requireNonNull(opener, "opener");
    this.backend = requireNonNull(opener.apply(setup), "opened backend");
    if (!backend.hashAlgorithm().equals(HashAlgorithm.SHA256)) {
      backend.close();
      throw new IllegalStateException(
          "the harness keys objects by SHA-256, but the store uses " + backend.hashAlgorithm());
    }
  }

  /** The Cairn store this adapter drives. */
  Backend backend() {
    return backend;
  }

  private static Hash hash(byte[] key) {
    return Hash.of(HashAlgorithm.SHA256, key);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    backend.write(hash(key), value);
  }

  @Override
  public void putBatch(byte[][] keys, byte[][] values, int from, int to) {
    Map<Hash, byte[]> batch = new LinkedHashMap<>((to - from) * 2);
    for (int i = from; i < to; i++) {
      batch.put(hash(keys[i]), values[i]);
    }
    backend.writeBatch(batch);
  }

  @Override
  public byte[] get(byte[] key) {
    return backend.read(hash(key)).orElse(null);
  }

  @Override
  public boolean exists(byte[] key) {
    return backend.exists(hash(key));
  }

  @Override
  public void flush() {
    backend.flush();
  }

  @Override
  public Store reopen() {
    close();
    return new CairnStore(setup, opener);
  }

  @Override
  public void close() {
    backend.close();
  }
}
