package dev.cairn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.Hash;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.CairnConfiguration;
import dev.cairn.testkit.FaultyFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The family "interrupted creation" (issue 19, item 5): a new stack, {@code disk:} alone and {@code
 * cache:layered(disk, lower)}, is created and written once on a {@link FaultyFileSystem} that stops
 * at the k-th I/O operation and then loses power (a kill -9 or a power cut in the middle of
 * creation), or that runs out of space after b bytes. Once the fault is gone the same spec must
 * open, take a write and a ref, and hold the first write if it was acknowledged: an interrupted
 * creation never bricks the directory.
 *
 * <p>Bounded: every k until creation completes, and about 30 space budgets per stack; {@code
 * -Pfull} every budget from 0 to 4 KiB.
 */
@Tag("reliability")
class InterruptedCreationStackTest {
  private static final byte[] FIRST = "the first object".getBytes(StandardCharsets.UTF_8);
  private static final int SPACE_STEP = Budget.scale(137, 17);

  @TempDir Path root;

  @Test
  void aCreationStoppedAtAnyOperationThenPowerCutOpensAgain() throws IOException {
    Figures figures = Figures.of("interrupted creation: stopped at the k-th I/O, power cut");
    List<String> violations = new ArrayList<>();
    for (boolean layered : new boolean[] {false, true}) {
      for (long k = 1; ; k++) {
        Path directory = root.resolve((layered ? "layered-" : "disk-") + k);
        boolean acknowledged;
        boolean reached;
        try (FaultyFileSystem fs = FaultyFileSystem.create(k)) {
          long base = fs.operations();
          fs.failOperationsFrom(base + k);
          acknowledged = createAndWrite(fs, directory, layered);
          reached = fs.operations() - base >= k;
          fs.powerLoss(FaultyFileSystem.Loss.RANDOM);
          fs.heal();
          check(fs, directory, layered, acknowledged, "k=" + k, violations);
        }
        figures.add("points", 1);
        if (acknowledged && !reached) {
          break; // the creation and the write went through before k
        }
      }
    }
    figures.add("violations", violations.size()).report();
    assertEquals(List.of(), violations.subList(0, Math.min(20, violations.size())));
  }

  @Test
  void aCreationOnAFullDiskOpensOnceSpaceIsFreed() throws IOException {
    Figures figures = Figures.of("interrupted creation: disk full");
    List<String> violations = new ArrayList<>();
    for (boolean layered : new boolean[] {false, true}) {
      for (int space = 0; space <= 4096; space += SPACE_STEP) {
        Path directory = root.resolve((layered ? "full-layered-" : "full-disk-") + space);
        try (FaultyFileSystem fs = FaultyFileSystem.create(space)) {
          fs.spaceLimit(space);
          boolean acknowledged = createAndWrite(fs, directory, layered);
          fs.heal();
          check(fs, directory, layered, acknowledged, "space=" + space, violations);
        }
        figures.add("points", 1);
      }
    }
    figures.add("violations", violations.size()).report();
    assertEquals(List.of(), violations.subList(0, Math.min(20, violations.size())));
  }

  private static String spec(FaultyFileSystem fs, Path directory, boolean layered) {
    Path dir = fs.path(directory);
    return layered
        ? "cache(capacity=16):layered(upper=disk:"
            + dir.resolve("upper")
            + "?segment-size=64k, lower=lower:"
            + dir.resolve("lower")
            + ")"
        : "disk:" + dir.resolve("disk") + "?segment-size=64k";
  }

  /** Creates the stack and puts {@link #FIRST}; whether the put was acknowledged. */
  private static boolean createAndWrite(FaultyFileSystem fs, Path directory, boolean layered) {
    CairnConfiguration config = CairnConfiguration.builder().fileSystem(fs).build();
    boolean acknowledged = false;
    try (Backend store = Cairn.open(spec(fs, directory, layered), config)) {
      store.put(FIRST);
      acknowledged = true;
    } catch (CairnException e) {
      // The fault, at creation, at the write or at close: what it left is checked next.
    }
    return acknowledged;
  }

  private static void check(
      FaultyFileSystem fs,
      Path directory,
      boolean layered,
      boolean acknowledged,
      String point,
      List<String> violations) {
    CairnConfiguration config = CairnConfiguration.builder().fileSystem(fs).build();
    String where = (layered ? "layered " : "disk ") + point;
    try (Backend store = Cairn.open(spec(fs, directory, layered), config)) {
      Hash first = store.hashAlgorithm().hash(FIRST);
      if (acknowledged && store.read(first).isEmpty()) {
        violations.add(where + ": the acknowledged first object is gone");
      }
      Hash next = store.put("after the fault".getBytes(StandardCharsets.UTF_8));
      store.setRef("refs/heads/main", next);
      if (!store.getRef("refs/heads/main").equals(Optional.of(next))) {
        violations.add(where + ": the ref set after reopening is not there");
      }
    } catch (CairnException e) {
      violations.add(where + ": reopening failed: " + e.getMessage());
    }
    assertTrue(fs.openFiles().isEmpty(), where + ": files left open " + fs.openFiles());
  }
}
