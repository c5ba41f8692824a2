package dev.cairn.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreIOException;
import dev.cairn.stack.Cairn;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each failure is one clear line, quickly: none hangs, none loses what was stored. */
class ErrorsIT {
  @TempDir Path home;

  private static void oneLine(Throwable e, String... words) {
    assertThat(e.getMessage()).doesNotContain("\n").contains(words);
  }

  @Test
  void aServerThatIsDownIsOneLineWithinTheConnectTimeout() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    long start = System.nanoTime();
    Throwable e =
        catching(
            () ->
                Cairn.open(
                        "postgres://127.0.0.1:"
                            + port
                            + "/cairn?user=cairn&password=x&connect-timeout=2")
                    .close());
    assertThat(e).isInstanceOf(StoreIOException.class);
    oneLine(e, "postgres://127.0.0.1:" + port + "/cairn", "open", "refused");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aWrongPasswordIsOneLineAndNeverShowsThePassword() {
    Throwable e =
        catching(
            () ->
                Cairn.open(
                        TestServer.spec(TestServer.freshSchema(), "")
                            .replace("password=cairn-test", "password=not-the-secret"))
                    .close());
    assertThat(e).isInstanceOf(StoreIOException.class);
    oneLine(e, "password authentication failed for user \"cairn\"", "check the password");
    assertThat(e.getMessage()).doesNotContain("not-the-secret");
  }

  @Test
  void aMissingDatabaseIsOneLine() {
    Throwable e =
        catching(
            () ->
                Cairn.open(
                        TestServer.spec(TestServer.freshSchema(), "")
                            .replace("/cairn?", "/no_such_db?"))
                    .close());
    oneLine(e, "database \"no_such_db\" does not exist");
  }

  @Test
  void aUserWithoutTheRightToCreateTheSchemaIsOneLine() {
    Throwable e =
        catching(
            () ->
                PostgresBackend.open(
                        TestServer.options(TestServer.freshSchema())
                            .user("reader")
                            .password(TestServer.PASSWORDS.get("reader"))
                            .build())
                    .close());
    assertThat(e).isInstanceOf(StoreIOException.class);
    oneLine(e, "permission denied", "lacks a privilege");
  }

  @Test
  void aConflictingHashIsAConfigurationError() {
    String schema = TestServer.freshSchema();
    TestServer.open(schema, HashAlgorithm.SHA1).close();
    Throwable e = catching(() -> TestServer.open(schema, HashAlgorithm.SHA256).close());
    assertThat(e).isInstanceOf(StoreConfigurationException.class);
    oneLine(e, "holds sha1 objects, but hash=sha256");
    try (PostgresBackend store = PostgresBackend.open(TestServer.options(schema).build())) {
      assertThat(store.hashAlgorithm().name()).isEqualTo("sha1");
    }
  }

  @Test
  void theDriversPasswordFileIsReadWhenNoPasswordIsGiven() throws Exception {
    Path pgpass =
        Files.writeString(
            home.resolve("pgpass"),
            "127.0.0.1:"
                + TestServer.PORT
                + ":cairn:cairn:"
                + TestServer.PASSWORDS.get("cairn")
                + "\n");
    Files.setPosixFilePermissions(
        pgpass, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
    try (Backend store =
        new PostgresStoreFactory(name -> null)
            .create(
                dev.cairn.spi.StoreSpec.leaf(
                    "postgres",
                    "//127.0.0.1:" + TestServer.PORT + "/cairn",
                    Map.of("user", "cairn", "schema", TestServer.freshSchema())),
                Map.of(),
                dev.cairn.spi.StoreContext.standard())) {
      assertThat(store.listRefs()).isEmpty();
    } finally {
      System.clearProperty("org.postgresql.pgpassfile");
    }
  }

  @Test
  void aConnectionLostMidBatchFailsTheBatchWholeInOneLineAndTheStoreGoesOn() throws Exception {
    String schema = TestServer.freshSchema();
    try (PostgresBackend store = TestServer.open(schema, Child.ALGORITHM);
        Connection admin = TestServer.connect("postgres")) {
      Map<Hash, byte[]> batch = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        batch.putAll(Child.batch("lost " + i, 0));
      }
      CompletableFuture<Void> write = CompletableFuture.runAsync(() -> store.writeBatch(batch));
      int killed = 0;
      try (PreparedStatement kill =
          admin.prepareStatement(
              "SELECT pg_terminate_backend(pid)"
                  + " FROM pg_stat_activity WHERE application_name = 'cairn' AND usename = 'cairn'"
                  + " AND state <> 'idle' AND query LIKE 'INSERT INTO ' || ? || '%'")) {
        kill.setString(1, "\"" + schema + "\"");
        while (!write.isDone() && killed == 0) {
          try (var r = kill.executeQuery()) {
            while (r.next()) {
              killed++;
            }
          }
        }
      }
      Throwable e = catching(() -> write.get(60, TimeUnit.SECONDS));
      assertThat(killed).as("the batch's connection was terminated").isPositive();
      assertThat(e).hasCauseInstanceOf(StoreIOException.class);
      oneLine(e.getCause(), store.toString() + ": writeBatch");
      for (Hash hash : batch.keySet()) {
        assertThat(store.exists(hash)).isFalse();
      }
      store.writeBatch(batch); // the pool replaced the connection
      assertThat(store.exists(batch.keySet().iterator().next())).isTrue();
    }
  }

  @Test
  void theSchemaVersionOfALaterReleaseIsRefused() throws Exception {
    String schema = TestServer.freshSchema();
    TestServer.open(schema, HashAlgorithm.SHA256).close();
    try (Connection c = TestServer.connect("cairn");
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE \"" + schema + "\".meta SET value = '99'" + " WHERE key = 'schema-version'");
    }
    Throwable e = catching(() -> TestServer.open(schema, HashAlgorithm.SHA256).close());
    assertThat(e).isInstanceOf(StoreConfigurationException.class);
    oneLine(e, "schema version 99, newer than this release reads (1)");
  }

  interface Action {
    void run() throws Exception;
  }

  static Throwable catching(Action action) {
    try {
      action.run();
    } catch (Throwable e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }
}
