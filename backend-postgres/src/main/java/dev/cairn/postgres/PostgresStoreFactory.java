package dev.cairn.postgres;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code postgres} store type: {@code postgres://HOST[:PORT]/DATABASE?schema=cairn&user=…} (see
 * {@link PostgresBackend}). The password comes from the option {@code password} (sensitive: printed
 * as {@code ****}), else from the environment variable {@code password-env} names ({@code
 * PGPASSWORD}), else from the driver's password file ({@code PGPASSFILE} or {@code ~/.pgpass}).
 * Stateless and thread-safe.
 */
@AutoService(StoreFactory.class)
public final class PostgresStoreFactory implements StoreFactory {
  /** {@code //host[:port]/database}; an IPv6 host in brackets. */
  private static final Pattern LOCATOR =
      Pattern.compile("//(\\[[0-9A-Fa-f:.]+]|[^/:\\[\\]]+)(?::([0-9]{1,5}))?/([^/]+)");

  static final StoreOption<String> SCHEMA =
      StoreOption.string(
          "schema",
          "cairn",
          "the schema holding the store's tables (created on first open): a lowercase letter or _"
              + " then up to 62 of [a-z0-9_]; one store per schema");
  static final StoreOption<String> USER =
      StoreOption.string(
          "user", null, "the user to log in as (default: the operating-system user)");
  static final StoreOption<String> PASSWORD =
      StoreOption.string(
              "password",
              null,
              "the password (default: from the variable password-env names, else ~/.pgpass)")
          .asSensitive();
  static final StoreOption<String> PASSWORD_ENV =
      StoreOption.string(
          "password-env",
          "PGPASSWORD",
          "the environment variable to read the password from when password is not" + " given");
  static final StoreOption<Long> POOL_SIZE =
      StoreOption.number(
          "pool-size",
          8,
          1,
          1000,
          "the most connections held open (each concurrent operation uses one)");
  static final StoreOption<String> SSL_MODE =
      StoreOption.choice(
          "ssl-mode",
          "prefer",
          "the driver's sslmode",
          "disable",
          "allow",
          "prefer",
          "require",
          "verify-ca",
          "verify-full");
  static final StoreOption<String> HASH =
      StoreOption.hashAlgorithm(
          "hash algorithm: creates a new store with it (default sha256); an existing store must"
              + " match it");
  static final StoreOption<Long> GC_GRACE =
      StoreOption.number(
          "gc-grace",
          3600,
          0,
          10L * 365 * 24 * 3600,
          "seconds an object compaction dropped stays (marked) before it is"
              + " deleted; writing it again meanwhile keeps it");
  static final StoreOption<Long> CHUNK_SIZE =
      StoreOption.size(
          "chunk-size",
          PostgresOptions.DEFAULT_CHUNK_SIZE,
          PostgresOptions.MIN_CHUNK_SIZE,
          PostgresOptions.MAX_CHUNK_SIZE,
          "objects larger than this are stored in rows of this size");
  static final StoreOption<Long> CONNECT_TIMEOUT =
      StoreOption.number(
          "connect-timeout",
          10,
          1,
          3600,
          "seconds to connect, or to wait for a free connection of the pool");
  static final StoreOption<Long> SOCKET_TIMEOUT =
      StoreOption.number(
          "socket-timeout",
          120,
          1,
          86400,
          "seconds one read from the server may block before the operation fails");

  private final Function<String, String> environment;

  /** Creates the factory (for {@link java.util.ServiceLoader}); reads the real environment. */
  public PostgresStoreFactory() {
    this(System::getenv);
  }

  PostgresStoreFactory(Function<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public Shape shape() {
    return Shape.LEAF;
  }

  @Override
  public String description() {
    return "Objects and refs in tables of a PostgreSQL schema, shared by any number of"
        + " processes; refs by compare-and-set statements, batches as transactions.";
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of(
        SCHEMA,
        USER,
        PASSWORD,
        PASSWORD_ENV,
        POOL_SIZE,
        SSL_MODE,
        HASH,
        GC_GRACE,
        CHUNK_SIZE,
        CONNECT_TIMEOUT,
        SOCKET_TIMEOUT);
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    return PostgresBackend.open(options(spec, context), context.hashAlgorithms());
  }

  /** The options {@code spec} gives. */
  PostgresOptions options(StoreSpec spec, StoreContext context) {
    String locator =
        spec.locator()
            .orElseThrow(
                () ->
                    new StoreConfigurationException(
                        "'postgres' needs a server and a database, as in postgres://localhost:5432/mydb"));
    Matcher m = LOCATOR.matcher(locator);
    if (!m.matches()) {
      throw new StoreConfigurationException(
          "'postgres' locator \""
              + locator.replace("\"", "\\\"")
              + "\" is not //HOST[:PORT]/DATABASE, as in postgres://localhost:5432/mydb");
    }
    String host =
        m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
    PostgresOptions.Builder options =
        PostgresOptions.builder(host, m.group(3))
            .schema(spec.get(SCHEMA))
            .user(spec.options().get(USER.name()))
            .poolSize(Math.toIntExact(spec.get(POOL_SIZE)))
            .sslMode(
                PostgresOptions.SslMode.valueOf(
                    spec.get(SSL_MODE).toUpperCase(Locale.ROOT).replace('-', '_')))
            .gcGrace(Duration.ofSeconds(spec.get(GC_GRACE)))
            .chunkSize(spec.get(CHUNK_SIZE))
            .connectTimeout(Duration.ofSeconds(spec.get(CONNECT_TIMEOUT)))
            .socketTimeout(Duration.ofSeconds(spec.get(SOCKET_TIMEOUT)));
    if (m.group(2) != null) {
      options.port(Integer.parseInt(m.group(2)));
    }
    String password = spec.options().get(PASSWORD.name());
    if (password == null) {
      password = environment.apply(spec.get(PASSWORD_ENV));
    }
    options.password(password);
    String hash = spec.options().get(HASH.name());
    if (hash != null) {
      options.hashAlgorithm(context.hashAlgorithm(hash));
    }
    return options.build();
  }
}
