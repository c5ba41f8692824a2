package dev.cairn.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.spi.GarbageCollection;
import dev.cairn.spi.GcOptions;
import dev.cairn.spi.Hash;
import dev.cairn.stack.Cairn;
import dev.cairn.stack.CairnConfiguration;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.FaultyFileSystem;
import dev.cairn.testkit.Seed;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite over a whole stack, {@code cache:layered(upper=disk:…, lower=lower:…)},
 * opened by spec on a {@link FaultyFileSystem} whose reads and writes all move fewer bytes than
 * asked: every loop over short transfers in the stack is exercised, every file the stack uses goes
 * through the file system the host gave it, and none is left open after close.
 */
class FaultyFileSystemStackTest extends ConformanceSuite {
  @TempDir Path root;
  private final FaultyFileSystem fileSystem = FaultyFileSystem.create(8);
  private final AtomicInteger stores = new AtomicInteger();
  private final Map<Backend, Path> directories =
      Collections.synchronizedMap(new IdentityHashMap<>());

  private Backend open(Path directory) {
    Path faulty = fileSystem.path(directory);
    String spec =
        "cache(capacity=64):layered(upper=disk:"
            + faulty.resolve("upper")
            + "?segment-size=64k&hash="
            + hashAlgorithm().name()
            + ", lower=lower:"
            + faulty.resolve("lower")
            + "?hash="
            + hashAlgorithm().name()
            + ")";
    Backend store =
        Cairn.open(
            spec, CairnConfiguration.builder().fileSystem(fileSystem.shortTransfers(true)).build());
    directories.put(store, directory);
    return store;
  }

  @Override
  protected Backend open(Seed seed) {
    Backend store = seed.writeTo(open(root.resolve("stack-" + stores.incrementAndGet())));
    // Unreachable seeded objects move to the lower, so reads cross both stores.
    store.feature(GarbageCollection.class).orElseThrow().gc(GcOptions.defaults());
    return store;
  }

  @Override
  protected Backend reopen(Backend closed) {
    return open(directories.get(closed));
  }

  @Override
  protected boolean refsModelCheckable() {
    return false;
  }

  @Override
  protected void damage(Backend closed, Hash hash, byte[] data) throws java.io.IOException {
    if (flipByteInFiles(directories.get(closed), data) == 0) {
      throw new AssertionError("no copy of " + hash + " in the files of " + closed);
    }
  }

  @AfterEach
  void everyFileWasClosed() {
    directories.keySet().forEach(Backend::close);
    assertThat(fileSystem.openFiles()).isEmpty();
  }
}
