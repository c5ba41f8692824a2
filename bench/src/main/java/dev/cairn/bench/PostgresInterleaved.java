package dev.cairn.bench;

import dev.cairn.postgres.PostgresBackend;
import dev.cairn.postgres.PostgresOptions;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The ratios of {@link PostgresBenchmark}, measured so that a busy machine cannot tilt them: the
 * store and hand-written pgjdbc take turns, batch by batch and read by read, in one thread on one
 * server. {@code java -cp … dev.cairn.bench.PostgresInterleaved PORT PASSWORD [ROUNDS]} prints
 * milliseconds per batch of 100 objects of 1 KiB (durable) and microseconds per point read, each
 * side, and the store's throughput as a fraction of pgjdbc's.
 */
public final class PostgresInterleaved {
  private PostgresInterleaved() {}

  /** Arguments: port, password of the role cairn, rounds (default 500). */
  public static void main(String[] args) throws SQLException {
    int port = Integer.parseInt(args[0]);
    String password = args[1];
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    long run = System.nanoTime() % 1_000_000_000L;
    String schema = "inter_" + run;
    String jdbcSchema = "inter_jdbc_" + run;
    PostgresOptions.Builder options =
        PostgresOptions.builder("127.0.0.1", "cairn")
            .port(port)
            .user("cairn")
            .password(password)
            .hashAlgorithm(HashAlgorithm.SHA256)
            .poolSize(1);
    PostgresBackend.open(options.schema(jdbcSchema).build()).close();
    Properties p = new Properties();
    p.setProperty("user", "cairn");
    p.setProperty("password", password);
    p.setProperty("reWriteBatchedInserts", "true");
    SplittableRandom random = new SplittableRandom(run);
    try (PostgresBackend store = PostgresBackend.open(options.schema(schema).build());
        Connection c =
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/cairn", p);
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO "
                    + jdbcSchema
                    + ".objects (hash, size, data) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING");
        PreparedStatement select =
            c.prepareStatement("SELECT data FROM " + jdbcSchema + ".objects WHERE hash = ?")) {
      long[] ingest = new long[2];
      long[] read = new long[2];
      List<Hash> written = new java.util.ArrayList<>();
      List<Hash> writtenByHand = new java.util.ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        boolean measured = r >= rounds / 5;
        Map<Hash, byte[]> ours = batch(random);
        Map<Hash, byte[]> theirs = batch(random);
        long t0 = System.nanoTime();
        store.writeBatch(ours);
        long t1 = System.nanoTime();
        c.setAutoCommit(false);
        for (Map.Entry<Hash, byte[]> e : theirs.entrySet()) {
          insert.setBytes(1, e.getKey().toBytes());
          insert.setLong(2, e.getValue().length);
          insert.setBytes(3, e.getValue());
          insert.addBatch();
        }
        insert.executeBatch();
        c.commit();
        c.setAutoCommit(true);
        long t2 = System.nanoTime();
        written.addAll(ours.keySet());
        writtenByHand.addAll(theirs.keySet());
        if (measured) {
          ingest[0] += t1 - t0;
          ingest[1] += t2 - t1;
        }
      }
      // Reads of present objects: each side from its own table, of the same size.
      for (int r = 0; r < rounds * 20; r++) {
        int i = random.nextInt(written.size());
        long t0 = System.nanoTime();
        store.read(written.get(i)).orElseThrow();
        long t1 = System.nanoTime();
        select.setBytes(1, writtenByHand.get(i).toBytes());
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
        }
        long t2 = System.nanoTime();
        if (r >= rounds * 4) {
          read[0] += t1 - t0;
          read[1] += t2 - t1;
        }
      }
      int batches = rounds - rounds / 5;
      int reads = rounds * 16;
      System.out.printf(
          "ingest (100 x 1 KiB, durable): cairn %.2f ms/batch, pgjdbc %.2f"
              + " ms/batch: cairn at %.2fx pgjdbc%n",
          ingest[0] / 1e6 / batches, ingest[1] / 1e6 / batches, (double) ingest[1] / ingest[0]);
      System.out.printf(
          "point reads: cairn %.1f us, pgjdbc %.1f us: cairn at %.2fx pgjdbc%n",
          read[0] / 1e3 / reads, read[1] / 1e3 / reads, (double) read[1] / read[0]);
    }
  }

  private static Map<Hash, byte[]> batch(SplittableRandom random) {
    Map<Hash, byte[]> batch = new LinkedHashMap<>();
    for (int i = 0; i < PostgresBenchmark.BATCH; i++) {
      byte[] data = new byte[1024];
      random.nextBytes(data);
      batch.put(HashAlgorithm.SHA256.hash(data), data);
    }
    return batch;
  }
}
