package dev.cairn.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreSpec;
import dev.cairn.stack.Cairn;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spec of postgres: read into options, without a server. */
class PostgresStoreFactoryTest {
  private static PostgresOptions options(String spec, Map<String, String> environment) {
    return new PostgresStoreFactory(environment::get)
        .options(Cairn.parse(spec), StoreContext.standard());
  }

  @Test
  void theLocatorGivesHostPortAndDatabase() {
    PostgresOptions o =
        options(
            "postgres://db.example.com:6543/objects?schema=team_a"
                + "&user=svc&pool-size=3&ssl-mode=verify-full&hash=sha1&gc-grace=60&chunk-size=4m"
                + "&connect-timeout=3&socket-timeout=30",
            Map.of());
    assertThat(o.host()).isEqualTo("db.example.com");
    assertThat(o.port()).isEqualTo(6543);
    assertThat(o.database()).isEqualTo("objects");
    assertThat(o.schema()).isEqualTo("team_a");
    assertThat(o.user()).contains("svc");
    assertThat(o.poolSize()).isEqualTo(3);
    assertThat(o.sslMode()).isEqualTo(PostgresOptions.SslMode.VERIFY_FULL);
    assertThat(o.hashAlgorithm().orElseThrow().name()).isEqualTo("sha1");
    assertThat(o.gcGrace()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.chunkSize()).isEqualTo(4 << 20);
    assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.socketTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theDefaultsAndAnIpv6Host() {
    PostgresOptions o = options("postgres://[::1]/db", Map.of());
    assertThat(o.host()).isEqualTo("::1");
    assertThat(o.port()).isEqualTo(5432);
    assertThat(o.schema()).isEqualTo("cairn");
    assertThat(o.poolSize()).isEqualTo(8);
    assertThat(o.gcGrace()).isEqualTo(Duration.ofHours(1));
    assertThat(o.describe()).isEqualTo("postgres://[::1]:5432/db?schema=cairn");
  }

  @Test
  void thePasswordComesFromTheOptionElseTheVariablePasswordEnvNames() {
    assertThat(options("postgres://h/db?password=given", Map.of("PGPASSWORD", "env")).password())
        .contains("given");
    assertThat(options("postgres://h/db", Map.of("PGPASSWORD", "env")).password()).contains("env");
    assertThat(
            options(
                    "postgres://h/db?password-env=MY_SECRET",
                    Map.of("MY_SECRET", "mine", "PGPASSWORD", "env"))
                .password())
        .contains("mine");
    assertThat(options("postgres://h/db", Map.of()).password()).isEmpty();
  }

  @Test
  void thePasswordIsMaskedInEveryPrintedForm() {
    StoreSpec spec = Cairn.parse("cache:postgres://h/db?user=u&password=s3cret-value");
    assertThat(spec.toString()).contains("password=****").doesNotContain("s3cret-value");
    PostgresOptions o = options("postgres://h/db?user=u&password=s3cret-value", Map.of());
    assertThat(o.toString()).contains("password=****").doesNotContain("s3cret-value");
    assertThat(o.describe()).doesNotContain("s3cret-value");
    assertThat(new PostgresStoreFactory().sensitiveOptions()).containsExactly("password");
  }

  @Test
  void aBadLocatorOrSchemaIsAClearConfigurationError() {
    assertThatThrownBy(() -> options("postgres:localhost/db", Map.of()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("\"localhost/db\" is not //HOST[:PORT]/DATABASE");
    assertThatThrownBy(() -> options("postgres://h:99999/db", Map.of()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("99999");
    assertThatThrownBy(() -> options("postgres://h/db?schema=x%22%3Bdrop", Map.of()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("schema \"x\\\";drop\" must be");
  }
}
