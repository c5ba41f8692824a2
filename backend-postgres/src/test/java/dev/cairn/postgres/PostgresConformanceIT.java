package dev.cairn.postgres;

import dev.cairn.decorators.Decorators;
import dev.cairn.disk.DiskBackend;
import dev.cairn.disk.DiskOptions;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite against the real server: each store in a fresh schema, reopened on the same
 * schema; alone (with chunks small enough that the 16 MiB objects span many), through {@code
 * cache:}, and as the lower of {@code layered(upper=disk:…, lower=postgres:…)}.
 */
class PostgresConformanceIT {
  /** One fresh schema per store; reopening finds the schema again. */
  abstract static class OnServer extends ConformanceSuite {
    @TempDir Path root;
    private final Map<Backend, String> schemas =
        Collections.synchronizedMap(new IdentityHashMap<>());

    PostgresBackend postgres(String schema) {
      PostgresBackend store =
          PostgresBackend.open(
              TestServer.options(schema)
                  .hashAlgorithm(hashAlgorithm())
                  .chunkSize(64 * 1024)
                  .poolSize(3)
                  .gcGrace(Duration.ZERO)
                  .build());
      store.writerMargin = Duration.ZERO; // the suite compacts right after writing
      return store;
    }

    abstract Backend build(String schema);

    @Override
    protected Backend open(Seed seed) {
      String schema = TestServer.freshSchema();
      Backend store = build(schema);
      schemas.put(store, schema);
      return seed.writeTo(store);
    }

    @Override
    protected Backend reopen(Backend closed) {
      String schema = schemas.get(closed);
      Backend store = build(schema);
      schemas.put(store, schema);
      return store;
    }

    /**
     * Flips a byte of the object where the stack keeps it: in the files of a layered stack's disk
     * upper, else the first byte of its row (or of its first chunk), behind the store's back.
     */
    @Override
    protected void damage(Backend closed, Hash hash, byte[] data) throws Exception {
      Path upper = root.resolve(schemas.get(closed));
      if (Files.isDirectory(upper) && flipByteInFiles(upper, data) > 0) {
        return;
      }
      String schema = '"' + schemas.get(closed) + '"';
      try (Connection c = TestServer.connect("cairn")) {
        int rows;
        try (PreparedStatement s =
            c.prepareStatement(
                "UPDATE "
                    + schema
                    + ".objects SET data ="
                    + " set_byte(data, 0, get_byte(data, 0) # 1) WHERE hash = ? AND data IS NOT NULL")) {
          s.setBytes(1, hash.toBytes());
          rows = s.executeUpdate();
        }
        if (rows == 0) {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE "
                      + schema
                      + ".chunks SET data ="
                      + " set_byte(data, 0, get_byte(data, 0) # 1) WHERE hash = ? AND seq = 0")) {
            s.setBytes(1, hash.toBytes());
            rows = s.executeUpdate();
          }
        }
        if (rows != 1) {
          throw new AssertionError("no row of object " + hash + " in schema " + schema);
        }
      }
    }

    @Override
    protected boolean refsModelCheckable() {
      return false; // the driver's socket I/O is beyond Lincheck's model checker
    }
  }

  @Nested
  class Alone extends OnServer {
    @Override
    Backend build(String schema) {
      return postgres(schema);
    }
  }

  @Nested
  class CacheOverPostgres extends OnServer {
    @Override
    Backend build(String schema) {
      return Decorators.cache(postgres(schema), 100);
    }
  }

  @Nested
  class LayeredDiskOverPostgres extends OnServer {
    @Override
    Backend build(String schema) {
      DiskBackend upper =
          DiskBackend.open(
              root.resolve(schema),
              DiskOptions.builder()
                  .fsync(DiskOptions.Fsync.NEVER)
                  .segmentSize(64 * 1024)
                  .hashAlgorithm(hashAlgorithm())
                  .build());
      return Decorators.layered(upper, postgres(schema));
    }
  }
}
