package dev.cairn.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreIOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names and options with quotes, semicolons and comment markers never reach SQL as text: the server
 * logs every statement of a role made for this test, and the hostile text shows up only among the
 * bound parameters, never in a statement.
 */
class HostileInputIT {
  private static final String MARK = "zq9";
  private static final List<String> NAMES =
      List.of(
          "refs/heads/" + MARK + "a';DROP-TABLE-refs;--",
          "refs/heads/" + MARK + "b\"x\"#--",
          "refs/tags/" + MARK + "c$$;SELECT-pg_sleep(10);$$",
          "refs/" + MARK + "d';--\"");

  @Test
  void hostileRefNamesAreBoundParametersOnly() throws Exception {
    String role = "audited_" + TestServer.freshSchema();
    try (Connection admin = TestServer.connect("postgres");
        Statement s = admin.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'audited'");
      s.execute("GRANT CONNECT, CREATE ON DATABASE cairn TO " + role);
      s.execute("ALTER ROLE " + role + " SET log_statement = 'all'");
    }
    String schema = TestServer.freshSchema();
    try (PostgresBackend store =
        PostgresBackend.open(TestServer.options(schema).user(role).password("audited").build())) {
      Hash a = store.put(("hostile " + MARK).getBytes());
      Hash b = store.put("other".getBytes());
      for (String name : NAMES) {
        store.setRef(name, a);
        assertThat(store.testAndSetRef(name, a, b)).isTrue();
        assertThat(store.getRef(name)).contains(b);
      }
      assertThat(store.listRefs()).containsExactlyElementsOf(NAMES.stream().sorted().toList());
      assertThat(store.testAndSetRef(NAMES.get(0), b, null)).isTrue();
      assertThat(store.listRefs()).hasSize(NAMES.size() - 1);
    }
    List<String> log = TestServer.logLines();
    List<String> statements =
        log.stream().filter(l -> l.contains("execute") && l.contains(schema)).toList();
    assertThat(statements).as("the role's statements are logged").isNotEmpty();
    List<String> mentions = log.stream().filter(l -> l.contains(MARK)).toList();
    assertThat(mentions).as("the hostile names reached the server").isNotEmpty();
    assertThat(mentions).allSatisfy(line -> assertThat(line).contains("parameters:"));
  }

  @Test
  void hostileSchemaNamesAreRefusedAndHostileDatabaseAndUserNamesAreOnlyNames() {
    for (String schema :
        List.of("x\";DROP SCHEMA public;--", "a b", "Cairn", "x/*y*/", "", "s'--")) {
      Throwable e = ErrorsIT.catching(() -> TestServer.options(schema));
      assertThat(e)
          .isInstanceOf(StoreConfigurationException.class)
          .hasMessageContaining("schema")
          .hasMessageContaining("[a-z0-9_]");
    }
    Throwable database =
        ErrorsIT.catching(
            () ->
                PostgresBackend.open(
                        PostgresOptions.builder("127.0.0.1", "cairn'; DROP DATABASE cairn; --")
                            .port(TestServer.PORT)
                            .user("cairn")
                            .password(TestServer.PASSWORDS.get("cairn"))
                            .build())
                    .close());
    assertThat(database)
        .isInstanceOf(StoreIOException.class)
        .hasMessageContaining("database \"cairn'; DROP DATABASE cairn; --\" does not exist");
    Throwable user =
        ErrorsIT.catching(
            () ->
                PostgresBackend.open(TestServer.options("s").user("cairn\"; --").build()).close());
    assertThat(user)
        .isInstanceOf(StoreIOException.class)
        .hasMessageContaining("password authentication failed");
    try (PostgresBackend store = TestServer.open(TestServer.freshSchema(), Child.ALGORITHM)) {
      assertThat(store.listRefs()).isEmpty(); // the database is still there
    }
  }
}
