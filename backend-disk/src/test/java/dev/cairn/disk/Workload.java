package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reproducible write workload for crash tests. Object bytes derive from a (writer, number) key,
 * so a checker can regenerate them from what was acknowledged; each writer moves its own ref
 * forward by compare-and-set. Records what was acknowledged and which ref values may be in flight.
 */
final class Workload {
  /** Objects acknowledged as durable, by key "writer/number". */
  final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

  /** Per ref: the last acknowledged value and a value a CAS may have left in flight. */
  final Map<String, Hash[]> refs = new ConcurrentHashMap<>();

  /** The end of a key whose object is over 1 MiB: a batch holding it is written direct. */
  static final String LARGE = "/large";

  static byte[] object(String key) {
    Random random = new Random(key.hashCode() * 31L + key.length());
    int size =
        key.endsWith(LARGE)
            ? DirectAppend.THRESHOLD + random.nextInt(DirectAppend.THRESHOLD / 4)
            : random.nextInt(10) == 0 ? 2000 + random.nextInt(6000) : random.nextInt(300);
    byte[] data = new byte[size + key.length()];
    random.nextBytes(data);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(k, 0, data, 0, k.length);
    return data;
  }

  /**
   * Runs writer {@code writer} until an operation fails; singles count as durable only if {@code
   * singlesDurable}.
   */
  void run(Backend store, int writer, boolean singlesDurable, int limit) {
    Random random = new Random(writer);
    String ref = "refs/heads/w" + writer;
    int n = 0;
    try {
      while (n < limit) {
        if (random.nextInt(4) == 0) {
          Map<Hash, byte[]> batch = new LinkedHashMap<>();
          List<String> keys = new ArrayList<>();
          for (int i = 1 + random.nextInt(8); i > 0; i--) {
            String key = writer + "/" + n++;
            keys.add(key);
            byte[] data = object(key);
            batch.put(HashAlgorithm.SHA256.hash(data), data);
          }
          store.writeBatch(batch);
          acknowledged.addAll(keys);
          Hash head = batch.keySet().iterator().next();
          Hash[] state = refs.computeIfAbsent(ref, r -> new Hash[2]);
          state[1] = head;
          if (store.testAndSetRef(ref, state[0], head)) {
            state[0] = head;
          }
          state[1] = null;
        } else {
          String key = writer + "/" + n++;
          store.put(object(key));
          if (singlesDurable) {
            acknowledged.add(key);
          }
        }
      }
    } catch (RuntimeException e) {
      // The crash or the full disk: whatever failed was not acknowledged.
    }
  }

  /** Checks that everything acknowledged reads back and every ref is old or new. */
  void check(Backend store) {
    for (String key : acknowledged) {
      byte[] data = object(key);
      Hash hash = HashAlgorithm.SHA256.hash(data);
      assertThat(store.read(hash)).as("acknowledged object %s", key).hasValue(data);
    }
    refs.forEach(
        (ref, state) -> {
          Hash now = store.getRef(ref).orElse(null);
          assertThat(now).as("ref %s", ref).isIn(state[0], state[1]);
        });
  }
}
