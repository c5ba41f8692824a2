package dev.cairn.testkit;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import dev.cairn.spi.RefName;
import dev.cairn.spi.StoreClosedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store written straight against {@link Backend} (not {@code AbstractBackend}), correct unless
 * told to carry one of the {@link Flaw}s. The testkit's own tests use it to show that the suite
 * fails every flawed store.
 */
final class FlawedBackend implements Backend {
  /** One way to break the contract. */
  enum Flaw {
    NONE,
    CAS_NOT_ATOMIC,
    CAS_IGNORES_EXPECTED,
    DELETE_IGNORED,
    LEAKS_STORED_ARRAY,
    KEEPS_CALLER_ARRAY,
    TRUNCATES_LARGE_OBJECTS,
    EXISTS_ALWAYS_TRUE,
    ABSENT_READS_EMPTY_ARRAY,
    REFS_UNSORTED,
    NO_REF_NAME_CHECK,
    NO_ALGORITHM_CHECK,
    OPEN_AFTER_CLOSE,
    CLOSE_NOT_IDEMPOTENT,
    BATCH_DROPS_LAST,
    WRITES_WHEN_READ_ONLY,
  }

  private final HashAlgorithm algorithm;
  private final Flaw flaw;
  private final boolean readOnly;
  private final Map<Hash, byte[]> objects;
  private final Map<String, Hash> refs = new ConcurrentHashMap<>();
  private volatile boolean closed;

  FlawedBackend(HashAlgorithm algorithm, Flaw flaw, boolean readOnly) {
    this.algorithm = algorithm;
    this.flaw = flaw;
    this.readOnly = readOnly;
    this.objects = new ConcurrentHashMap<>();
  }

  /** Writes {@code seed} bypassing read-only checks, as a fixture does below a read-only layer. */
  FlawedBackend load(Seed seed) {
    seed.objects().forEach((h, d) -> objects.put(h, d.clone()));
    refs.putAll(seed.refs());
    return this;
  }

  private void checkOpen(String operation) {
    if (closed && flaw != Flaw.OPEN_AFTER_CLOSE) {
      throw new StoreClosedException("flawed:", operation);
    }
  }

  private void checkHash(Hash hash) {
    Objects.requireNonNull(hash, "hash");
    if (flaw != Flaw.NO_ALGORITHM_CHECK && !hash.algorithm().name().equals(algorithm.name())) {
      throw new HashAlgorithmMismatchException("flawed:", algorithm, hash);
    }
  }

  private String checkName(String name) {
    return flaw == Flaw.NO_REF_NAME_CHECK ? Objects.requireNonNull(name) : RefName.check(name);
  }

  private void checkWritable(String operation) {
    if (readOnly && flaw != Flaw.WRITES_WHEN_READ_ONLY) {
      throw new dev.cairn.spi.ReadOnlyStoreException("flawed:", operation);
    }
  }

  @Override
  public HashAlgorithm hashAlgorithm() {
    return algorithm;
  }

  @Override
  public Optional<byte[]> read(Hash hash) {
    checkHash(hash);
    checkOpen("read");
    byte[] data = objects.get(hash);
    if (data == null) {
      return flaw == Flaw.ABSENT_READS_EMPTY_ARRAY ? Optional.of(new byte[0]) : Optional.empty();
    }
    if (flaw == Flaw.TRUNCATES_LARGE_OBJECTS && data.length > 1024 * 1024) {
      return Optional.of(java.util.Arrays.copyOf(data, 1024 * 1024));
    }
    return Optional.of(flaw == Flaw.LEAKS_STORED_ARRAY ? data : data.clone());
  }

  @Override
  public void write(Hash hash, byte[] data) {
    Objects.requireNonNull(data, "data");
    checkHash(hash);
    checkOpen("write");
    checkWritable("write");
    objects.put(hash, flaw == Flaw.KEEPS_CALLER_ARRAY ? data : data.clone());
  }

  @Override
  public Hash put(byte[] data) {
    Objects.requireNonNull(data, "data");
    checkOpen("put");
    checkWritable("put");
    Hash hash = algorithm.hash(data);
    write(hash, data);
    return hash;
  }

  @Override
  public boolean exists(Hash hash) {
    checkHash(hash);
    checkOpen("exists");
    return flaw == Flaw.EXISTS_ALWAYS_TRUE || objects.containsKey(hash);
  }

  @Override
  public Optional<Hash> getRef(String name) {
    checkOpen("getRef");
    return Optional.ofNullable(refs.get(checkName(name)));
  }

  @Override
  public void setRef(String name, Hash hash) {
    checkOpen("setRef");
    checkWritable("setRef");
    checkName(name);
    checkHash(hash);
    refs.put(name, hash);
  }

  @Override
  public synchronized boolean testAndSetRef(String name, Hash expected, Hash replacement) {
    checkOpen("testAndSetRef");
    checkWritable("testAndSetRef");
    checkName(name);
    if (expected != null) {
      checkHash(expected);
    }
    if (replacement != null) {
      checkHash(replacement);
    }
    return flaw == Flaw.CAS_NOT_ATOMIC
        ? casWithoutLock(name, expected, replacement)
        : casLocked(name, expected, replacement);
  }

  private boolean casLocked(String name, Hash expected, Hash replacement) {
    Hash current = refs.get(name);
    if (flaw != Flaw.CAS_IGNORES_EXPECTED && !Objects.equals(current, expected)) {
      return false;
    }
    if (replacement == null) {
      if (flaw != Flaw.DELETE_IGNORED) {
        refs.remove(name);
      }
    } else {
      refs.put(name, replacement);
    }
    return true;
  }

  private boolean casWithoutLock(String name, Hash expected, Hash replacement) {
    // The lock of the synchronized method is released while waiting, so callers interleave.
    Hash current = refs.get(name);
    if (!Objects.equals(current, expected)) {
      return false;
    }
    try {
      wait(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (replacement == null) {
      refs.remove(name);
    } else {
      refs.put(name, replacement);
    }
    return true;
  }

  @Override
  public List<String> listRefs() {
    checkOpen("listRefs");
    List<String> names = new ArrayList<>(refs.keySet());
    Collections.sort(names);
    if (flaw == Flaw.REFS_UNSORTED) {
      Collections.reverse(names);
    }
    return names;
  }

  @Override
  public void writeBatch(Map<Hash, byte[]> batch) {
    Objects.requireNonNull(batch, "objects");
    checkOpen("writeBatch");
    checkWritable("writeBatch");
    batch.keySet().forEach(this::checkHash);
    int i = 0;
    for (Map.Entry<Hash, byte[]> entry : batch.entrySet()) {
      if (flaw == Flaw.BATCH_DROPS_LAST && ++i == batch.size() && batch.size() > 1) {
        break;
      }
      objects.put(entry.getKey(), entry.getValue().clone());
    }
  }

  @Override
  public void flush() {
    checkOpen("flush");
  }

  @Override
  public void close() {
    if (closed && flaw == Flaw.CLOSE_NOT_IDEMPOTENT) {
      throw new IllegalStateException("closed twice");
    }
    closed = true;
  }

  @Override
  public Set<Capability> capabilities() {
    return readOnly ? Set.of() : EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS);
  }
}
