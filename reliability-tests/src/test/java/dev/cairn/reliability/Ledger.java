package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.LinkExtractor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What a workload was told by the store, to be checked after a power cut or a failed I/O: the
 * objects acknowledged (and of those, the ones acknowledged <em>durable</em>), every object
 * attempted (which may or may not be there, but never half), and for each ref the values it may
 * hold. Objects are blobs or commits; a commit links to objects that were durable before it was
 * written and to the previous commit of its writer, so everything reachable from a durable ref
 * value is durable too. Thread-safe.
 */
final class Ledger {
  /** How a violation of a batch's all-or-nothing promise starts. */
  static final String HALF_BATCH = "a batch is half there: ";

  /** The algorithm of every store the families open. */
  static final HashAlgorithm ALGORITHM = HashAlgorithm.SHA1;

  /** The links of a commit ({@code 'C'}, u16 count, raw hashes, key); blobs have none. */
  static final LinkExtractor LINKS =
      new LinkExtractor() {
        @Override
        public String name() {
          return "ledger";
        }

        @Override
        public List<Hash> links(Hash hash, byte[] data, HashAlgorithm algorithm) {
          List<Hash> links = new ArrayList<>();
          if (data.length >= 3 && data[0] == 'C') {
            ByteBuffer in = ByteBuffer.wrap(data);
            int count = Short.toUnsignedInt(in.getShort(1));
            in.position(3);
            for (int i = 0; i < count; i++) {
              links.add(Hash.read(algorithm, in));
            }
          }
          return links;
        }
      };

  /** A blob made from {@code key}: mostly small, one in ten a few KiB. */
  static byte[] blob(String key) {
    Random random = new Random(key.hashCode() * 31L + key.length());
    int size = random.nextInt(10) == 0 ? 2000 + random.nextInt(6000) : random.nextInt(300);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[1 + k.length + size];
    data[0] = 'B';
    System.arraycopy(k, 0, data, 1, k.length);
    byte[] rest = new byte[size];
    random.nextBytes(rest);
    System.arraycopy(rest, 0, data, 1 + k.length, size);
    return data;
  }

  /** A commit named {@code key} linking to {@code links}. */
  static byte[] commit(String key, List<Hash> links) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(3 + links.size() * ALGORITHM.digestLength() + k.length);
    out.put((byte) 'C').putShort((short) links.size());
    links.forEach(link -> link.writeTo(out));
    out.put(k);
    return out.array();
  }

  /** The values one ref may hold. */
  private static final class RefState {
    /** The value as of the last point it was durable (null: absent). */
    Hash durable;

    /** The value the last acknowledged change set. */
    Hash acknowledged;

    boolean everDurable;

    /** Values attempted since {@link #durable}: a crash may leave any of them. */
    final Set<Hash> sinceDurable = new LinkedHashSet<>();

    /** Values attempted since {@link #acknowledged} whose change threw: it may have happened. */
    final Set<Hash> sinceAcknowledged = new LinkedHashSet<>();
  }

  private final Map<Hash, byte[]> durable = new ConcurrentHashMap<>();
  private final Map<Hash, byte[]> acknowledged = new ConcurrentHashMap<>();
  private final Map<Hash, byte[]> attempted = new ConcurrentHashMap<>();
  private final Map<String, RefState> refs = new ConcurrentHashMap<>();

  /** Every batch attempted: after a crash all of it is there or none. */
  private final Queue<Set<Hash>> batches = new ConcurrentLinkedQueue<>();

  /** {@code data} (of {@code hash}) is about to be written: it may be there afterwards. */
  void attempted(Hash hash, byte[] data) {
    attempted.put(hash, data);
  }

  /** A batch of these objects is about to be written: all or nothing of it may be there. */
  void batchAttempted(Set<Hash> hashes) {
    batches.add(Set.copyOf(hashes));
  }

  /** The write of {@code hash} returned; {@code isDurable} if the store promised durability. */
  void acknowledged(Hash hash, byte[] data, boolean isDurable) {
    acknowledged.put(hash, data);
    if (isDurable) {
      durable.put(hash, data);
    }
  }

  /** A flush returned: these objects, acknowledged before it began, are durable now. */
  void flushed(Map<Hash, byte[]> objects) {
    durable.putAll(objects);
  }

  int durableCount() {
    return durable.size();
  }

  /** Whether {@code hash} was acknowledged durable. */
  boolean isDurable(Hash hash) {
    return durable.containsKey(hash);
  }

  /** A change of {@code ref} to {@code value} is about to be made. */
  void refAttempt(String ref, Hash value) {
    RefState state = refs.computeIfAbsent(ref, r -> new RefState());
    synchronized (state) {
      state.sinceDurable.add(value);
      state.sinceAcknowledged.add(value);
    }
  }

  /** The change of {@code ref} to {@code value} returned; durable if {@code isDurable}. */
  void refAcknowledged(String ref, Hash value, boolean isDurable) {
    RefState state = refs.computeIfAbsent(ref, r -> new RefState());
    synchronized (state) {
      state.acknowledged = value;
      state.sinceAcknowledged.clear();
      if (isDurable) {
        state.durable = value;
        state.everDurable = true;
        state.sinceDurable.clear();
      }
    }
  }

  /** A flush of the ref changes made so far returned: {@code ref}'s value is durable. */
  void refFlushed(String ref) {
    RefState state = refs.get(ref);
    if (state == null) {
      return;
    }
    synchronized (state) {
      if (state.sinceAcknowledged.isEmpty()) {
        state.durable = state.acknowledged;
        state.everDurable = true;
        state.sinceDurable.clear();
      }
    }
  }

  /**
   * After a crash the store may hold only what was durable: everything becomes what the store now
   * holds (as checked), so the next round starts from it.
   */
  void crashed(Backend reopened) {
    acknowledged.keySet().retainAll(durable.keySet());
    refs.forEach(
        (name, state) -> {
          synchronized (state) {
            Hash now;
            try {
              now = reopened.getRef(name).orElse(null);
            } catch (CairnException e) {
              return; // reported by check
            }
            state.durable = now;
            state.acknowledged = now;
            state.everDurable = true;
            state.sinceDurable.clear();
            state.sinceAcknowledged.clear();
          }
        });
  }

  /**
   * After a clean close everything acknowledged is there (the operating system had it); the ref
   * changes that threw may have happened: the ledger takes what the store shows.
   */
  void reopenedCleanly(Backend reopened) {
    refs.forEach(
        (name, state) -> {
          synchronized (state) {
            Hash now;
            try {
              now = reopened.getRef(name).orElse(null);
            } catch (CairnException e) {
              return; // reported by check
            }
            state.acknowledged = now;
            state.sinceAcknowledged.clear();
            state.sinceDurable.add(now);
          }
        });
  }

  /**
   * Checks {@code store}: every object acknowledged durable (or, if {@code afterCrash} is false,
   * acknowledged at all) is there byte for byte and hashes right; every attempted object is absent
   * or whole; every ref holds a value it may hold; everything reachable from a ref reads back
   * whole. Returns the number of objects checked; adds what is wrong to {@code violations}.
   */
  long check(Backend store, boolean afterCrash, List<String> violations) {
    long checked = 0;
    Map<Hash, byte[]> promised = afterCrash ? durable : acknowledged;
    for (Map.Entry<Hash, byte[]> entry : promised.entrySet()) {
      checked++;
      String problem = readBack(store, entry.getKey(), entry.getValue(), true);
      if (problem != null) {
        violations.add((afterCrash ? "durable " : "acknowledged ") + problem);
      }
    }
    for (Map.Entry<Hash, byte[]> entry : attempted.entrySet()) {
      if (!promised.containsKey(entry.getKey())) {
        checked++;
        String problem = readBack(store, entry.getKey(), entry.getValue(), false);
        if (problem != null) {
          violations.add("attempted " + problem);
        }
      }
    }
    for (Set<Hash> batch : batches) {
      int present = 0;
      for (Hash hash : batch) {
        try {
          present += store.exists(hash) ? 1 : 0;
        } catch (CairnException e) {
          violations.add("object " + hash + " of a batch cannot be tested: " + e);
        }
      }
      if (present != 0 && present != batch.size()) {
        violations.add(HALF_BATCH + present + " of its " + batch.size() + " objects " + batch);
      }
    }
    for (Map.Entry<String, RefState> entry : refs.entrySet()) {
      RefState state = entry.getValue();
      Set<Hash> allowed = new HashSet<>();
      synchronized (state) {
        if (afterCrash) {
          allowed.add(state.durable);
          allowed.addAll(state.sinceDurable);
          if (!state.everDurable) {
            allowed.add(null);
          }
        } else {
          allowed.add(state.acknowledged);
          allowed.addAll(state.sinceAcknowledged);
        }
      }
      Hash now;
      try {
        now = store.getRef(entry.getKey()).orElse(null);
      } catch (CairnException e) {
        violations.add("ref " + entry.getKey() + " cannot be read: " + e);
        continue;
      }
      if (!allowed.contains(now)) {
        violations.add("ref " + entry.getKey() + " is " + now + ", none of " + allowed);
      }
      if (now != null) {
        checked += reachable(store, now, violations);
      }
    }
    return checked;
  }

  /** Reads everything reachable from {@code root}; returns how many objects it read. */
  private long reachable(Backend store, Hash root, List<String> violations) {
    Set<Hash> seen = new HashSet<>();
    Deque<Hash> next = new ArrayDeque<>(List.of(root));
    while (!next.isEmpty()) {
      Hash hash = next.pop();
      if (!seen.add(hash)) {
        continue;
      }
      byte[] expected = attempted.get(hash);
      String problem = readBack(store, hash, expected, true);
      if (problem != null) {
        violations.add("reachable " + problem);
        continue;
      }
      next.addAll(LINKS.links(hash, store.read(hash).orElseThrow(), ALGORITHM));
    }
    return seen.size();
  }

  /** Null if {@code hash} reads back as {@code expected} (or, if not {@code required}, absent). */
  private static String readBack(Backend store, Hash hash, byte[] expected, boolean required) {
    Optional<byte[]> data;
    try {
      data = store.read(hash);
    } catch (CairnException e) {
      return "object " + hash + " cannot be read: " + e;
    }
    if (data.isEmpty()) {
      return required ? "object " + hash + " is missing" : null;
    }
    if (!ALGORITHM.hash(data.get()).equals(hash)) {
      return "object " + hash + " is served with bytes hashing to " + ALGORITHM.hash(data.get());
    }
    if (expected != null && !Arrays.equals(expected, data.get())) {
      return "object " + hash + " differs from what was written";
    }
    return null;
  }

  @Override
  public String toString() {
    return "Ledger{durable="
        + durable.size()
        + ", acknowledged="
        + acknowledged.size()
        + ", attempted="
        + attempted.size()
        + ", refs="
        + refs.size()
        + "}";
  }
}
