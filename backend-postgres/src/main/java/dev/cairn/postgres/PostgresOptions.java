package dev.cairn.postgres;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreConfigurationException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How to open a {@link PostgresBackend}: where the server is, which schema holds the store, who
 * logs in, and how the store behaves. Immutable; built with {@link #builder(String, String)}.
 *
 * <p>Defaults: port 5432, schema {@code cairn}, the operating-system user, no password (the driver
 * then reads {@code PGPASSFILE} or {@code ~/.pgpass}), a pool of 8 connections, SSL mode {@code
 * prefer}, the store's own hash algorithm (SHA-256 for a new store), a GC grace period of one hour,
 * chunks of 1 MiB, 10 s to connect and 120 s for any one network read.
 *
 * <p>{@link #toString()} never shows the password.
 */
public final class PostgresOptions {
  /** What a schema name may be: an unquoted lowercase SQL identifier of at most 63 bytes. */
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** The default chunk size: objects larger than this are stored in rows of this size. */
  public static final long DEFAULT_CHUNK_SIZE = 1L << 20;

  /** The smallest chunk size accepted. */
  public static final long MIN_CHUNK_SIZE = 1024;

  /** The largest chunk size accepted: well below the 1 GB limit of one {@code bytea} value. */
  public static final long MAX_CHUNK_SIZE = 256L << 20;

  /** The SSL modes of the PostgreSQL driver. */
  public enum SslMode {
    /** No SSL. */
    DISABLE,
    /** SSL if the server offers it. */
    ALLOW,
    /** SSL if the server offers it, tried first. */
    PREFER,
    /** SSL, without checking the certificate. */
    REQUIRE,
    /** SSL, with the certificate checked against the CA. */
    VERIFY_CA,
    /** SSL, with the certificate and the host name checked. */
    VERIFY_FULL;

    /** The driver's spelling: {@code verify-full}. */
    String driverName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  private final String host;
  private final int port;
  private final String database;
  private final String schema;
  private final @Nullable String user;
  private final @Nullable String password;
  private final int poolSize;
  private final SslMode sslMode;
  private final @Nullable HashAlgorithm hashAlgorithm;
  private final Duration gcGrace;
  private final int chunkSize;
  private final Duration connectTimeout;
  private final Duration socketTimeout;

  private PostgresOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.database = b.database;
    this.schema = b.schema;
    this.user = b.user;
    this.password = b.password;
    this.poolSize = b.poolSize;
    this.sslMode = b.sslMode;
    this.hashAlgorithm = b.hashAlgorithm;
    this.gcGrace = b.gcGrace;
    this.chunkSize = b.chunkSize;
    this.connectTimeout = b.connectTimeout;
    this.socketTimeout = b.socketTimeout;
  }

  /**
   * A builder for the store in database {@code database} of the server at {@code host}, holding the
   * defaults.
   *
   * @throws StoreConfigurationException if either is empty
   */
  public static Builder builder(String host, String database) {
    return new Builder(host, database);
  }

  /** The server's host name or address. */
  public String host() {
    return host;
  }

  /** The server's TCP port. */
  public int port() {
    return port;
  }

  /** The database that holds the store's schema. */
  public String database() {
    return database;
  }

  /** The schema that holds the store's tables: one store per schema. */
  public String schema() {
    return schema;
  }

  /** The user to log in as, or empty for the operating-system user. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The password, or empty to let the driver read {@code PGPASSFILE} or {@code ~/.pgpass}. */
  Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** The most connections the store holds open. */
  public int poolSize() {
    return poolSize;
  }

  /** The SSL mode. */
  public SslMode sslMode() {
    return sslMode;
  }

  /** The algorithm asked for, or empty for the store's own (SHA-256 for a new store). */
  public Optional<HashAlgorithm> hashAlgorithm() {
    return Optional.ofNullable(hashAlgorithm);
  }

  /** How long an object compaction dropped stays, marked, before it is deleted. */
  public Duration gcGrace() {
    return gcGrace;
  }

  /** The size above which an object is stored in chunks of this size. */
  public int chunkSize() {
    return chunkSize;
  }

  /** How long opening a connection (or waiting for one from the pool) may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long one read from the server may block before the operation fails. */
  public Duration socketTimeout() {
    return socketTimeout;
  }

  /** {@code postgres://host:port/database?schema=…}: the store, without user or password. */
  public String describe() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "postgres://" + h + ":" + port + "/" + database + "?schema=" + schema;
  }

  @Override
  public String toString() {
    return describe()
        + user().map(u -> "&user=" + u).orElse("")
        + (password == null ? "" : "&password=****")
        + "&pool-size="
        + poolSize
        + "&ssl-mode="
        + sslMode.driverName()
        + hashAlgorithm().map(a -> "&hash=" + a.name()).orElse("")
        + "&gc-grace="
        + gcGrace.toSeconds()
        + "s&chunk-size="
        + chunkSize;
  }

  /** Builds {@link PostgresOptions}. Not thread-safe. */
  public static final class Builder {
    private final String host;
    private final String database;
    private int port = 5432;
    private String schema = "cairn";
    private @Nullable String user;
    private @Nullable String password;
    private int poolSize = 8;
    private SslMode sslMode = SslMode.PREFER;
    private @Nullable HashAlgorithm hashAlgorithm;
    private Duration gcGrace = Duration.ofHours(1);
    private int chunkSize = (int) DEFAULT_CHUNK_SIZE;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration socketTimeout = Duration.ofSeconds(120);

    private Builder(String host, String database) {
      this.host = nonEmpty("host", host);
      this.database = nonEmpty("database", database);
    }

    private static String nonEmpty(String what, String value) {
      requireNonNull(value, what);
      if (value.isEmpty()) {
        throw new StoreConfigurationException(
            "'postgres' needs a " + what + ", as in postgres://localhost:5432/mydb");
      }
      return value;
    }

    /**
     * Sets the port.
     *
     * @throws StoreConfigurationException if it is not from 1 to 65535
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new StoreConfigurationException(
            "'postgres' port " + port + " must be from 1 to 65535");
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the schema.
     *
     * @throws StoreConfigurationException quoting the name if it is not a lowercase letter or
     *     {@code _} followed by up to 62 of {@code [a-z0-9_]}
     */
    public Builder schema(String schema) {
      requireNonNull(schema, "schema");
      if (!SCHEMA.matcher(schema).matches()) {
        throw new StoreConfigurationException(
            String.format(
                "'postgres' schema %s must be a lowercase letter or '_' then up to 62 of [a-z0-9_]",
                quote(schema)));
      }
      this.schema = schema;
      return this;
    }

    private static String quote(String text) {
      return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Sets the user; null means the operating-system user. */
    public Builder user(@Nullable String user) {
      this.user = user;
      return this;
    }

    /** Sets the password; null lets the driver read {@code PGPASSFILE} or {@code ~/.pgpass}. */
    public Builder password(@Nullable String password) {
      this.password = password;
      return this;
    }

    /**
     * Sets the most connections held open.
     *
     * @throws StoreConfigurationException if it is not from 1 to 1000
     */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1 || poolSize > 1000) {
        throw new StoreConfigurationException(
            "'postgres' pool size " + poolSize + " must be from 1 to 1000");
      }
      this.poolSize = poolSize;
      return this;
    }

    /** Sets the SSL mode. */
    public Builder sslMode(SslMode sslMode) {
      this.sslMode = requireNonNull(sslMode, "sslMode");
      return this;
    }

    /** Sets the algorithm to create the store with or to expect; null means the store's own. */
    public Builder hashAlgorithm(HashAlgorithm algorithm) {
      this.hashAlgorithm = algorithm;
      return this;
    }

    /**
     * Sets the GC grace period.
     *
     * @throws StoreConfigurationException if it is negative
     */
    public Builder gcGrace(Duration grace) {
      requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new StoreConfigurationException(
            "'postgres' gc grace " + grace + " must not be negative");
      }
      this.gcGrace = grace;
      return this;
    }

    /**
     * Sets the chunk size.
     *
     * @throws StoreConfigurationException if it is outside [{@value #MIN_CHUNK_SIZE}, {@value
     *     #MAX_CHUNK_SIZE}]
     */
    public Builder chunkSize(long bytes) {
      if (bytes < MIN_CHUNK_SIZE || bytes > MAX_CHUNK_SIZE) {
        throw new StoreConfigurationException(
            String.format(
                "'postgres' chunk size %d must be from %d to %d",
                bytes, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE));
      }
      this.chunkSize = (int) bytes;
      return this;
    }

    /**
     * Sets how long connecting may take.
     *
     * @throws StoreConfigurationException if it is under one second
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = seconds("connect timeout", timeout);
      return this;
    }

    /**
     * Sets how long one read from the server may block.
     *
     * @throws StoreConfigurationException if it is under one second
     */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = seconds("socket timeout", timeout);
      return this;
    }

    private static Duration seconds(String what, Duration timeout) {
      requireNonNull(timeout, what);
      if (timeout.toSeconds() < 1) {
        throw new StoreConfigurationException(
            "'postgres' " + what + " " + timeout + " must be at least one second");
      }
      return timeout;
    }

    /** The options. */
    public PostgresOptions build() {
      return new PostgresOptions(this);
    }
  }
}
