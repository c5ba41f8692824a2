package dev.cairn.s3;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.StoreIOException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The keys of one store (a bucket and a key prefix) through an {@link S3Client}, with every failure
 * turned into a {@link StoreIOException} of one line that names the bucket and what went wrong
 * (missing bucket, rejected credentials, unreachable endpoint). Conditional PUTs report a failed
 * precondition as {@code false}; a conflict with a concurrent write on the same key ({@code 409
 * ConditionalRequestConflict} from AWS, {@code 500} from RGW, whose racing writes cancel one
 * another with {@code ECANCELED}) is retried with backoff. Thread-safe; counts its requests.
 */
final class Bucket implements AutoCloseable {
  private static final int CONFLICT_ATTEMPTS = 50;

  private final S3Client client;
  private final String bucket;
  private final String prefix;
  private final String where;
  private final LongAdder requests = new LongAdder();

  /** An object's bytes and its ETag, unquoted. */
  record Blob(byte[] data, @Nullable String etag) {}

  /** A listed key (relative to the prefix), its size and when it was last written. */
  record Listed(String key, long size, Instant lastModified) {}

  /**
   * @param prefix the key prefix of the store, empty or ending in {@code /}
   * @param where how messages name the store, e.g. {@code "s3:bucket/prefix at http://..."}
   */
  Bucket(S3Client client, String bucket, String prefix, String where) {
    this.client = requireNonNull(client, "client");
    this.bucket = requireNonNull(bucket, "bucket");
    this.prefix = requireNonNull(prefix, "prefix");
    this.where = requireNonNull(where, "where");
  }

  /** The number of requests sent so far (each retry by the SDK counts once with its call). */
  long requests() {
    return requests.sum();
  }

  /** Checks that the bucket exists and that the credentials are accepted. */
  void check() {
    call("checking the bucket", () -> client.headBucket(b -> b.bucket(bucket)));
  }

  /** The object at {@code key}, or empty if there is none. */
  Optional<Blob> get(String key) {
    return call(
        "reading " + key,
        () -> {
          try {
            ResponseBytes<GetObjectResponse> bytes =
                client.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key));
            return Optional.of(
                new Blob(bytes.asByteArrayUnsafe(), unquote(bytes.response().eTag())));
          } catch (S3Exception e) {
            if (e.statusCode() == 404) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }

  /**
   * {@code length} bytes of {@code key} from {@code offset} (one ranged GET), or empty if the
   * object does not exist; fewer bytes (none if it ends before {@code offset}) where the object
   * ends early.
   */
  Optional<byte[]> getRange(String key, long offset, int length) {
    if (length == 0) {
      return get(key).map(b -> new byte[0]);
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    return call(
        "reading " + key + " at " + offset,
        () -> {
          try {
            return Optional.of(
                client
                    .getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key).range(range))
                    .asByteArrayUnsafe());
          } catch (S3Exception e) {
            if (e.statusCode() == 404) {
              return Optional.empty();
            }
            if (e.statusCode() == 416) {
              return Optional.of(new byte[0]); // the object ends before the range: a short read
            }
            throw e;
          }
        });
  }

  /** Writes {@code data} at {@code key}, replacing what was there. Durable when it returns. */
  void put(String key, byte[] data) {
    put(key, data, data.length);
  }

  /**
   * Writes the first {@code length} bytes of {@code data} at {@code key}, replacing what was there,
   * read in place (the caller must not change them until this returns). Durable when it returns.
   */
  void put(String key, byte[] data, int length) {
    if (length < 0 || length > data.length) {
      throw new IndexOutOfBoundsException(
          "length " + length + " of an array of " + data.length + " bytes");
    }
    call(
        "writing " + key,
        () ->
            client.putObject(
                b -> b.bucket(bucket).key(prefix + key).contentLength((long) length),
                RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(data, 0, length),
                    length,
                    "application/octet-stream")));
  }

  /** Writes {@code data} at {@code key} only if no object is there; false if one is. */
  boolean putIfAbsent(String key, byte[] data) {
    return conditionalPut(key, data, b -> b.ifNoneMatch("*"));
  }

  /**
   * Writes {@code data} at {@code key} only if the object there has the ETag {@code etag} (sent
   * unquoted, the form both RGW and AWS accept); false if it has another or none.
   */
  boolean putIfMatch(String key, byte[] data, String etag) {
    return conditionalPut(key, data, b -> b.ifMatch(etag));
  }

  private boolean conditionalPut(
      String key, byte[] data, java.util.function.Consumer<PutObjectRequest.Builder> condition) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call(
            "writing " + key,
            () -> {
              try {
                client.putObject(
                    b -> {
                      b.bucket(bucket).key(prefix + key).contentLength((long) data.length);
                      condition.accept(b);
                    },
                    RequestBody.fromBytes(data));
                return true;
              } catch (S3Exception e) {
                // RGW answers 412 for If-Match on an absent key, AWS 404: both mean "not as
                // expected".
                if (e.statusCode() == 412 || e.statusCode() == 404 && !isNoSuchBucket(e)) {
                  return false;
                }
                if (e.statusCode() == 500) {
                  // RGW: a write racing on the same key canceled this one, which did not happen.
                  // Tried again, it meets the condition as it is now; had it happened after all,
                  // the
                  // retry fails its precondition and the caller recognizes its own write.
                  throw new ConflictException(e);
                }
                throw e;
              }
            });
      } catch (ConflictException e) {
        if (attempt >= CONFLICT_ATTEMPTS) {
          throw new StoreIOException(
              where + ": writing " + key,
              new S3Failure(
                  "a conflict with concurrent writes ("
                      + e.status()
                      + ") "
                      + attempt
                      + " times in a row",
                  e));
        }
        backoff(attempt);
      }
    }
  }

  /** Deletes {@code key} (unconditionally: RGW ignores conditions on DELETE). */
  void delete(String key) {
    call("deleting " + key, () -> client.deleteObject(b -> b.bucket(bucket).key(prefix + key)));
  }

  /** Every key under {@code subPrefix} (relative to the store's prefix), in key order. */
  List<Listed> list(String subPrefix) {
    List<Listed> out = new ArrayList<>();
    String token = null;
    do {
      String continuation = token;
      ListObjectsV2Response page =
          call(
              "listing " + subPrefix,
              () ->
                  client.listObjectsV2(
                      ListObjectsV2Request.builder()
                          .bucket(bucket)
                          .prefix(prefix + subPrefix)
                          .continuationToken(continuation)
                          .maxKeys(1000)
                          .build()));
      for (S3Object object : page.contents()) {
        out.add(
            new Listed(
                object.key().substring(prefix.length()), object.size(), object.lastModified()));
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return out;
  }

  private <T> T call(String doing, Supplier<T> request) {
    requests.increment();
    try {
      return request.get();
    } catch (S3Exception e) {
      if (e.statusCode() == 409 && "ConditionalRequestConflict".equals(errorCode(e))) {
        throw new ConflictException(e);
      }
      throw new StoreIOException(where + ": " + doing, new S3Failure(explain(e), e));
    } catch (SdkException e) {
      throw new StoreIOException(where + ": " + doing, new S3Failure(explain(e), e));
    }
  }

  /** One line saying what the server or the network answered. */
  static String explain(SdkException e) {
    if (e instanceof S3Exception s3) {
      String code = errorCode(s3);
      if (isNoSuchBucket(s3)) {
        return "the bucket does not exist (404 NoSuchBucket)";
      }
      switch (code == null ? "" : code) {
        case "InvalidAccessKeyId":
          return "the credentials were rejected: unknown access key (403 InvalidAccessKeyId)";
        case "SignatureDoesNotMatch":
          return "the credentials were rejected: wrong secret key (403 SignatureDoesNotMatch)";
        case "AccessDenied":
          return "access denied (403 AccessDenied)";
        case "SlowDown":
          return "the server is throttling requests (503 SlowDown) and retries did not get through";
        default:
          break;
      }
      if (s3.statusCode() == 403) {
        return "the credentials were rejected (403" + (code == null ? "" : " " + code) + ")";
      }
      if (s3.statusCode() == 404 && code == null) {
        return "the bucket does not exist or the endpoint is not an S3 server (404)";
      }
      return "the server answered "
          + s3.statusCode()
          + (code == null ? "" : " " + code)
          + firstLine(s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorMessage());
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      if (root instanceof ConnectException || root instanceof UnknownHostException) {
        return "cannot reach the endpoint ("
            + root.getClass().getSimpleName()
            + firstLine(root.getMessage())
            + ")";
      }
    }
    if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
      return "no credentials found: " + oneLine(e.getMessage());
    }
    return oneLine(e.getMessage());
  }

  private static String firstLine(@Nullable String message) {
    return message == null || message.isBlank() ? "" : ": " + oneLine(message);
  }

  private static String oneLine(@Nullable String message) {
    String text = String.valueOf(message).strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline).strip();
  }

  private static @Nullable String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static boolean isNoSuchBucket(S3Exception e) {
    return "NoSuchBucket".equals(errorCode(e));
  }

  static @Nullable String unquote(@Nullable String etag) {
    if (etag == null) {
      return null;
    }
    return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
        ? etag.substring(1, etag.length() - 1)
        : etag;
  }

  static void backoff(int attempt) {
    long cap = Math.min(1000, 5L << Math.min(attempt, 8));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreIOException(
          "interrupted while waiting to retry", new java.io.InterruptedIOException("interrupted"));
    }
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return where;
  }

  /** A conflict with a concurrent write (409 from AWS, 500 from RGW), retried. */
  private static final class ConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    ConflictException(S3Exception cause) {
      super(cause.getMessage(), cause);
      this.status = cause.statusCode();
    }

    String status() {
      return status == 409
          ? "409 ConditionalRequestConflict"
          : status + " " + errorCode((S3Exception) requireNonNull(getCause(), "cause"));
    }
  }

  static IOException failure(String message) {
    return new S3Failure(message, null);
  }
}
