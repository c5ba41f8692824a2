package dev.cairn.s3;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Backend;
import dev.cairn.spi.StoreConfigurationException;
import dev.cairn.spi.StoreContext;
import dev.cairn.spi.StoreFactory;
import dev.cairn.spi.StoreOption;
import dev.cairn.spi.StoreSpec;
import dev.cairn.storage.Compression;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code s3} store type: {@code s3:BUCKET[/PREFIX]?endpoint=…&region=…&path-style=…&
 * profile=…&access-key=…&secret-key=…&hash=…&pack-size=16m&cache-dir=…&connections=16&
 * gc-grace=1h&probe=true&compression=auto}. The keys are sensitive: every printed spec shows them
 * as {@code ****}. Stateless and thread-safe.
 */
@AutoService(StoreFactory.class)
public final class S3StoreFactory implements StoreFactory {
  static final StoreOption<String> ENDPOINT =
      StoreOption.string(
          "endpoint",
          null,
          "the server's URL, e.g. http://127.0.0.1:7480 for a local Ceph RGW (default: AWS S3 for"
              + " the region)");
  static final StoreOption<String> REGION =
      StoreOption.string(
          "region",
          null,
          "the region, e.g. eu-west-1 (default: the SDK's region chain; us-east-1 with an"
              + " endpoint)");
  static final StoreOption<String> PATH_STYLE =
      StoreOption.choice(
          "path-style",
          "auto",
          "path-style addressing (http://host/bucket/key): auto is true with an endpoint, false"
              + " for AWS",
          "auto",
          "true",
          "false");
  static final StoreOption<String> PROFILE =
      StoreOption.string(
          "profile",
          null,
          "a profile of the shared AWS credentials/config files (default: the SDK's default"
              + " credential chain: environment, system properties, files, container, instance)");
  static final StoreOption<String> ACCESS_KEY =
      StoreOption.string(
              "access-key",
              null,
              "an explicit access key, with secret-key (prefer the default chain or a profile)")
          .asSensitive();
  static final StoreOption<String> SECRET_KEY =
      StoreOption.string("secret-key", null, "the secret key for access-key").asSensitive();
  static final StoreOption<String> HASH =
      StoreOption.string(
          "hash",
          null,
          "hash algorithm: creates a new store with it (default sha256); an existing store must"
              + " match it");
  static final StoreOption<Long> PACK_SIZE =
      StoreOption.size(
          "pack-size",
          S3Options.DEFAULT_PACK_SIZE,
          4096,
          1L << 30,
          "the size of the packs compaction writes (a batch is always one pack, whatever its"
              + " size)");
  static final StoreOption<String> CACHE_DIR =
      StoreOption.string(
          "cache-dir",
          null,
          "a local directory where pack indexes are cached and memory-mapped (default: under"
              + " java.io.tmpdir, per bucket and prefix)");
  static final StoreOption<Long> CONNECTIONS =
      StoreOption.number(
          "connections", 16, 1, 1024, "the number of HTTP connections to the server");
  static final StoreOption<String> GC_GRACE =
      StoreOption.string(
          "gc-grace",
          "1h",
          "how long compaction keeps retired packs for readers, and the age at which a pack"
              + " without an index is deleted as a crashed writer's (e.g. 30s, 10m, 1h, 2d)");
  static final StoreOption<Boolean> PROBE =
      StoreOption.bool(
          "probe",
          true,
          "check at open that the server enforces conditional PUTs, refusing one that does not");

  static final StoreOption<String> COMPRESSION =
      StoreOption.choice(
          "compression",
          Compression.defaultValue().optionValue(),
          "how the records of new packs are stored: zstd per record, with a dictionary trained per"
              + " pack where it pays (auto), without one (zstd), or raw (none); raw wherever"
              + " compressing does not pay, and every pack is read whatever is chosen",
          "none",
          "zstd",
          "auto");

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  /** Creates the factory (for {@link java.util.ServiceLoader}). */
  public S3StoreFactory() {}

  @Override
  public String name() {
    return "s3";
  }

  @Override
  public Shape shape() {
    return Shape.LEAF;
  }

  @Override
  public String description() {
    return "A store on S3-compatible object storage (AWS S3, Ceph RGW): write-once packs"
        + " committed by their indexes, refs by conditional PUT.";
  }

  @Override
  public List<StoreOption<?>> options() {
    return List.of(
        ENDPOINT,
        REGION,
        PATH_STYLE,
        PROFILE,
        ACCESS_KEY,
        SECRET_KEY,
        HASH,
        PACK_SIZE,
        CACHE_DIR,
        CONNECTIONS,
        GC_GRACE,
        PROBE,
        COMPRESSION);
  }

  @Override
  public Backend create(StoreSpec spec, Map<String, Backend> children, StoreContext context) {
    return S3Backend.open(options(spec, context), context);
  }

  /** The options {@code spec} describes. */
  static S3Options options(StoreSpec spec, StoreContext context) {
    String locator =
        spec.locator()
            .orElseThrow(
                () ->
                    new StoreConfigurationException(
                        "'s3' needs a bucket, as in s3:my-bucket or s3:my-bucket/some/prefix; got "
                            + spec));
    int slash = locator.indexOf('/');
    String bucket = slash < 0 ? locator : locator.substring(0, slash);
    S3Options.Builder options;
    try {
      options = S3Options.builder(bucket);
      if (slash >= 0) {
        options.prefix(locator.substring(slash + 1));
      }
    } catch (IllegalArgumentException e) {
      throw new StoreConfigurationException("in " + spec + ": " + e.getMessage(), e);
    }
    Map<String, String> given = spec.options();
    if (given.containsKey(ENDPOINT.name())) {
      options.endpoint(endpoint(spec.get(ENDPOINT)));
    }
    if (given.containsKey(REGION.name())) {
      options.region(spec.get(REGION));
    }
    String pathStyle = spec.get(PATH_STYLE);
    if (!pathStyle.equals("auto")) {
      options.pathStyle(Boolean.parseBoolean(pathStyle));
    }
    if (given.containsKey(PROFILE.name())) {
      options.profile(spec.get(PROFILE));
    }
    boolean access = given.containsKey(ACCESS_KEY.name());
    if (access != given.containsKey(SECRET_KEY.name())) {
      throw new StoreConfigurationException(
          "'s3' takes access-key and secret-key together; got only "
              + (access ? "access-key" : "secret-key"));
    }
    if (access) {
      if (given.containsKey(PROFILE.name())) {
        throw new StoreConfigurationException(
            "'s3' takes either a profile or access-key/secret-key, not both");
      }
      options.credentials(spec.get(ACCESS_KEY), spec.get(SECRET_KEY));
    }
    if (given.containsKey(HASH.name())) {
      options.hashAlgorithm(context.hashAlgorithm(spec.get(HASH)));
    }
    options.packSize(spec.get(PACK_SIZE));
    if (given.containsKey(CACHE_DIR.name())) {
      options.cacheDir(context.directory("s3", spec.get(CACHE_DIR)));
    }
    options.connections(Math.toIntExact(spec.get(CONNECTIONS)));
    options.gcGrace(duration(spec.get(GC_GRACE)));
    options.probe(spec.get(PROBE));
    options.compression(Compression.parse(spec.get(COMPRESSION)));
    return options.build();
  }

  private static URI endpoint(String value) {
    try {
      URI uri = new URI(value);
      if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
        throw new StoreConfigurationException(
            "bad value \""
                + value
                + "\" for option 'endpoint': expected an http:// or https:// URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new StoreConfigurationException(
          "bad value \"" + value + "\" for option 'endpoint': " + e.getMessage(), e);
    }
  }

  static Duration duration(String value) {
    Matcher m = DURATION.matcher(value.strip());
    if (!m.matches()) {
      throw new StoreConfigurationException(
          "bad value \""
              + value
              + "\" for option 'gc-grace': expected a number and a unit ms, s, m, h or d (e.g. 1h)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
