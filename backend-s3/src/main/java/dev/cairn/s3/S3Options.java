package dev.cairn.s3;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.Compression;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How to open an {@link S3Backend}: where the store is (bucket, key prefix, endpoint, region), how
 * to authenticate, and how it lays out its data. Immutable; built with {@link #builder(String)}.
 * {@link #toString()} never shows the secret key.
 *
 * <p>Defaults: the SDK's region and credential chains, virtual-host addressing (path-style for an
 * explicit endpoint), SHA-256 for a new store, packs of {@value #DEFAULT_PACK_SIZE} bytes, records
 * compressed as {@link Compression#defaultValue()} ({@code auto}), indexes cached in a directory
 * under {@code java.io.tmpdir}, 16 connections, a GC grace period of one hour, the
 * conditional-write probe on.
 */
public final class S3Options {
  /** The default pack size, 16 MiB: few PUTs, and a pack is read whole only by compaction. */
  public static final long DEFAULT_PACK_SIZE = 16L << 20;

  private final String bucket;
  private final String prefix;
  private final @Nullable URI endpoint;
  private final @Nullable String region;
  private final @Nullable Boolean pathStyle;
  private final @Nullable String profile;
  private final @Nullable String accessKey;
  private final @Nullable String secretKey;
  private final @Nullable HashAlgorithm hashAlgorithm;
  private final long packSize;
  private final Compression compression;
  private final @Nullable Path cacheDir;
  private final int connections;
  private final Duration gcGrace;
  private final boolean probe;

  private S3Options(Builder b) {
    this.bucket = b.bucket;
    this.prefix = b.prefix;
    this.endpoint = b.endpoint;
    this.region = b.region;
    this.pathStyle = b.pathStyle;
    this.profile = b.profile;
    this.accessKey = b.accessKey;
    this.secretKey = b.secretKey;
    this.hashAlgorithm = b.hashAlgorithm;
    this.packSize = b.packSize;
    this.compression = b.compression;
    this.cacheDir = b.cacheDir;
    this.connections = b.connections;
    this.gcGrace = b.gcGrace;
    this.probe = b.probe;
  }

  /**
   * A builder for the store in {@code bucket}, with the defaults.
   *
   * @throws IllegalArgumentException if {@code bucket} is not a bucket name (3 to 63 of lowercase
   *     letters, digits, '.', '-')
   */
  public static Builder builder(String bucket) {
    return new Builder(bucket);
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The key prefix of every object of the store: empty, or ending in {@code /}. */
  public String prefix() {
    return prefix;
  }

  /** The endpoint, if not the SDK's for the region. */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** The region, if not the SDK's default chain's. */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /** Whether to use path-style addressing: as set, else true exactly when an endpoint is set. */
  public boolean pathStyle() {
    return pathStyle != null ? pathStyle : endpoint != null;
  }

  /** The credentials profile, if not the default chain. */
  public Optional<String> profile() {
    return Optional.ofNullable(profile);
  }

  /** The explicit access key, if given (with {@link #secretKey()}). */
  public Optional<String> accessKey() {
    return Optional.ofNullable(accessKey);
  }

  /** The explicit secret key, if given. */
  public Optional<String> secretKey() {
    return Optional.ofNullable(secretKey);
  }

  /** The hash algorithm asked for, if any; a new store defaults to SHA-256. */
  public Optional<HashAlgorithm> hashAlgorithm() {
    return Optional.ofNullable(hashAlgorithm);
  }

  /** The size at which buffered objects and compacted packs are cut into a new pack. */
  public long packSize() {
    return packSize;
  }

  /**
   * How the records of the packs written are stored: zstd per record, with a dictionary trained per
   * pack where it pays ({@code auto}), without one ({@code zstd}), or raw ({@code none}); raw
   * wherever compressing does not pay. Every pack is read whatever is chosen.
   */
  public Compression compression() {
    return compression;
  }

  /** The local directory for cached indexes, if not the default one. */
  public Optional<Path> cacheDir() {
    return Optional.ofNullable(cacheDir);
  }

  /** The number of HTTP connections (and of parallel index loads). */
  public int connections() {
    return connections;
  }

  /**
   * How long compaction keeps a retired pack, and how old a pack without an index must be before it
   * is deleted as the orphan of a crashed writer.
   */
  public Duration gcGrace() {
    return gcGrace;
  }

  /** Whether opening checks the server's conditional writes (never turn off against AWS/RGW). */
  public boolean probe() {
    return probe;
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    Builder b = new Builder(bucket);
    b.prefix = prefix;
    b.endpoint = endpoint;
    b.region = region;
    b.pathStyle = pathStyle;
    b.profile = profile;
    b.accessKey = accessKey;
    b.secretKey = secretKey;
    b.hashAlgorithm = hashAlgorithm;
    b.packSize = packSize;
    b.compression = compression;
    b.cacheDir = cacheDir;
    b.connections = connections;
    b.gcGrace = gcGrace;
    b.probe = probe;
    return b;
  }

  @Override
  public String toString() {
    return "s3:"
        + bucket
        + (prefix.isEmpty() ? "" : "/" + prefix.substring(0, prefix.length() - 1))
        + (endpoint == null ? "" : " at " + endpoint);
  }

  /** Builds {@link S3Options}. Not thread-safe. */
  public static final class Builder {
    private final String bucket;
    private String prefix = "";
    private @Nullable URI endpoint;
    private @Nullable String region;
    private @Nullable Boolean pathStyle;
    private @Nullable String profile;
    private @Nullable String accessKey;
    private @Nullable String secretKey;
    private @Nullable HashAlgorithm hashAlgorithm;
    private long packSize = DEFAULT_PACK_SIZE;
    private Compression compression = Compression.defaultValue();
    private @Nullable Path cacheDir;
    private int connections = 16;
    private Duration gcGrace = Duration.ofHours(1);
    private boolean probe = true;

    private Builder(String bucket) {
      requireNonNull(bucket, "bucket");
      if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new IllegalArgumentException(
            "\""
                + bucket
                + "\" is not a bucket name (3 to 63 of"
                + " lowercase letters, digits, '.' and '-', starting and ending with a letter or digit)");
      }
      this.bucket = bucket;
    }

    /**
     * The key prefix; leading and trailing slashes are dropped and one trailing slash added.
     *
     * @throws IllegalArgumentException if it has an empty, {@code .} or {@code ..} segment
     */
    public Builder prefix(String prefix) {
      requireNonNull(prefix, "prefix");
      String trimmed = prefix.replaceAll("^/+|/+$", "");
      for (String segment : trimmed.split("/", -1)) {
        if (!trimmed.isEmpty()
            && (segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
          throw new IllegalArgumentException(
              "key prefix \"" + prefix + "\" has an empty, '.' or '..' segment");
        }
      }
      this.prefix = trimmed.isEmpty() ? "" : trimmed + "/";
      return this;
    }

    /** The endpoint, e.g. {@code http://127.0.0.1:7480}. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** The region, e.g. {@code eu-west-1}. */
    public Builder region(String region) {
      this.region = requireNonNull(region, "region");
      return this;
    }

    /** Path-style ({@code true}) or virtual-host ({@code false}) addressing. */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /** A named profile of the shared credentials and config files. */
    public Builder profile(String profile) {
      this.profile = requireNonNull(profile, "profile");
      return this;
    }

    /** Explicit credentials (prefer the default chain or a profile). */
    public Builder credentials(String accessKey, String secretKey) {
      this.accessKey = requireNonNull(accessKey, "accessKey");
      this.secretKey = requireNonNull(secretKey, "secretKey");
      return this;
    }

    /** The hash algorithm: of a new store, or the one an existing store must have. */
    public Builder hashAlgorithm(HashAlgorithm hashAlgorithm) {
      this.hashAlgorithm = requireNonNull(hashAlgorithm, "hashAlgorithm");
      return this;
    }

    /**
     * The pack size.
     *
     * @throws IllegalArgumentException unless between 4 KiB and 1 GiB
     */
    public Builder packSize(long packSize) {
      if (packSize < 4096 || packSize > (1L << 30)) {
        throw new IllegalArgumentException(
            "pack size " + packSize + " must be from 4096 to 1073741824 bytes");
      }
      this.packSize = packSize;
      return this;
    }

    /** How the records of the packs written are stored (see {@link S3Options#compression()}). */
    public Builder compression(Compression compression) {
      this.compression = requireNonNull(compression, "compression");
      return this;
    }

    /** The local directory for cached indexes (created if missing; may be shared). */
    public Builder cacheDir(Path cacheDir) {
      this.cacheDir = requireNonNull(cacheDir, "cacheDir");
      return this;
    }

    /**
     * The number of HTTP connections.
     *
     * @throws IllegalArgumentException unless between 1 and 1024
     */
    public Builder connections(int connections) {
      if (connections < 1 || connections > 1024) {
        throw new IllegalArgumentException(
            "connections " + connections + " must be from 1 to 1024");
      }
      this.connections = connections;
      return this;
    }

    /**
     * The GC grace period.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder gcGrace(Duration gcGrace) {
      requireNonNull(gcGrace, "gcGrace");
      if (gcGrace.isNegative()) {
        throw new IllegalArgumentException("GC grace period " + gcGrace + " is negative");
      }
      this.gcGrace = gcGrace;
      return this;
    }

    /** Whether opening probes the server's conditional writes. */
    public Builder probe(boolean probe) {
      this.probe = probe;
      return this;
    }

    /** The options. */
    public S3Options build() {
      return new S3Options(this);
    }
  }
}
