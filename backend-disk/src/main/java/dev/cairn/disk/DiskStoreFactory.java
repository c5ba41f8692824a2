package dev.cairn.disk;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code disk} store type: {@code
 * disk:/path?fsync=always|batch|never&segment-size=128m&hash=sha256&verify=false&mode=read-write}.
 * Stateless and thread-safe.
 */
@AutoService(StoreFactory.class)
public final class DiskStoreFactory implements StoreFactory {
  static final StoreOption<String> FSYNC =
      StoreOption.choice(
          "fsync",
          "always",
          "when writes reach stable storage: always (every write, with group commit), batch (at"
              + " the end of writeBatch, on ref changes and flush), never (the OS decides; flush syncs)",
          "always",
          "batch",
          "never");
  static final StoreOption<Long> SEGMENT_SIZE =
      StoreOption.size(
          "segment-size",
          DiskOptions.DEFAULT_SEGMENT_SIZE,
          DiskOptions.MIN_SEGMENT_SIZE,
          DiskOptions.MAX_SEGMENT_SIZE,
          "size at which the active segment is sealed and indexed");
  static final StoreOption<String> HASH =
      StoreOption.hashAlgorithm(
          "hash algorithm: creates a new store with it (default sha256); an existing store must"
              + " match it");
  static final StoreOption<Boolean> VERIFY =
      StoreOption.bool(
          "verify", false, "re-hash every object read, besides checking its record checksum");
  static final StoreOption<String> MODE =
      StoreOption.mode(
          "read-write (one writer process) or read-only (beside a writer; reload() sees its"
              + " progress)");

  /** Creates the factory (for {@link java.util.ServiceLoader}). */
  public DiskStoreFactory() {}

  @Override
  public String name() {
    return "disk";
  }

  @Override
  public Shape shape() {
    return Shape.LEAF;
  }

  @Override
  public String description() {
    return "A durable log-structured store in a directory, with indexed segments, group commit"
        + " and crash recovery.";
  }

  /** 512 MiB: a record's length field and the 32-bit offsets of an index bound it. */
  @Override
  public java.util.OptionalLong maxObjectSize() {
    return java.util.OptionalLong.of(Record.MAX_PAYLOAD);
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of(FSYNC, SEGMENT_SIZE, HASH, VERIFY, MODE);
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    String location =
        spec.locator()
            .orElseThrow(
                () ->
                    new StoreConfigurationException(
                        "'disk' needs a directory, as in disk:/var/cairn; got " + spec));
    Path directory = context.directory("disk", location);
    DiskOptions.Builder options =
        DiskOptions.builder()
            .fsync(DiskOptions.Fsync.valueOf(spec.get(FSYNC).toUpperCase(Locale.ROOT)))
            .segmentSize(spec.get(SEGMENT_SIZE))
            .verify(spec.get(VERIFY))
            .readOnly(StoreOption.isReadOnly(spec.get(MODE)))
            .create(context.createsMissingStores());
    String hash = spec.options().get(HASH.name());
    if (hash != null) {
      options.hashAlgorithm(context.hashAlgorithm(hash));
    }
    return DiskBackend.open(directory, options.build());
  }
}
