package dev.cairn.disk;

import dev.cairn.spi.Backend;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite, once per fsync mode, with small segments so that sealing happens. */
class DiskConformanceTest {
  abstract static class Mode extends ConformanceSuite {
    @TempDir Path root;
    private final AtomicInteger stores = new AtomicInteger();

    abstract DiskOptions.Fsync fsync();

    private DiskOptions options(HashAlgorithm algorithm) {
      return DiskOptions.builder()
          .fsync(fsync())
          .segmentSize(64 * 1024)
          .hashAlgorithm(algorithm)
          .build();
    }

    @Override
    protected Backend open(Seed seed) {
      Path dir = root.resolve("store-" + stores.incrementAndGet());
      return seed.writeTo(DiskBackend.open(dir, options(seed.algorithm())));
    }

    @Override
    protected Backend openIn(Path directory, HashAlgorithm algorithm) {
      return DiskBackend.open(directory, options(algorithm));
    }

    @Override
    protected boolean refsModelCheckable() {
      return false; // the ref journal does file I/O, which Lincheck's model checker rejects
    }

    @Override
    protected Backend reopen(Backend closed) {
      DiskBackend store = (DiskBackend) closed;
      return DiskBackend.open(store.directory(), store.options());
    }
  }

  @Nested
  class FsyncAlways extends Mode {
    @Override
    DiskOptions.Fsync fsync() {
      return DiskOptions.Fsync.ALWAYS;
    }
  }

  @Nested
  class FsyncBatch extends Mode {
    @Override
    DiskOptions.Fsync fsync() {
      return DiskOptions.Fsync.BATCH;
    }
  }

  @Nested
  class FsyncNever extends Mode {
    @Override
    DiskOptions.Fsync fsync() {
      return DiskOptions.Fsync.NEVER;
    }
  }
}
