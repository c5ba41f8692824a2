package dev.cairn.bench;

import dev.cairn.postgres.PostgresBackend;
import dev.cairn.postgres.PostgresOptions;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The postgres: store against hand-written pgjdbc on the same server and the same table shape, 1
 * KiB objects: durable batch ingest (100 objects per operation, one committed transaction) and
 * point reads by key. Run by {@code bench/postgres.sh}, which starts a throwaway server; the pool
 * size follows JMH's thread count ({@code -t}). At the end of each trial it prints the bytes the
 * objects' tables take in the database divided by the payload written.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PostgresBenchmark {
  static final int BATCH = 100;
  static final int READ_KEYS = 20_000;

  /** The server's port on 127.0.0.1. */
  @Param("5432")
  public int port;

  /** The password of the role {@code cairn}. */
  @Param("cairn-test")
  public String password;

  /** Bytes per object. */
  @Param("1024")
  public int valueSize;

  /** The pool size of the store: set it to JMH's thread count. */
  @Param("1")
  public int pool;

  private PostgresBackend store;
  private String schema;
  private String jdbcSchema;
  private Hash[] keys;
  private final AtomicLong counter = new AtomicLong();
  private final AtomicLong payload = new AtomicLong();

  /** Opens the store (a fresh schema) and a second schema of the same shape for pgjdbc. */
  @Setup(Level.Trial)
  public void open() {
    long run = System.nanoTime() % 1_000_000_000L;
    schema = "bench_" + run;
    jdbcSchema = "bench_jdbc_" + run;
    store = PostgresBackend.open(options(schema).poolSize(pool).build());
    PostgresBackend.open(options(jdbcSchema).build()).close();
    keys = new Hash[READ_KEYS];
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < READ_KEYS; i++) {
      byte[] data = value(-1 - i);
      keys[i] = HashAlgorithm.SHA256.hash(data);
      batch.put(keys[i], data);
      if (batch.size() == 1000) {
        store.writeBatch(batch);
        writeJdbc(batch);
        batch.clear();
      }
    }
  }

  private PostgresOptions.Builder options(String name) {
    return PostgresOptions.builder("127.0.0.1", "cairn")
        .port(port)
        .user("cairn")
        .password(password)
        .schema(name)
        .hashAlgorithm(HashAlgorithm.SHA256);
  }

  private byte[] value(long n) {
    byte[] data = new byte[valueSize];
    new SplittableRandom(n).nextBytes(data);
    ByteBuffer.wrap(data).putLong(n);
    return data;
  }

  private Map<Hash, byte[]> nextBatch() {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < BATCH; i++) {
      byte[] data = value(counter.incrementAndGet());
      batch.put(HashAlgorithm.SHA256.hash(data), data);
    }
    payload.addAndGet((long) BATCH * valueSize);
    return batch;
  }

  /** One connection per thread for the hand-written side, as a pool would give it. */
  @State(Scope.Thread)
  public static class Jdbc {
    Connection connection;
    PreparedStatement insert;
    PreparedStatement select;

    /** Connects. */
    @Setup(Level.Trial)
    public void connect(PostgresBenchmark bench) throws SQLException {
      connection = bench.connect();
      insert =
          connection.prepareStatement(
              "INSERT INTO "
                  + bench.jdbcSchema
                  + ".objects (hash, size, data) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING");
      select =
          connection.prepareStatement(
              "SELECT data FROM " + bench.jdbcSchema + ".objects WHERE hash = ?");
    }

    /** Disconnects. */
    @TearDown(Level.Trial)
    public void close() throws SQLException {
      connection.close();
    }
  }

  Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "cairn");
    p.setProperty("password", password);
    p.setProperty("reWriteBatchedInserts", "true");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/cairn", p);
  }

  private void writeJdbc(Map<Hash, byte[]> batch) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + jdbcSchema
                    + ".objects (hash, size, data) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      c.setAutoCommit(false);
      for (Map.Entry<Hash, byte[]> e : batch.entrySet()) {
        s.setBytes(1, e.getKey().toBytes());
        s.setLong(2, e.getValue().length);
        s.setBytes(3, e.getValue());
        s.addBatch();
      }
      s.executeBatch();
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Durable ingest through the store: one writeBatch of 100 objects. */
  @Benchmark
  public void ingestCairn() {
    store.writeBatch(nextBatch());
  }

  /** Durable ingest by hand: the same 100 rows, one pgjdbc batch, one commit. */
  @Benchmark
  public void ingestJdbc(Jdbc jdbc) throws SQLException {
    Connection c = jdbc.connection;
    c.setAutoCommit(false);
    for (Map.Entry<Hash, byte[]> e : nextBatch().entrySet()) {
      jdbc.insert.setBytes(1, e.getKey().toBytes());
      jdbc.insert.setLong(2, e.getValue().length);
      jdbc.insert.setBytes(3, e.getValue());
      jdbc.insert.addBatch();
    }
    jdbc.insert.executeBatch();
    c.commit();
  }

  /** A point read of a present object through the store. */
  @Benchmark
  public byte[] readCairn() {
    return store.read(keys[ThreadLocalRandom.current().nextInt(keys.length)]).orElseThrow();
  }

  /** A point read by hand: a prepared SELECT by key. */
  @Benchmark
  public byte[] readJdbc(Jdbc jdbc) throws SQLException {
    jdbc.connection.setAutoCommit(true);
    jdbc.select.setBytes(1, keys[ThreadLocalRandom.current().nextInt(keys.length)].toBytes());
    try (ResultSet r = jdbc.select.executeQuery()) {
      r.next();
      return r.getBytes(1);
    }
  }

  /** Prints the bytes in the database per byte of payload, then closes the store. */
  @TearDown(Level.Trial)
  public void close() throws SQLException {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_total_relation_size(to_regclass(?)), (SELECT sum(size) FROM "
                    + schema
                    + ".objects)")) {
      s.setString(1, schema + ".objects");
      try (ResultSet r = s.executeQuery()) {
        r.next();
        System.out.printf(
            "%nbytes in the database / payload (%s.objects): %d / %d = %.2f%n",
            schema, r.getLong(1), r.getLong(2), (double) r.getLong(1) / r.getLong(2));
      }
    }
    store.close();
  }
}
