package dev.cairn.lower;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreSpec;
import dev.cairn.spi.StoreStats;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite over {@code lower:}, read-only by hash. The fixture archives the seed's
 * objects (archive + swap) and opens the directory through the {@code lower} factory.
 *
 * <p>A lower holds no refs, but the suite seeds some; the fixture lays the seed's refs over the
 * store (see {@link SeedRefs}) and forwards every other operation, checks included, to the lower
 * itself.
 */
class LowerConformanceTest extends ConformanceSuite {
  private static Path base;

  @BeforeAll
  static void createBase() throws IOException {
    base = Files.createTempDirectory("lower-conformance");
  }

  @AfterAll
  static void deleteBase() throws IOException {
    try (Stream<Path> files = Files.walk(base)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** The options the fixture opens the lower with. */
  protected Map<String, String> options() {
    return Map.of("volumes", "-1");
  }

  @Override
  protected Backend open(Seed seed) throws IOException {
    Path root = Files.createTempDirectory(base, "store");
    try (VolumeArchive writer =
        VolumeArchive.builder(root).hashAlgorithm(seed.algorithm()).volumes(0).open()) {
      writer.addVolume();
      List<ArchiveEntry> entries =
          seed.objects().entrySet().stream()
              .map(e -> new ArchiveEntry(e.getKey(), e.getValue()))
              .toList();
      Archived archived = writer.archive(root, 1, 0, entries.iterator());
      writer.swap(archived.volumeId(), 1, 1);
    }
    return new SeedRefs(root, seed.refs(), openLower(root));
  }

  @Override
  protected Backend reopen(Backend closed) {
    SeedRefs store = (SeedRefs) closed;
    return new SeedRefs(store.root, store.refs, openLower(store.root));
  }

  @Override
  protected void damage(Backend closed, Hash hash, byte[] data) throws IOException {
    if (flipByteInFiles(((SeedRefs) closed).root, data) == 0) {
      throw new AssertionError("no copy of " + hash + " in the files of " + closed);
    }
  }

  private Backend openLower(Path root) {
    return new LowerFactory()
        .create(
            StoreSpec.leaf("lower", root.toString(), options()), Map.of(), StoreContext.standard());
  }

  /**
   * The lower with the seed's refs laid over it: {@code getRef} and {@code listRefs} ask the lower
   * first (so its name, closed and algorithm checks apply) and then add the seed's refs; everything
   * else is the lower's.
   */
  static final class SeedRefs implements Backend {
    final Path root;
    final Map<String, Hash> refs;
    private final Backend lower;

    SeedRefs(Path root, Map<String, Hash> refs, Backend lower) {
      this.root = root;
      this.refs = new TreeMap<>(refs);
      this.lower = lower;
    }

    @Override
    public HashAlgorithm hashAlgorithm() {
      return lower.hashAlgorithm();
    }

    @Override
    public Optional<byte[]> read(Hash hash) {
      return lower.read(hash);
    }

    @Override
    public void write(Hash hash, byte[] data) {
      lower.write(hash, data);
    }

    @Override
    public Hash put(byte[] data) {
      return lower.put(data);
    }

    @Override
    public boolean exists(Hash hash) {
      return lower.exists(hash);
    }

    @Override
    public Optional<Hash> getRef(String name) {
      return lower.getRef(name).or(() -> Optional.ofNullable(refs.get(name)));
    }

    @Override
    public void setRef(String name, Hash hash) {
      lower.setRef(name, hash);
    }

    @Override
    public boolean testAndSetRef(String name, Hash expected, Hash replacement) {
      return lower.testAndSetRef(name, expected, replacement);
    }

    @Override
    public List<String> listRefs() {
      List<String> own = lower.listRefs();
      return Stream.concat(own.stream(), refs.keySet().stream()).distinct().sorted().toList();
    }

    @Override
    public void writeBatch(Map<Hash, byte[]> objects) {
      lower.writeBatch(objects);
    }

    @Override
    public void flush() {
      lower.flush();
    }

    @Override
    public void close() {
      lower.close();
    }

    @Override
    public Optional<StoreStats> stats() {
      return lower.stats();
    }

    @Override
    public Set<Capability> capabilities() {
      return lower.capabilities();
    }

    @Override
    public String toString() {
      return lower.toString();
    }
  }
}
