package dev.cairn.testkit;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jspecify.annotations.Nullable;

/**
 * The ref operations of a store as a Lincheck test: two refs, three values, and every operation on
 * them, checked for linearizability against {@link Model}, a sorted map.
 *
 * <p>Lincheck builds instances reflectively, so the store to test is handed over in a static field
 * for the duration of {@link #check}; checks never run in parallel.
 */
@Param(name = "ref", gen = IntGen.class, conf = "0:1")
@Param(name = "value", gen = IntGen.class, conf = "-1:2")
public class RefOperations {
  private static final String[] REFS = {"refs/heads/main", "refs/tags/v1"};
  private static volatile @Nullable Callable<Backend> opener;

  /** Held by every Lincheck check of the testkit: its instrumentation is global to the JVM. */
  static final Object ONE_CHECK_AT_A_TIME = new Object();

  private static final List<Backend> OPENED = new ArrayList<>();

  private final Backend store;
  private final List<Hash> values;

  /** Opens a store with the opener installed by {@link #check}. */
  public RefOperations() throws Exception {
    Callable<Backend> current = opener;
    if (current == null) {
      throw new IllegalStateException("RefOperations runs only inside RefOperations.check");
    }
    this.store = current.call();
    synchronized (OPENED) {
      OPENED.add(store);
    }
    this.values = values(store.hashAlgorithm());
  }

  private static List<Hash> values(HashAlgorithm algorithm) {
    List<Hash> values = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      values.add(algorithm.hash(new byte[] {(byte) i}));
    }
    return values;
  }

  /**
   * Model-checks the ref operations of stores from {@code opener}.
   *
   * @param scale 1 for a CI run; larger multiplies the number of scenarios
   * @throws AssertionError (from Lincheck) describing a non-linearizable execution
   */
  static void check(Callable<Backend> opener, int scale, Class<?> suite) {
    try {
      run(
          opener,
          new ModelCheckingOptions().iterations(10 * scale).invocationsPerIteration(100 * scale));
    } catch (Throwable e) {
      if (refusedFileIo(e)) {
        throw new AssertionError(
            "Lincheck's model checker cannot follow the store's file I/O ("
                + "it refuses java.nio.channels and java.io files): override refsModelCheckable() "
                + "in "
                + suite.getName()
                + " to return false, and the suite stress-tests the "
                + "store's refs on real threads instead",
            e);
      }
      throw e;
    }
  }

  /** Whether {@code e} is Lincheck refusing file I/O rather than finding a bug of the store. */
  static boolean refusedFileIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("File operations are not supported")
          || message.contains("caught a bug in Lincheck")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Stress-tests the ref operations of stores from {@code opener} with Lincheck on real threads:
   * for stores whose I/O Lincheck's model checker cannot follow.
   *
   * @param scale 1 for a CI run; larger multiplies the number of scenarios
   * @throws AssertionError (from Lincheck) describing a non-linearizable execution
   */
  static void stress(Callable<Backend> opener, int scale) {
    run(
        opener,
        new StressOptions()
            .iterations(10 * scale)
            .invocationsPerIteration(10 * scale)); // each invocation opens a store: files, fsyncs
  }

  /** Runs one Lincheck check of the scenario shape shared by every mode. */
  private static <O extends Options<O, ?>> void run(Callable<Backend> opener, O options) {
    synchronized (ONE_CHECK_AT_A_TIME) {
      RefOperations.opener = opener;
      try {
        options
            .threads(2)
            .actorsPerThread(3)
            .actorsBefore(1)
            .actorsAfter(1)
            .sequentialSpecification(Model.class)
            .check(RefOperations.class);
      } finally {
        RefOperations.opener = null;
        synchronized (OPENED) {
          OPENED.forEach(Backend::close);
          OPENED.clear();
        }
      }
    }
  }

  private @Nullable Hash value(int index) {
    return index < 0 ? null : values.get(index);
  }

  private int index(Optional<Hash> hash) {
    return hash.map(values::indexOf).orElse(-1);
  }

  /** The index of the value {@code ref} holds, or -1. */
  @Operation
  public int getRef(@Param(name = "ref") int ref) {
    return index(store.getRef(REFS[ref]));
  }

  /** Sets {@code ref} to value {@code value} (0..2). */
  @Operation
  public void setRef(@Param(name = "ref") int ref, @Param(name = "value") int value) {
    store.setRef(REFS[ref], values.get(Math.max(0, value)));
  }

  /** Compare-and-set with -1 meaning absent on either side. */
  @Operation
  public boolean testAndSetRef(
      @Param(name = "ref") int ref,
      @Param(name = "value") int expected,
      @Param(name = "value") int replacement) {
    return store.testAndSetRef(REFS[ref], value(expected), value(replacement));
  }

  /** The sorted ref names. */
  @Operation
  public List<String> listRefs() {
    return store.listRefs();
  }

  /** The sequential specification: a sorted map from ref to value index. */
  public static class Model {
    private final Map<String, Integer> refs = new TreeMap<>();

    /** See {@link RefOperations#getRef}. */
    public int getRef(int ref) {
      return refs.getOrDefault(REFS[ref], -1);
    }

    /** See {@link RefOperations#setRef}. */
    public void setRef(int ref, int value) {
      refs.put(REFS[ref], Math.max(0, value));
    }

    /** See {@link RefOperations#testAndSetRef}. */
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

    /** See {@link RefOperations#listRefs}. */
    public List<String> listRefs() {
      return new ArrayList<>(refs.keySet());
    }
  }
}
