package dev.cairn.reliability;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.cairn.spi.Backend;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.CairnConfiguration;
import dev.cairn.testkit.StoreOperations;
import java.nio.file.FileSystem;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Family 7 (races), part one: Lincheck model checking of objects and refs together ({@link
 * StoreOperations}) for whole stacks opened by spec. File stores run on Jimfs, a file system of
 * plain Java objects, so that the model checker sees (and switches threads at) every lock and
 * shared access down to the bytes of the files; on the default file system it cannot follow the
 * JDK's native channels. Each invocation opens a new stack on a new Jimfs.
 *
 * <p>Bounded in CI (5 scenarios x 20 interleavings for {@code memory:}, 2 or 3 x 10 for each stack
 * with files, which cost several times more an invocation: about 3 minutes for the class on a
 * loaded 2-core machine); {@code -Pfull} runs 20 x 30 and 5 or 6 x 30; {@code
 * -Dcairn.races.scenarios=N} and {@code -Dcairn.races.interleavings=M} set both for every stack.
 * Lincheck checks never run in parallel with each other: StoreOperations serializes them.
 *
 * <p>Run as atomic steps, not explored inside: cairn-storage's {@code DurableFiles} (Lincheck 3.7
 * refuses any call on a {@code FileChannel}, even Jimfs's, where it explores; every channel call of
 * the disk store is in DurableFiles) and Caffeine (a tested library, not what is checked; explored,
 * one invocation takes minutes and trips Lincheck's hang detector in its maintenance). Everything
 * else of the stack is explored: the decorators, the disk store's locks, group commit, segment view
 * and ref journal, the volume archive, and Jimfs's file tree outside channel calls.
 */
@Tag("reliability")
class RacesModelCheckTest {
  /**
   * Run as atomic steps: the disk store's I/O seam (every call it makes on a file channel is in
   * there; Lincheck refuses such calls where it explores), the directory lock (its check reads the
   * lock file's attributes before every commit) and Caffeine (not what is checked here, and
   * exploring its maintenance takes minutes an invocation).
   */
  private static final String[] ATOMIC = {
    "dev.cairn.storage.DurableFiles",
    "com.github.benmanes.caffeine.",
    "dev.cairn.storage.DirectoryLock"
  };

  /** Scenarios, and interleavings of each, for memory: and for the stacks with files. */
  private static final int MEMORY_SCENARIOS = Budget.scale("cairn.races.scenarios", 5, 20);

  private static final int MEMORY_INTERLEAVINGS = Budget.scale("cairn.races.interleavings", 20, 30);
  private static final int FILE_SCENARIOS = Budget.scale("cairn.races.scenarios", 2, 5);
  private static final int FILE_INTERLEAVINGS = Budget.scale("cairn.races.interleavings", 10, 30);

  @Test
  void memory() {
    modelCheck("memory:", MEMORY_SCENARIOS, MEMORY_INTERLEAVINGS);
  }

  @Test
  void disk() {
    modelCheck("disk:/store", FILE_SCENARIOS + 1, FILE_INTERLEAVINGS);
  }

  @Test
  void cacheOverDisk() {
    modelCheck("cache(capacity=2):disk:/store", FILE_SCENARIOS, FILE_INTERLEAVINGS);
  }

  @Test
  void layeredDiskOverMemory() {
    modelCheck("layered(upper=disk:/upper, lower=memory:)", FILE_SCENARIOS, FILE_INTERLEAVINGS);
  }

  @Test
  void layeredDiskOverLower() {
    modelCheck(
        "layered(upper=disk:/upper, lower=lower:/lower)", FILE_SCENARIOS, FILE_INTERLEAVINGS);
  }

  private static void modelCheck(String spec, int scenarios, int interleavings) {
    AtomicLong opened = new AtomicLong();
    Figures figures = Figures.of("races model-check " + spec);
    try {
      StoreOperations.modelCheck(onJimfs(spec, opened), scenarios, interleavings, ATOMIC);
      figures.add("violations", 0);
    } catch (AssertionError e) {
      figures.add("violations", 1);
      throw e;
    } finally {
      figures.add("runs", 1).add("scenarios", scenarios).add("invocations", opened.get()).report();
    }
  }

  /** Opens {@code spec} on a new Jimfs each time: no store sees another's files. */
  static Callable<Backend> onJimfs(String spec, AtomicLong opened) {
    return () -> {
      FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
      opened.incrementAndGet();
      return Cairn.open(spec, CairnConfiguration.builder().fileSystem(fs).build());
    };
  }
}
