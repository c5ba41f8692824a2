package dev.cairn.postgres;

import dev.cairn.decorators.Decorators;
import dev.cairn.disk.DiskBackend;
import dev.cairn.disk.DiskOptions;
import dev.cairn.spi.Backend;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite against the real server: each store in a fresh schema, reopened on the
 * same schema; alone (with chunks small enough that the 16 MiB objects span many), through
 * {@code cache:}, and as the lower of {@code layered(upper=disk:…, lower=postgres:…)}.
 */
class PostgresConformanceIT {
  /** One fresh schema per store; reopening finds the schema again. */
  abstract static class OnServer extends ConformanceSuite {
    @TempDir Path root;
    private final Map<Backend, String> schemas =
        Collections.synchronizedMap(new IdentityHashMap<>());

    PostgresBackend postgres(String schema) {
      return PostgresBackend.open(TestServer.options(schema).hashAlgorithm(hashAlgorithm())
          .chunkSize(64 * 1024).poolSize(3).build());
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
      DiskBackend upper = DiskBackend.open(root.resolve(schema), DiskOptions.builder()
          .fsync(DiskOptions.Fsync.NEVER).segmentSize(64 * 1024).hashAlgorithm(hashAlgorithm())
          .build());
      return Decorators.layered(upper, postgres(schema));
    }
  }
}
