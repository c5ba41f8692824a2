package dev.cairn.bench;

import static java.util.Objects.requireNonNull;

import dev.cairn.s3.S3Backend;
import dev.cairn.s3.S3Options;
import dev.cairn.spi.HashAlgorithm;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 server a benchmark runs against, as {@code backend-s3/src/test/scripts/rgw.sh start DIR}
 * leaves it: {@code DIR/endpoint} holds its URL, {@code DIR/credentials} the access key and the
 * secret key, one a line. Gives the raw SDK client configured as the {@code s3:} store configures
 * its own (Apache HTTP client, path-style, checksums only where required, no chunked signing), and
 * the store's options, so that both sides differ only in what they send.
 *
 * @param endpoint the server's URL
 * @param accessKey the access key
 * @param secretKey the secret key
 */
public record S3Rig(URI endpoint, String accessKey, String secretKey) {
  /** The bucket every benchmark writes into (under a fresh prefix per run). */
  public static final String BUCKET = "cairn-bench";

  /** Checks the arguments. */
  public S3Rig {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(accessKey, "accessKey");
    requireNonNull(secretKey, "secretKey");
  }

  /**
   * The server whose files are in {@code dir}.
   *
   * @throws IllegalArgumentException if {@code dir} does not hold them
   */
  public static S3Rig read(Path dir) {
    try {
      URI endpoint = URI.create(Files.readString(dir.resolve("endpoint")).strip());
      List<String> credentials = Files.readAllLines(dir.resolve("credentials"));
      if (credentials.size() < 2) {
        throw new IllegalArgumentException(
            dir.resolve("credentials") + " holds " + credentials.size() + " lines, not 2");
      }
      return new S3Rig(endpoint, credentials.get(0).strip(), credentials.get(1).strip());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "no RGW in "
              + dir
              + " (start one with backend-s3/src/test/scripts/rgw.sh start "
              + dir
              + "): "
              + e,
          e);
    }
  }

  /** A raw SDK client of the server with {@code connections} connections, counting its requests. */
  public S3Client client(RequestCounter counter, int connections) {
    // Configured as the store configures its own client (S3Backend.clientBuilder), so that the
    // two sides differ only in what they send; the client names a bucket per request.
    S3ClientBuilder builder =
        S3Backend.clientBuilder(
            S3Options.builder("cairn-bench")
                .endpoint(endpoint)
                .pathStyle(true)
                .credentials(accessKey, secretKey)
                .connections(connections)
                .build());
    return builder
        .overrideConfiguration(
            builder.overrideConfiguration().toBuilder().addExecutionInterceptor(counter).build())
        .build();
  }

  /**
   * The body of a raw PUT of {@code data}, sent as the store sends a pack: read in place from the
   * array ({@link RequestBody#fromBytes} copies it first, which would cost the raw side a copy the
   * store does not make).
   */
  public static RequestBody body(byte[] data) {
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(data), data.length, "application/octet-stream");
  }

  /** Creates {@link #BUCKET} unless it exists. */
  public static void createBucket(S3Client client) {
    try {
      client.createBucket(b -> b.bucket(BUCKET));
    } catch (S3Exception e) {
      if (e.statusCode() != 409) { // already there, ours
        throw e;
      }
    }
  }

  /** Options of the {@code s3:} store at {@code prefix} of {@link #BUCKET}, SHA-256. */
  public S3Options.Builder options(String prefix, Path cacheDir) {
    return S3Options.builder(BUCKET)
        .prefix(prefix)
        .endpoint(endpoint)
        .credentials(accessKey, secretKey)
        .hashAlgorithm(HashAlgorithm.SHA256)
        .cacheDir(cacheDir);
  }

  /** A key prefix no earlier run used: {@code bench/NAME-NANOS}. */
  public static String freshPrefix(String name) {
    return "bench/" + name + "-" + Long.toHexString(System.nanoTime());
  }

  /** The bytes of every object under {@code prefix} of {@link #BUCKET} (one LIST per 1,000). */
  public static long bytesUnder(S3Client client, String prefix) {
    long bytes = 0;
    for (S3Object object :
        client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix + "/")).contents()) {
      bytes += object.size();
    }
    return bytes;
  }
}
