package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The writes of the disk-full family: puts, batches, ref updates, flushes, and compaction ({@code
 * disk:}) or garbage collection with archiving ({@code layered}), drawn from a seed, until one
 * fails. Each step reports what it did as a line — in process to a list, in a child JVM on standard
 * output — and {@link DiskFullModel} rebuilds from the lines what must hold:
 *
 * <ul>
 *   <li>{@code A key} before an object is written, {@code O key} once the write returned;
 *   <li>{@code P ref key} before a ref update, {@code R ref key} once it returned;
 *   <li>{@code D key} when compaction may drop an acknowledged object (it is no longer owed);
 *   <li>{@code E message} when a step failed: the class and message of each exception in the chain,
 *       so the parent can check that the error names the problem.
 * </ul>
 *
 * Object bytes derive from their key, so a checker regenerates them.
 */
final class DiskFullWorkload {
  static final HashAlgorithm HASH = HashAlgorithm.SHA1;
  private static final int REFS = 4;

  /** How the steps are weighted. */
  enum Mix {
    /** Mostly puts and batches of objects of every size. */
    OBJECTS,
    /** Objects of at most 8 bytes: segment and volume indexes outgrow the data. */
    TINY,
    /** Mostly ref updates: the ref journal grows fastest. */
    REFS,
    /** Frequent compaction or collection: rewritten segments and archived volumes. */
    COLLECT,
    /** Only puts of objects from 100 to 2,000 bytes, no refs: many segments, few bytes each. */
    BULK,
    /** Only compaction or collection, over what is there already. */
    GC_ONLY
  }

  private final String prefix;
  private final Random random;
  private final Mix mix;
  private final Consumer<String> out;
  private final List<String> written = new ArrayList<>();
  private int next;

  /** Whether a compaction or collection step is running (for where the space ran out). */
  volatile boolean collecting;

  DiskFullWorkload(String prefix, long seed, Mix mix, Consumer<String> out) {
    this.prefix = prefix;
    this.random = new Random(seed);
    this.mix = mix;
    this.out = out;
  }

  /**
   * The bytes of object {@code key}: the key, then up to 6,000 more bytes, most few; for a key of
   * the tiny mix ("t" + prefix + "/" + number) 4 bytes, 12 bits of the prefix's hash code and 20 of
   * the number, so that records are no larger than index entries and a segment or volume of them
   * has a larger index than data. Distinct keys of one run never share bytes (barring a 1 in 4,096
   * clash of two tiny prefixes), so never share a hash.
   */
  static byte[] object(String key) {
    if (key.startsWith("t")) {
      int slash = key.lastIndexOf('/');
      int prefix = key.substring(0, slash).hashCode() * 0x9E3779B1 >>> 20;
      return java.nio.ByteBuffer.allocate(4)
          .putInt(prefix << 20 | Integer.parseInt(key.substring(slash + 1)) & 0xFFFFF)
          .array();
    }
    Random random = new Random(key.hashCode() * 31L + key.length());
    int roll = random.nextInt(10);
    int size =
        key.startsWith("b")
            ? 100 + random.nextInt(1900)
            : roll < 3
                ? random.nextInt(17)
                : roll < 8 ? 17 + random.nextInt(600) : 600 + random.nextInt(5400);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[k.length + 1 + size];
    System.arraycopy(k, 0, data, 0, k.length);
    byte[] rest = new byte[size];
    random.nextBytes(rest);
    System.arraycopy(rest, 0, data, k.length + 1, size);
    return data;
  }

  static Hash hash(String key) {
    return HASH.hash(object(key));
  }

  private String newKey() {
    return (mix == Mix.TINY ? "t" : mix == Mix.BULK ? "b" : "o") + prefix + "/" + next++;
  }

  /**
   * Runs steps until one fails (reported with an {@code E} line, returned) or {@code limit} steps
   * are done (null returned).
   */
  RuntimeException run(Backend store, int limit) {
    for (int i = 0; i < limit; i++) {
      try {
        step(store);
      } catch (RuntimeException e) {
        out.accept("E " + chain(e));
        return e;
      }
    }
    return null;
  }

  /** The class and message of {@code e} and of each of its causes, joined by " <- ". */
  static String chain(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(" <- ");
      }
      text.append(t.getClass().getName()).append(": ").append(t.getMessage());
    }
    return text.toString().replace('\n', ' ');
  }

  /** One step, reported. */
  void step(Backend store) {
    int roll = random.nextInt(100);
    int puts;
    int batches;
    int refs;
    int flushes;
    switch (mix) {
      case REFS -> {
        puts = 10;
        batches = 15;
        refs = 70;
        flushes = 4;
      }
      case COLLECT -> {
        puts = 40;
        batches = 25;
        refs = 20;
        flushes = 5;
      }
      case BULK -> {
        puts = 100;
        batches = 0;
        refs = 0;
        flushes = 0;
      }
      case GC_ONLY -> {
        puts = 0;
        batches = 0;
        refs = 0;
        flushes = 0;
      }
      default -> {
        puts = 55;
        batches = 25;
        refs = 12;
        flushes = 4;
      }
    }
    if (mix == Mix.GC_ONLY) {
      collect(store);
    } else if (roll < puts || written.isEmpty()) {
      String key = newKey();
      out.accept("A " + key);
      store.put(object(key));
      written.add(key);
      out.accept("O " + key);
    } else if (roll < puts + batches) {
      Map<Hash, byte[]> batch = new LinkedHashMap<>();
      List<String> keys = new ArrayList<>();
      for (int n = 1 + random.nextInt(12); n > 0; n--) {
        String key = newKey();
        keys.add(key);
        batch.put(hash(key), object(key));
      }
      keys.forEach(key -> out.accept("A " + key));
      store.writeBatch(batch);
      written.addAll(keys);
      keys.forEach(key -> out.accept("O " + key));
    } else if (roll < puts + batches + refs) {
      String ref = "refs/heads/r" + random.nextInt(REFS);
      String key = written.get(random.nextInt(written.size()));
      out.accept("P " + ref + " " + key);
      if (random.nextBoolean()) {
        store.setRef(ref, hash(key));
      } else {
        // Compare-and-set from whatever is there: it must succeed, nobody else writes.
        Hash expected = store.getRef(ref).orElse(null);
        if (!store.testAndSetRef(ref, expected, hash(key))) {
          throw new IllegalStateException(
              "compare-and-set of " + ref + " from " + expected + " failed with no other writer");
        }
      }
      out.accept("R " + ref + " " + key);
    } else if (roll < puts + batches + refs + flushes) {
      store.flush();
    } else {
      collect(store);
    }
  }

  private void collect(Backend store) {
    collecting = true;
    try {
      collectNow(store);
    } finally {
      collecting = false;
    }
  }

  private void collectNow(Backend store) {
    var collection = store.feature(GarbageCollection.class);
    if (collection.isPresent()) {
      // Archive mode: what no ref reaches moves to the lower, still readable through the stack.
      collection.get().gc(GcOptions.defaults());
      return;
    }
    var compaction = store.feature(Compaction.class);
    if (compaction.isEmpty()) {
      store.flush();
      return;
    }
    // Drop a few objects nobody needs any more: from here on they may be there or not.
    List<Hash> dropped = new ArrayList<>();
    for (int n = written.isEmpty() ? 0 : random.nextInt(Math.min(8, written.size()) + 1);
        n > 0;
        n--) {
      String key = written.remove(random.nextInt(written.size()));
      out.accept("D " + key);
      dropped.add(hash(key));
    }
    // Refs are not Compaction's business; keep what refs name so the model stays simple.
    List<Hash> named = new ArrayList<>();
    for (int r = 0; r < REFS; r++) {
      store.getRef("refs/heads/r" + r).ifPresent(named::add);
    }
    // Empty and tiny objects of different keys share a hash: one still written keeps it.
    java.util.Set<Hash> owed = new java.util.HashSet<>();
    written.forEach(key -> owed.add(hash(key)));
    compaction.get().compact(h -> !dropped.contains(h) || named.contains(h) || owed.contains(h));
  }
}
