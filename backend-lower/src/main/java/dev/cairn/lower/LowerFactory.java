package dev.cairn.lower;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import dev.cairn.storage.Compression;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link VolumeArchive}s from specs such as {@code lower:/var/cairn/lower?volumes=3}.
 * Stateless and thread-safe.
 */
@AutoService(StoreFactory.class)
public final class LowerFactory implements StoreFactory {
  static final StoreOption<Long> VOLUMES =
      StoreOption.number(
          "volumes",
          -1,
          -1,
          1_000_000,
          "the number of volumes expected on disk; -1 opens every volume.N directory found");
  static final StoreOption<String> MODE =
      StoreOption.mode(
          "read-write (one writer process: archive, swap, addVolume) or read-only (beside a writer,"
              + " every write operation of the lower layer rejected)");
  static final StoreOption<String> HASH =
      StoreOption.hashAlgorithm(
          "the hash algorithm the archive must hold; by default the one its control files record,"
              + " sha256 for a new archive");
  static final StoreOption<Long> OPEN_FILES =
      StoreOption.number(
          "open-files",
          VolumeArchive.DEFAULT_OPEN_FILES,
          1,
          65_536,
          "the most volume data files kept open at once for reading");
  static final StoreOption<String> COMPRESSION =
      StoreOption.choice(
          "compression",
          Compression.defaultValue().optionValue(),
          "how archived records are stored: zstd per record (auto, zstd) or raw (none); raw"
              + " wherever compressing does not pay, and every codec is read whatever is chosen",
          "none",
          "zstd",
          "auto");

  /** Creates the factory; {@link java.util.ServiceLoader} calls this. */
  public LowerFactory() {}

  @Override
  public String name() {
    return "lower";
  }

  @Override
  public Shape shape() {
    return Shape.LEAF;
  }

  @Override
  public String description() {
    return "An archive of volumes that garbage collection moves unreachable objects into;"
        + " read-only by hash.";
  }

  /**
   * What one volume record holds whatever the digest (up to 64 bytes): a record's size must fit in
   * a signed 32-bit int.
   */
  @Override
  public java.util.OptionalLong maxObjectSize() {
    return java.util.OptionalLong.of(Integer.MAX_VALUE - ArchiveRecord.FRAMING - 64);
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of(VOLUMES, MODE, HASH, OPEN_FILES, COMPRESSION);
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    String path =
        spec.locator()
            .orElseThrow(
                () ->
                    new StoreConfigurationException(
                        "'lower' needs the archive's directory, as in lower:/var/cairn/lower"));
    Path root = context.directory("lower", path);
    VolumeArchive.Builder builder =
        VolumeArchive.builder(root)
            .volumes(Math.toIntExact(spec.get(VOLUMES)))
            .readOnly(StoreOption.isReadOnly(spec.get(MODE)))
            .openFiles(Math.toIntExact(spec.get(OPEN_FILES)))
            .compression(Compression.parse(spec.get(COMPRESSION)))
            .create(context.createsMissingStores())
            .hashAlgorithms(context.hashAlgorithms());
    String hash = spec.options().get(HASH.name());
    if (hash != null) {
      builder.hashAlgorithm(context.hashAlgorithm(hash));
    }
    return builder.open();
  }
}
