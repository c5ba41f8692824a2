package dev.cairn.postgres;

import dev.cairn.spi.HashAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the build started for the tests ({@code src/test/scripts/pg-server.sh}, run
 * by Maven before the integration tests): its port, its roles, fresh schemas, and ways to crash and
 * restart it. The state directory comes from the system property {@code cairn.pg.dir}.
 */
final class TestServer {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

  static final Path STATE = Path.of(required("cairn.pg.dir"));
  static final int PORT = Integer.parseInt(read("port"));
  static final Map<String, String> PASSWORDS = passwords();

  private TestServer() {}

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "system property "
              + property
              + " is not set: run these"
              + " tests through Maven (./mvnw verify -pl backend-postgres -am), which starts the"
              + " server");
    }
    return value;
  }

  static String read(String file) {
    try {
      return Files.readString(STATE.resolve(file)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the test server's state ("
              + STATE
              + ") has no "
              + file
              + ": did pg-server.sh start run?",
          e);
    }
  }

  private static Map<String, String> passwords() {
    Map<String, String> users = new HashMap<>();
    for (String line : read("users").split("\n")) {
      String[] parts = line.strip().split(" ");
      users.put(parts[0], parts[1]);
    }
    return users;
  }

  /** A schema name no other test of any run has used. */
  static String freshSchema() {
    return "t" + RUN + "_" + SCHEMAS.incrementAndGet();
  }

  /** The spec of the store in {@code schema}, as the test role, with {@code extra} options. */
  static String spec(String schema, String extra) {
    return "postgres://127.0.0.1:"
        + PORT
        + "/cairn?user=cairn&password="
        + PASSWORDS.get("cairn")
        + "&schema="
        + schema
        + (extra.isEmpty() ? "" : "&" + extra);
  }

  /** Options for the store in {@code schema} as the test role. */
  static PostgresOptions.Builder options(String schema) {
    return PostgresOptions.builder("127.0.0.1", "cairn")
        .port(PORT)
        .user("cairn")
        .password(PASSWORDS.get("cairn"))
        .schema(schema)
        .connectTimeout(Duration.ofSeconds(30))
        .socketTimeout(Duration.ofSeconds(30));
  }

  static PostgresBackend open(String schema, HashAlgorithm algorithm) {
    return PostgresBackend.open(options(schema).hashAlgorithm(algorithm).build());
  }

  /** A plain JDBC connection as {@code user} to database {@code cairn}. */
  static Connection connect(String user) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + PORT + "/cairn", user, PASSWORDS.get(user));
  }

  /** Runs the server script with {@code command} (start, restart, stop). */
  static void script(String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("bash", required("cairn.pg.script"), command, STATE.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("pg-server.sh " + command + " failed: " + out);
    }
  }

  /** The postmaster's process id. */
  static long postmasterPid() throws IOException {
    Path pidFile = Path.of(read("cluster"), "data", "postmaster.pid");
    return Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
  }

  /** The server's log. */
  static Path log() {
    return Path.of(read("cluster"), "server.log");
  }

  /** Every line of the server log. */
  static List<String> logLines() throws IOException {
    return Files.readAllLines(log());
  }
}
