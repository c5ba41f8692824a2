package dev.cairn.disk;

import dev.cairn.decorators.Decorators;
import dev.cairn.spi.Backend;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite through the decorators: cache over disk, verify over disk, layered. */
class DiskStackConformanceTest {
  abstract static class Stack extends ConformanceSuite {
    @TempDir Path root;
    private final AtomicInteger stores = new AtomicInteger();
    private final Map<Backend, List<Path>> directories =
        java.util.Collections.synchronizedMap(new IdentityHashMap<>());

    abstract Backend build(List<DiskBackend> disks);

    abstract int disks();

    private DiskBackend disk(Path dir) {
      return DiskBackend.open(
          dir,
          DiskOptions.builder()
              .fsync(DiskOptions.Fsync.NEVER)
              .segmentSize(64 * 1024)
              .hashAlgorithm(hashAlgorithm())
              .build());
    }

    private Backend open(List<Path> dirs) {
      List<DiskBackend> opened = dirs.stream().map(this::disk).toList();
      Backend store = build(opened);
      directories.put(store, dirs);
      return store;
    }

    @Override
    protected Backend open(Seed seed) {
      int n = stores.incrementAndGet();
      List<Path> dirs = new java.util.ArrayList<>();
      for (int i = 0; i < disks(); i++) {
        dirs.add(root.resolve("stack-" + n + "-" + i));
      }
      return seed.writeTo(open(dirs));
    }

    @Override
    protected Backend reopen(Backend closed) {
      return open(directories.get(closed));
    }

    @Override
    protected Backend openIn(Path directory, HashAlgorithm algorithm) {
      List<Path> dirs = new java.util.ArrayList<>();
      for (int i = 0; i < disks(); i++) {
        dirs.add(directory.resolve("disk-" + i));
      }
      return open(dirs);
    }

    @Override
    protected boolean refsModelCheckable() {
      return false;
    }
  }

  @Nested
  class CacheOverDisk extends Stack {
    @Override
    Backend build(List<DiskBackend> disks) {
      return Decorators.cache(disks.get(0), 100);
    }

    @Override
    int disks() {
      return 1;
    }
  }

  @Nested
  class VerifyOverDisk extends Stack {
    @Override
    Backend build(List<DiskBackend> disks) {
      return Decorators.verify(disks.get(0));
    }

    @Override
    int disks() {
      return 1;
    }
  }

  @Nested
  class LayeredDiskOverDisk extends Stack {
    @Override
    Backend build(List<DiskBackend> disks) {
      return Decorators.layered(disks.get(0), disks.get(1));
    }

    @Override
    int disks() {
      return 2;
    }
  }
}
