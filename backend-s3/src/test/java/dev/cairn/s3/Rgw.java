package dev.cairn.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The Ceph RGW the build started for the integration tests (see {@code src/test/scripts/rgw.sh} and
 * the pom): its endpoint and credentials, one bucket for all tests, and a fresh key prefix per
 * store. Fails, never skips, when the server is not there.
 */
final class Rgw {
  static final String BUCKET = "cairn-it";
  private static volatile Rgw instance;

  final Path dir;
  final URI endpoint;
  final String accessKey;
  final String secretKey;

  private Rgw(Path dir) throws IOException {
    this.dir = dir;
    this.endpoint = URI.create(Files.readString(dir.resolve("endpoint")).strip());
    List<String> credentials = Files.readAllLines(dir.resolve("credentials"));
    this.accessKey = credentials.get(0).strip();
    this.secretKey = credentials.get(1).strip();
  }

  /** The server, with the test bucket created. */
  static Rgw get() {
    Rgw rgw = instance;
    if (rgw != null) {
      return rgw;
    }
    synchronized (Rgw.class) {
      if (instance == null) {
        String dir = System.getProperty("cairn.rgw.dir");
        if (dir == null) {
          throw new AssertionError(
              "no RGW: run these tests through Maven (./mvnw verify -pl"
                  + " backend-s3 -am), which starts one and sets cairn.rgw.dir");
        }
        try {
          Rgw created = new Rgw(Path.of(dir));
          created.createBucket(BUCKET);
          instance = created;
        } catch (IOException e) {
          throw new UncheckedIOException("the RGW in " + dir + " is not ready", e);
        }
      }
      return instance;
    }
  }

  /** The script that starts, stops and restarts the server. */
  static Path script() {
    return Path.of(System.getProperty("cairn.rgw.script", "src/test/scripts/rgw.sh"));
  }

  /** A client of the server, configured as the store configures its own (RGW takes its PUTs). */
  S3Client client() {
    // The client names a bucket per request: the one given here is not used.
    return S3Backend.clientBuilder(
            S3Options.builder("cairn-tests")
                .endpoint(endpoint)
                .pathStyle(true)
                .credentials(accessKey, secretKey)
                .build())
        .build();
  }

  void createBucket(String name) {
    try (S3Client client = client()) {
      try {
        client.createBucket(b -> b.bucket(name));
      } catch (S3Exception e) {
        if (e.statusCode() != 409) { // BucketAlreadyOwnedByYou / Exists
          throw e;
        }
      }
    }
  }

  /** A prefix no other store uses. */
  static String freshPrefix(String test) {
    return test + "/" + UUID.randomUUID();
  }

  /** Options for the store at {@code prefix} of the test bucket. */
  S3Options.Builder options(String prefix) {
    return S3Options.builder(BUCKET)
        .prefix(prefix)
        .endpoint(endpoint)
        .credentials(accessKey, secretKey)
        .cacheDir(dir.resolve("index-cache"));
  }

  /** The spec of the store at {@code prefix} of the test bucket (keys included). */
  String spec(String prefix) {
    return "s3:"
        + BUCKET
        + "/"
        + prefix
        + "?endpoint="
        + endpoint
        + "&access-key="
        + accessKey
        + "&secret-key="
        + secretKey
        + "&cache-dir="
        + dir.resolve("index-cache");
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
