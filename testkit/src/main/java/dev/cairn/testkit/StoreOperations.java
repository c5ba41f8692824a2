package dev.cairn.testkit;

import static java.util.Objects.requireNonNull;
import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import kotlin.jvm.functions.Function1;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jspecify.annotations.Nullable;

/**
 * Objects and refs of a store together as one Lincheck test: three objects (put, batch, read,
 * exists) and two refs over three values (get, set, compare-and-set, delete, list), checked for
 * linearizability against {@link Model}. A read that returns bytes other than the object's is
 * reported as value {@link #WRONG_BYTES}, which no sequential execution produces.
 *
 * <p>Objects and refs share one model so that a store whose ref and object paths interleave badly
 * (a ref visible before the object it names was acknowledged, say) is caught where the two meet;
 * each ref value is one of the objects, so a reader can follow a ref to its object.
 *
 * <p>Lincheck builds instances reflectively, so the store to test is handed over in a static field
 * for the duration of a check. Checks never run in parallel (they share a lock with {@link
 * RefOperations}): Lincheck's instrumentation is global to the JVM.
 */
@Param(name = "object", gen = IntGen.class, conf = "0:2")
@Param(name = "ref", gen = IntGen.class, conf = "0:1")
@Param(name = "value", gen = IntGen.class, conf = "-1:2")
public class StoreOperations {
  /** What {@link #read} returns for bytes that are not the object's. */
  public static final int WRONG_BYTES = -2;

  private static final String[] REFS = {"refs/heads/main", "refs/tags/v1"};
  private static final int[] SIZES = {1, 100, 5000};
  private static final long INVOCATION_TIMEOUT_MS = 300_000;
  private static volatile @Nullable Callable<Backend> opener;
  private static final List<Backend> OPENED = new ArrayList<>();

  private final Backend store;
  private final byte[][] objects;
  private final List<Hash> hashes;

  /** Opens a store with the opener installed by {@link #modelCheck} or {@link #stress}. */
  public StoreOperations() throws Exception {
    Callable<Backend> current = opener;
    if (current == null) {
      throw new IllegalStateException("StoreOperations runs only inside its checks");
    }
    synchronized (OPENED) {
      // Lincheck runs one invocation at a time and builds a new instance for each: the stores
      // of earlier invocations are done with, and a long check would otherwise keep them all.
      closeOpened();
      this.store = current.call();
      OPENED.add(store);
    }
    this.objects = objects();
    this.hashes = hashes(store.hashAlgorithm(), objects);
  }

  /** The three objects: sizes 1, 100 and 5,000 bytes, each a distinct pattern. */
  private static byte[][] objects() {
    byte[][] objects = new byte[SIZES.length][];
    for (int i = 0; i < SIZES.length; i++) {
      objects[i] = new byte[SIZES[i]];
      for (int j = 0; j < SIZES[i]; j++) {
        objects[i][j] = (byte) (31 * j + 7 * i + 1);
      }
    }
    return objects;
  }

  private static List<Hash> hashes(HashAlgorithm algorithm, byte[][] objects) {
    List<Hash> hashes = new ArrayList<>();
    for (byte[] object : objects) {
      hashes.add(algorithm.hash(object));
    }
    return hashes;
  }

  /**
   * Model-checks stores from {@code opener}: Lincheck explores thread interleavings of every
   * scenario, switching threads at shared-memory accesses and locks of the store's own code.
   *
   * @param opener opens a new, empty store sharing nothing with the others; called once per
   *     invocation (each store is closed when the next one opens or the check ends)
   * @param scenarios how many random scenarios to generate
   * @param interleavings how many interleavings of each scenario to run at most (each opens a
   *     store: about 1 s for a disk stack on Jimfs on a loaded 2-core machine, 0.2 to 0.5 s for
   *     {@code memory:})
   * @param atomic classes whose methods run as single atomic steps, not explored inside: each a
   *     binary class name, or a package prefix ending in a dot. For a store's I/O seam (Lincheck
   *     3.7 refuses any call on a {@link java.nio.channels.FileChannel}, even one of an in-memory
   *     file system, where it explores) and for tested libraries whose internals are not what is
   *     checked (Caffeine: exploring it costs minutes an invocation)
   * @throws AssertionError (from Lincheck) describing a non-linearizable execution
   */
  public static void modelCheck(
      Callable<Backend> opener, int scenarios, int interleavings, String... atomic) {
    ModelCheckingOptions options =
        new ModelCheckingOptions().iterations(scenarios).invocationsPerIteration(interleavings);
    if (atomic.length > 0) {
      // Lincheck asks this at every method call it sees: a plain loop, nothing to explore.
      String[] names = atomic.clone();
      Function1<String, Boolean> matches =
          name -> {
            for (String n : names) {
              if (n.endsWith(".") ? name.startsWith(n) : name.equals(n)) {
                return true;
              }
            }
            return false;
          };
      options.addGuarantee(forClasses(matches).allMethods().treatAsAtomic());
    }
    run(requireNonNull(opener, "opener"), options);
  }

  /**
   * Stress-tests stores from {@code opener} with Lincheck on real threads: for stores whose code
   * Lincheck's model checker cannot follow.
   *
   * @param opener as for {@link #modelCheck}
   * @param scale 1 for a CI run; larger multiplies the number of scenarios and invocations
   * @throws AssertionError (from Lincheck) describing a non-linearizable execution
   */
  public static void stress(Callable<Backend> opener, int scale) {
    stress(opener, 10 * scale, 20 * scale);
  }

  /** As {@link #stress(Callable, int)}, with {@code scenarios} of {@code invocations} each. */
  static void stress(Callable<Backend> opener, int scenarios, int invocations) {
    run(
        requireNonNull(opener, "opener"),
        new StressOptions().iterations(scenarios).invocationsPerIteration(invocations));
  }

  private static <O extends Options<O, ?>> void run(Callable<Backend> opener, O options) {
    synchronized (RefOperations.ONE_CHECK_AT_A_TIME) {
      StoreOperations.opener = opener;
      try {
        options
            .threads(2)
            .actorsPerThread(3)
            .actorsBefore(2)
            .actorsAfter(2)
            .sequentialSpecification(Model.class)
            // Minimizing re-runs the scenario many times over, each invocation opening a whole
            // stack: minutes. The full scenario of 10 operations reads well enough.
            .minimizeFailedScenario(false)
            // An invocation that does not end within this is reported as hung. Lincheck's
            // default is for in-memory structures; the first invocation here also instruments
            // a whole stack's classes, on a machine that may be shared (it timed out at 30 s).
            .invocationTimeout$lincheck(INVOCATION_TIMEOUT_MS)
            .check(StoreOperations.class);
      } finally {
        StoreOperations.opener = null;
        synchronized (OPENED) {
          closeOpened();
        }
      }
    }
  }

  private static void closeOpened() {
    OPENED.forEach(Backend::close);
    OPENED.clear();
  }

  private @Nullable Hash value(int index) {
    return index < 0 ? null : hashes.get(index);
  }

  private int index(Optional<Hash> hash) {
    return hash.map(hashes::indexOf).orElse(-1);
  }

  /** Stores object {@code object} (0..2). */
  @Operation
  public void put(@Param(name = "object") int object) {
    store.put(objects[object].clone());
  }

  /** Stores objects {@code first} and {@code second} in one batch. */
  @Operation
  public void writeBatch(@Param(name = "object") int first, @Param(name = "object") int second) {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    batch.put(hashes.get(first), objects[first].clone());
    batch.put(hashes.get(second), objects[second].clone());
    store.writeBatch(batch);
  }

  /** -1 if object {@code object} is absent, {@code object} if it is read whole, else -2. */
  @Operation
  public int read(@Param(name = "object") int object) {
    Optional<byte[]> bytes = store.read(hashes.get(object));
    if (bytes.isEmpty()) {
      return -1;
    }
    return Arrays.equals(bytes.get(), objects[object]) ? object : WRONG_BYTES;
  }

  /** Whether object {@code object} is stored. */
  @Operation
  public boolean exists(@Param(name = "object") int object) {
    return store.exists(hashes.get(object));
  }

  /** The index of the object {@code ref} names, or -1. */
  @Operation
  public int getRef(@Param(name = "ref") int ref) {
    return index(store.getRef(REFS[ref]));
  }

  /** Points {@code ref} at object {@code value} (0..2; -1 counts as 0). */
  @Operation
  public void setRef(@Param(name = "ref") int ref, @Param(name = "value") int value) {
    store.setRef(REFS[ref], hashes.get(Math.max(0, value)));
  }

  /** Compare-and-set, -1 meaning absent on either side (so it creates and deletes too). */
  @Operation
  public boolean testAndSetRef(
      @Param(name = "ref") int ref,
      @Param(name = "value") int expected,
      @Param(name = "value") int replacement) {
    return store.testAndSetRef(REFS[ref], value(expected), value(replacement));
  }

  /** Deletes {@code ref} if it names object {@code expected}. */
  @Operation
  public boolean deleteRef(@Param(name = "ref") int ref, @Param(name = "value") int expected) {
    return store.testAndSetRef(REFS[ref], hashes.get(Math.max(0, expected)), null);
  }

  /** The sorted ref names. */
  @Operation
  public List<String> listRefs() {
    return store.listRefs();
  }

  /** The sequential specification: a set of objects and a sorted map from ref to object. */
  public static class Model {
    private final Set<Integer> objects = new HashSet<>();
    private final Map<String, Integer> refs = new TreeMap<>();

    /** See {@link StoreOperations#put}. */
    public void put(int object) {
      objects.add(object);
    }

    /** See {@link StoreOperations#writeBatch}. */
    public void writeBatch(int first, int second) {
      objects.add(first);
      objects.add(second);
    }

    /** See {@link StoreOperations#read}. */
    public int read(int object) {
      return objects.contains(object) ? object : -1;
    }

    /** See {@link StoreOperations#exists}. */
    public boolean exists(int object) {
      return objects.contains(object);
    }

    /** See {@link StoreOperations#getRef}. */
    public int getRef(int ref) {
      return refs.getOrDefault(REFS[ref], -1);
    }

    /** See {@link StoreOperations#setRef}. */
    public void setRef(int ref, int value) {
      refs.put(REFS[ref], Math.max(0, value));
    }

    /** See {@link StoreOperations#testAndSetRef}. */
    public boolean testAndSetRef(int ref, int expected, int replacement) {
      int current = refs.getOrDefault(REFS[ref], -1);
      if (current != expected) {
        return false;
      }
      if (replacement < 0) {
        refs.remove(REFS[ref]);
      } else {
        refs.put(REFS[ref], replacement);
      }
      return true;
    }

    /** See {@link StoreOperations#deleteRef}. */
    public boolean deleteRef(int ref, int expected) {
      return testAndSetRef(ref, Math.max(0, expected), -1);
    }

    /** See {@link StoreOperations#listRefs}. */
    public List<String> listRefs() {
      return new ArrayList<>(refs.keySet());
    }
  }
}
