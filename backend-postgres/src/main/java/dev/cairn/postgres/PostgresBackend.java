package dev.cairn.postgres;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.spi.AbstractBackend;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Compaction;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithms;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.spi.StoredObject;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.jdbcurlresolver.PgPassParser;

/**
 * A store in PostgreSQL: objects and refs in tables of one schema, shared by any number of
 * processes on any number of machines (see {@link Tables} for the layout).
 *
 * <p><b>Durability.</b> Every write, batch and ref change is one committed transaction when it
 * returns, as durable as the server makes commits ({@code synchronous_commit}). {@link #writeBatch}
 * is all-or-nothing after a crash of the writer or of the server: its rows are inserted in one
 * transaction, in hash order (so concurrent batches never deadlock), retried on a serialization
 * failure or deadlock.
 *
 * <p><b>Refs</b> change by one statement per operation under READ COMMITTED ({@code INSERT … ON
 * CONFLICT DO NOTHING} to create, {@code UPDATE … WHERE target = ?} to update, {@code DELETE …
 * WHERE target = ?} to delete), which the server makes linearizable across every client.
 *
 * <p><b>Compaction</b> ({@link Compaction}) runs one at a time per schema across all processes (an
 * advisory lock). It marks the objects {@code keep} rejects, and deletes only those marked at least
 * the grace period ago; a writer that writes a marked object again clears its mark, and an object
 * written after the compaction began is never marked.
 *
 * <p><b>Errors.</b> A server that is down, a wrong password, a missing database, a missing
 * privilege or a lost connection surface as a {@link StoreIOException} of one line; connecting and
 * every network read are bounded by the options' timeouts. The pool replaces broken connections, so
 * the store works again once the server is back, without being reopened.
 *
 * <p>Thread-safe; at most {@link PostgresOptions#poolSize()} operations talk to the server at once.
 */
public final class PostgresBackend extends AbstractBackend
    implements Compaction, ObjectEnumeration {
  private static final int PAGE = 1000;
  private static final int ATTEMPTS = 8;

  /** The most objects written by one multi-row statement (3 parameters each, of 65535). */
  private static final int ONE_STATEMENT = 1000;

  private final PostgresOptions options;
  private final String description;
  private final HikariDataSource pool;
  private final Tables tables;
  private final int chunkSize;

  private PostgresBackend(
      PostgresOptions options, HashAlgorithm algorithm, HikariDataSource pool, Tables tables) {
    super(
        options.describe(),
        algorithm,
        EnumSet.of(Capability.WRITE_OBJECTS, Capability.WRITE_REFS, Capability.PERSISTENT));
    this.options = options;
    this.description = options.describe();
    this.pool = pool;
    this.tables = tables;
    this.chunkSize = options.chunkSize();
  }

  /**
   * Opens the store, creating its schema and tables on first use (as one transaction, so processes
   * opening it at once agree), with the algorithms the SPI's class loader finds.
   *
   * @throws StoreConfigurationException if the store holds objects of another algorithm than the
   *     one asked for, or was written by a later release (a newer schema version)
   * @throws StoreIOException in one line if the server cannot be reached, refuses the login or the
   *     database, or the user lacks a privilege
   */
  public static PostgresBackend open(PostgresOptions options) {
    return open(options, HashAlgorithms.standard());
  }

  static PostgresBackend open(PostgresOptions options, HashAlgorithms algorithms) {
    requireNonNull(options, "options");
    requireNonNull(algorithms, "algorithms");
    Tables tables = new Tables(options.schema());
    HikariDataSource pool = pool(options);
    try {
      HashAlgorithm algorithm = prepare(options, algorithms, pool, tables);
      return new PostgresBackend(options, algorithm, pool, tables);
    } catch (RuntimeException | Error e) {
      pool.close();
      throw e;
    }
  }

  private static HikariDataSource pool(PostgresOptions options) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setServerNames(new String[] {options.host()});
    source.setPortNumbers(new int[] {options.port()});
    source.setDatabaseName(options.database());
    options.user().ifPresent(source::setUser);
    String password =
        options
            .password()
            .orElseGet(
                () ->
                    PgPassParser.getPassword(
                        options.host(),
                        String.valueOf(options.port()),
                        options.database(),
                        options.user().orElse(System.getProperty("user.name"))));
    if (password != null) {
      source.setPassword(password);
    }
    source.setSslmode(options.sslMode().driverName());
    int connect = (int) Math.max(1, options.connectTimeout().toSeconds());
    source.setConnectTimeout(connect);
    source.setLoginTimeout(connect);
    source.setSocketTimeout((int) Math.max(1, options.socketTimeout().toSeconds()));
    source.setTcpKeepAlive(true);
    source.setReWriteBatchedInserts(true);
    source.setApplicationName("cairn");

    HikariConfig config = new HikariConfig();
    config.setDataSource(source);
    config.setPoolName("cairn " + options.describe());
    config.setMaximumPoolSize(options.poolSize());
    config.setMinimumIdle(Math.min(1, options.poolSize()));
    config.setConnectionTimeout(options.connectTimeout().toMillis());
    config.setValidationTimeout(Math.min(5000, options.connectTimeout().toMillis()));
    config.setInitializationFailTimeout(1);
    config.setAutoCommit(true);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      // Hikari's PoolInitializationException: the server refused the first connection.
      throw ServerFailure.of(options.describe(), "open", e);
    }
  }

  /** Creates or checks the layout; returns the store's algorithm. */
  private static HashAlgorithm prepare(
      PostgresOptions options, HashAlgorithms algorithms, HikariDataSource pool, Tables tables) {
    String store = options.describe();
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock =
            c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
          lock.setString(1, tables.lockKey("create"));
          lock.execute();
        }
        Map<String, String> meta = new HashMap<>();
        boolean exists;
        try (PreparedStatement s = c.prepareStatement(tables.metaTable())) {
          s.setString(1, tables.metaName());
          try (ResultSet r = s.executeQuery()) {
            exists = r.next() && r.getString(1) != null;
          }
        }
        if (exists) {
          try (PreparedStatement s = c.prepareStatement(tables.readMeta());
              ResultSet r = s.executeQuery()) {
            while (r.next()) {
              meta.put(r.getString(1), r.getString(2));
            }
          }
        } else {
          boolean lz4 = lz4(c);
          try (Statement s = c.createStatement()) {
            for (String ddl : tables.create(lz4)) {
              s.execute(ddl);
            }
          }
          String name = options.hashAlgorithm().map(HashAlgorithm::name).orElse("sha256");
          try (PreparedStatement s = c.prepareStatement(tables.writeMeta())) {
            s.setString(1, "schema-version");
            s.setString(2, String.valueOf(Tables.VERSION));
            s.addBatch();
            s.setString(1, "hash");
            s.setString(2, name);
            s.addBatch();
            s.executeBatch();
          }
          meta.put("schema-version", String.valueOf(Tables.VERSION));
          meta.put("hash", name);
        }
        c.commit();
        return check(store, meta, options, algorithms);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw ServerFailure.of(store, "open", e);
    }
  }

  private static boolean lz4(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
                    + " AND 'lz4' = ANY(enumvals)")) {
      return r.next();
    }
  }

  private static HashAlgorithm check(
      String store, Map<String, String> meta, PostgresOptions options, HashAlgorithms algorithms) {
    String version = meta.get("schema-version");
    if (version == null || !version.matches("[0-9]{1,9}")) {
      throw new StoreConfigurationException(
          store
              + ": the schema holds tables that are not a"
              + " Cairn store (no schema-version in its meta table)");
    }
    if (Integer.parseInt(version) > Tables.VERSION) {
      throw new StoreConfigurationException(
          store
              + ": the store has schema version "
              + version
              + ", newer than this release reads ("
              + Tables.VERSION
              + "); upgrade Cairn");
    }
    String recorded = meta.get("hash");
    if (recorded == null) {
      throw new StoreConfigurationException(store + ": the store records no hash algorithm");
    }
    if (options.hashAlgorithm().isPresent()
        && !options.hashAlgorithm().get().name().equals(recorded)) {
      throw new StoreConfigurationException(
          store
              + ": the store holds "
              + recorded
              + " objects, but hash="
              + options.hashAlgorithm().get().name()
              + " was asked for");
    }
    try {
      return options.hashAlgorithm().orElseGet(() -> algorithms.get(recorded));
    } catch (IllegalArgumentException e) {
      throw new StoreConfigurationException(
          store
              + ": the store's hash algorithm '"
              + recorded
              + "' is not available here: "
              + e.getMessage(),
          e);
    }
  }

  /** The options the store was opened with. */
  public PostgresOptions options() {
    return options;
  }

  // ---- objects --------------------------------------------------------------------------------

  @Override
  protected Optional<byte[]> readObject(Hash hash) {
    return call(
        "read",
        c -> {
          long size;
          byte[] data;
          try (PreparedStatement s = c.prepareStatement(tables.readObject())) {
            s.setBytes(1, hash.toBytes());
            try (ResultSet r = s.executeQuery()) {
              if (!r.next()) {
                return Optional.empty();
              }
              size = r.getLong(1);
              data = r.getBytes(2);
            }
          }
          if (data != null) {
            if (data.length != size) {
              throw new CorruptionException(
                  tables.objectsName(),
                  0,
                  "object " + hash + " has " + data.length + " bytes, but its row says " + size);
            }
            return Optional.of(checked(hash, data, tables.objectsName()));
          }
          return readChunked(c, hash, size).map(bytes -> checked(hash, bytes, tables.chunksName()));
        });
  }

  /**
   * {@code data} if it hashes to {@code hash}: a damaged page or a row changed behind the store's
   * back is reported, never served. Hashing costs microseconds against the round trip.
   */
  private byte[] checked(Hash hash, byte[] data, String table) {
    if (!hashAlgorithm().hash(data).equals(hash)) {
      throw new CorruptionException(
          table,
          0,
          "object "
              + hash
              + " does not hash to its name:"
              + " its bytes in the database were changed or damaged");
    }
    return data;
  }

  private Optional<byte[]> readChunked(Connection c, Hash hash, long size) throws SQLException {
    if (size > Integer.MAX_VALUE - 8) {
      throw new CorruptionException(
          tables.objectsName(),
          0,
          "object " + hash + " claims " + size + " bytes, more than an array holds");
    }
    byte[] out = new byte[(int) size];
    int filled = 0;
    c.setAutoCommit(false); // a cursor: at most a few chunks in memory at a time
    try (PreparedStatement s = c.prepareStatement(tables.readChunks())) {
      s.setFetchSize(4);
      s.setBytes(1, hash.toBytes());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          byte[] chunk = r.getBytes(1);
          if (filled + chunk.length > out.length) {
            throw new CorruptionException(
                tables.chunksName(),
                filled,
                "the chunks of object " + hash + " hold more than its " + size + " bytes");
          }
          System.arraycopy(chunk, 0, out, filled, chunk.length);
          filled += chunk.length;
        }
      }
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
    if (filled != out.length) {
      if (!containsObject(hash)) {
        return Optional.empty(); // deleted by a compaction between the two reads
      }
      throw new CorruptionException(
          tables.chunksName(),
          filled,
          "the chunks of object " + hash + " hold " + filled + " of its " + size + " bytes");
    }
    return Optional.of(out);
  }

  @Override
  protected boolean containsObject(Hash hash) {
    return call(
        "exists",
        c -> {
          try (PreparedStatement s = c.prepareStatement(tables.objectExists())) {
            s.setBytes(1, hash.toBytes());
            try (ResultSet r = s.executeQuery()) {
              return r.next();
            }
          }
        });
  }

  @Override
  protected void writeObject(Hash hash, byte[] data) {
    if (data.length <= chunkSize) {
      call(
          "write",
          c -> {
            try (PreparedStatement s = c.prepareStatement(tables.writeObject())) {
              bindObject(s, hash, data);
              return s.executeUpdate();
            }
          });
    } else {
      writeObjects(Map.of(hash, data));
    }
  }

  @Override
  protected void writeObjects(Map<Hash, byte[]> objects) {
    // Hash order: two batches lock the rows they share in the same order, so never deadlock.
    TreeMap<Hash, byte[]> sorted = new TreeMap<>(objects);
    long small = sorted.values().stream().filter(d -> d.length <= chunkSize).count();
    if (small == sorted.size() && small <= ONE_STATEMENT) {
      writeInOneStatement(sorted);
      return;
    }
    transaction(
        "writeBatch",
        c -> {
          try (PreparedStatement s = c.prepareStatement(tables.writeObject())) {
            int pending = 0;
            for (Map.Entry<Hash, byte[]> e : sorted.entrySet()) {
              if (e.getValue().length <= chunkSize) {
                bindObject(s, e.getKey(), e.getValue());
                s.addBatch();
                if (++pending == PAGE) {
                  s.executeBatch();
                  pending = 0;
                }
              }
            }
            if (pending > 0) {
              s.executeBatch();
            }
          }
          for (Map.Entry<Hash, byte[]> e : sorted.entrySet()) {
            if (e.getValue().length > chunkSize) {
              writeChunked(c, e.getKey(), e.getValue());
            }
          }
          return sorted.size();
        });
  }

  /**
   * Writes a batch of small objects as one multi-row {@code INSERT}: a single statement is a
   * transaction of its own, so the batch is all or nothing with one round trip and no separate
   * commit. Retried on serialization failure or deadlock like a transaction.
   */
  private void writeInOneStatement(TreeMap<Hash, byte[]> sorted) {
    String sql = tables.writeObjects(sorted.size());
    call(
        "writeBatch",
        c ->
            retrying(
                c,
                attempt -> {
                  try (PreparedStatement s = attempt.prepareStatement(sql)) {
                    int i = 0;
                    for (Map.Entry<Hash, byte[]> e : sorted.entrySet()) {
                      s.setBytes(++i, e.getKey().toBytes());
                      s.setLong(++i, e.getValue().length);
                      s.setBytes(++i, e.getValue());
                    }
                    return s.executeUpdate();
                  }
                }));
  }

  private static void bindObject(PreparedStatement s, Hash hash, byte[] data) throws SQLException {
    s.setBytes(1, hash.toBytes());
    s.setLong(2, data.length);
    s.setBytes(3, data);
  }

  /** Writes a large object in chunks, within the caller's transaction. */
  private void writeChunked(Connection c, Hash hash, byte[] data) throws SQLException {
    while (true) {
      try (PreparedStatement s = c.prepareStatement(tables.createChunkedObject())) {
        s.setBytes(1, hash.toBytes());
        s.setLong(2, data.length);
        if (s.executeUpdate() == 1) {
          break;
        }
      }
      // Already stored (with its chunks, committed together): refresh it and clear any mark.
      try (PreparedStatement s = c.prepareStatement(tables.touchObject())) {
        s.setBytes(1, hash.toBytes());
        if (s.executeUpdate() == 1) {
          return;
        }
      }
      // Deleted by a compaction between the two statements: insert it afresh.
    }
    try (PreparedStatement s = c.prepareStatement(tables.writeChunk())) {
      int seq = 0;
      for (int offset = 0; offset < data.length; offset += chunkSize) {
        int length = Math.min(chunkSize, data.length - offset);
        s.setBytes(1, hash.toBytes());
        s.setInt(2, seq++);
        s.setBinaryStream(3, new ByteArrayInputStream(data, offset, length), length);
        s.executeUpdate();
      }
    }
  }

  // ---- refs -----------------------------------------------------------------------------------

  @Override
  protected Optional<Hash> readRef(String name) {
    return call(
        "getRef",
        c -> {
          try (PreparedStatement s = c.prepareStatement(tables.readRef())) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
              return r.next() ? Optional.of(target(name, r.getBytes(1))) : Optional.empty();
            }
          }
        });
  }

  private Hash target(String name, byte[] bytes) {
    if (bytes.length != hashAlgorithm().digestLength()) {
      throw new CorruptionException(
          tables.refs,
          0,
          "ref \""
              + name
              + "\" points at "
              + bytes.length
              + " bytes, not a "
              + hashAlgorithm().name()
              + " hash");
    }
    return Hash.of(hashAlgorithm(), bytes);
  }

  @Override
  protected void writeRef(String name, Hash hash) {
    call(
        "setRef",
        c -> {
          try (PreparedStatement s = c.prepareStatement(tables.setRef())) {
            s.setString(1, name);
            s.setBytes(2, hash.toBytes());
            return s.executeUpdate();
          }
        });
  }

  @Override
  protected boolean compareAndSetRef(
      String name, @Nullable Hash expected, @Nullable Hash replacement) {
    return call(
        "testAndSetRef",
        c -> {
          if (expected == null && replacement == null) {
            try (PreparedStatement s = c.prepareStatement(tables.readRef())) {
              s.setString(1, name);
              try (ResultSet r = s.executeQuery()) {
                return !r.next();
              }
            }
          }
          PreparedStatement s;
          if (expected == null) {
            s = c.prepareStatement(tables.createRef());
            s.setString(1, name);
            s.setBytes(
                2, requireNonNull(replacement, "replacement (both null returned above)").toBytes());
          } else if (replacement == null) {
            s = c.prepareStatement(tables.deleteRef());
            s.setString(1, name);
            s.setBytes(2, expected.toBytes());
          } else {
            s = c.prepareStatement(tables.updateRef());
            s.setBytes(1, replacement.toBytes());
            s.setString(2, name);
            s.setBytes(3, expected.toBytes());
          }
          try (s) {
            return s.executeUpdate() == 1;
          }
        });
  }

  @Override
  protected List<String> refNames() {
    return call(
        "listRefs",
        c -> {
          List<String> names = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(tables.listRefs());
              ResultSet r = s.executeQuery()) {
            while (r.next()) {
              names.add(r.getString(1));
            }
          }
          return names;
        });
  }

  // ---- enumeration and compaction ---------------------------------------------------------------

  @Override
  public void forEachObject(Consumer<? super StoredObject> visitor) {
    requireNonNull(visitor, "visitor");
    checkOpen("forEachObject");
    pages(null, row -> visitor.accept(new StoredObject(row.hash, row.size, tables.objectsName())));
  }

  /** One row of {@link Tables#objectPage()}. */
  private record Row(Hash hash, long size, boolean marked, boolean writtenBefore) {}

  /**
   * Visits every object in hash order, a page (one short statement) at a time; {@code before} (may
   * be null) is the time {@link Row#writtenBefore} compares with.
   */
  private void pages(@Nullable Timestamp before, Consumer<Row> visitor) {
    byte[] after = new byte[0];
    while (true) {
      byte[] from = after;
      List<Row> page =
          call(
              "forEachObject",
              c -> {
                List<Row> rows = new ArrayList<>(PAGE);
                try (PreparedStatement s = c.prepareStatement(tables.objectPage())) {
                  s.setTimestamp(1, before);
                  s.setBytes(2, from);
                  s.setInt(3, PAGE);
                  try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                      rows.add(
                          new Row(
                              Hash.of(hashAlgorithm(), r.getBytes(1)),
                              r.getLong(2),
                              r.getBoolean(3),
                              r.getBoolean(4)));
                    }
                  }
                }
                return rows;
              });
      page.forEach(visitor);
      if (page.size() < PAGE) {
        return;
      }
      after = page.get(page.size() - 1).hash.toBytes();
    }
  }

  /**
   * Marks every object {@code keep} rejects (unless it was written after this call began), clears
   * the mark of those it accepts, then deletes those marked at least the grace period ago and still
   * rejected. One compaction per schema at a time, across processes.
   *
   * @return kept and dropped counts; bytes are those of the two tables with their indexes (space of
   *     deleted rows is reused by the server after its vacuum, not returned at once)
   */
  /**
   * How much older than a compaction's start an object must be written to be dropped by it: a
   * second by default; tests that check what a compaction drops right after writing set zero.
   */
  volatile java.time.Duration writerMargin = java.time.Duration.ofSeconds(1);

  @Override
  public Result compact(Predicate<? super Hash> keep) {
    requireNonNull(keep, "keep");
    checkOpen("compact");
    try (Connection lock = pool.getConnection()) {
      // The server's time when this call began, less a margin (a second): an object written by
      // a call that began after this one was made has a later written_at even if the two calls'
      // messages travel at different speeds, so it is never marked.
      Timestamp began;
      try (PreparedStatement s = lock.prepareStatement("SELECT now() - make_interval(secs => ?)")) {
        s.setDouble(1, writerMargin.toMillis() / 1000.0);
        ResultSet r = s.executeQuery();
        r.next();
        began = r.getTimestamp(1);
        r.close();
      }
      lock(lock);
      try {
        return compact(keep, began);
      } finally {
        try (PreparedStatement u =
            lock.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
          u.setString(1, tables.lockKey("compact"));
          u.execute();
        }
      }
    } catch (SQLException e) {
      throw ServerFailure.of(description, "compact", e);
    }
  }

  /**
   * Takes this schema's compaction lock on {@code c}'s session (released when it ends, so a crashed
   * process never leaves it held), polling so that no read waits longer than the socket timeout.
   */
  private void lock(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
      s.setString(1, tables.lockKey("compact"));
      for (int attempt = 1; ; attempt++) {
        try (ResultSet r = s.executeQuery()) {
          r.next();
          if (r.getBoolean(1)) {
            return;
          }
        }
        checkOpen("compact");
        sleep(Math.min(attempt, 5));
      }
    }
  }

  private Result compact(Predicate<? super Hash> keep, Timestamp began) {
    long bytesBefore = bytesUsed();
    List<Hash> toMark = new ArrayList<>();
    List<Hash> toUnmark = new ArrayList<>();
    List<Hash> rejected = new ArrayList<>();
    long[] kept = new long[1];
    pages(
        began,
        row -> {
          if (keep.test(row.hash) || !row.writtenBefore) {
            kept[0]++;
            if (row.marked) {
              toUnmark.add(row.hash);
            }
          } else {
            rejected.add(row.hash);
            if (!row.marked) {
              toMark.add(row.hash);
            }
          }
        });
    each("compact", tables.unmark(), toUnmark, (s, h) -> s.setBytes(1, h.toBytes()));
    each(
        "compact",
        tables.mark(),
        toMark,
        (s, h) -> {
          s.setBytes(1, h.toBytes());
          s.setTimestamp(2, began);
        });
    double grace = options.gcGrace().toMillis() / 1000.0;
    long dropped =
        each(
            "compact",
            tables.deleteMarked(),
            rejected,
            (s, h) -> {
              s.setBytes(1, h.toBytes());
              s.setDouble(2, grace);
            });
    kept[0] += rejected.size() - dropped;
    return new Result(kept[0], dropped, bytesBefore, bytesUsed());
  }

  private interface Binder {
    void bind(PreparedStatement s, Hash hash) throws SQLException;
  }

  /** Runs {@code sql} for each hash, a page per transaction; returns the rows changed. */
  private long each(String operation, String sql, List<Hash> hashes, Binder binder) {
    long changed = 0;
    for (int from = 0; from < hashes.size(); from += PAGE) {
      List<Hash> page = hashes.subList(from, Math.min(hashes.size(), from + PAGE));
      changed +=
          transaction(
              operation,
              c -> {
                long n = 0;
                try (PreparedStatement s = c.prepareStatement(sql)) {
                  for (Hash h : page) {
                    binder.bind(s, h);
                    s.addBatch();
                  }
                  for (int count : s.executeBatch()) {
                    n += Math.max(0, count);
                  }
                }
                return n;
              });
    }
    return changed;
  }

  private long bytesUsed() {
    return call(
        "compact",
        c -> {
          try (PreparedStatement s = c.prepareStatement(tables.bytesUsed())) {
            s.setString(1, tables.objectsName());
            s.setString(2, tables.chunksName());
            try (ResultSet r = s.executeQuery()) {
              r.next();
              return r.getLong(1);
            }
          }
        });
  }

  // ---- connections ----------------------------------------------------------------------------

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} on a pooled connection in autocommit mode. */
  private <T> T call(String operation, Work<T> work) {
    checkOpen(operation);
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw ServerFailure.of(description, operation, e);
    }
  }

  /** Runs {@code work} as one transaction, retried on serialization failure or deadlock. */
  private <T> T transaction(String operation, Work<T> work) {
    return call(
        operation,
        c -> {
          c.setAutoCommit(false);
          try {
            return retrying(
                c,
                attempt -> {
                  try {
                    T result = work.run(attempt);
                    attempt.commit();
                    return result;
                  } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(attempt, e);
                    throw e;
                  }
                });
          } finally {
            if (!c.isClosed()) {
              try {
                c.setAutoCommit(true);
              } catch (SQLException ignored) {
                // The connection is broken; the pool discards it.
              }
            }
          }
        });
  }

  /** Runs {@code work}, again (at most 8 times in all) on a serialization failure or deadlock. */
  private static <T> T retrying(Connection c, Work<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return work.run(c);
      } catch (SQLException e) {
        if (!ServerFailure.retryable(e) || attempt == ATTEMPTS) {
          throw e;
        }
        sleep(attempt);
      }
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void sleep(int attempt) {
    try {
      Thread.sleep(Math.min(200, 5L << attempt) + (long) (Math.random() * 10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected void closeStore() {
    pool.close();
  }
}
