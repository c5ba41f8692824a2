package dev.cairn.s3;

import dev.cairn.spi.StoreConfigurationException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * Checks, on a scratch key, that the server enforces the conditional PUTs refs rely on: a second
 * {@code If-None-Match: *} PUT is refused, an {@code If-Match} with a stale ETag is refused, and
 * one with the current ETag is accepted. A server that fails any of them (several S3 emulators do)
 * would make compare-and-set unsafe, so the store refuses to open on it.
 */
final class ConditionalWriteProbe {
  private ConditionalWriteProbe() {}

  /**
   * Runs the probe.
   *
   * @throws StoreConfigurationException naming the check that failed
   */
  static void run(Bucket bucket) {
    String key = "probe/" + UUID.randomUUID();
    try {
      if (!bucket.putIfAbsent(key, bytes("first"))) {
        throw refused(bucket, "a PUT with If-None-Match: * on a new key was refused");
      }
      if (bucket.putIfAbsent(key, bytes("second"))) {
        throw refused(
            bucket,
            "a PUT with If-None-Match: * on an existing key was accepted"
                + " (If-None-Match is ignored)");
      }
      Optional<Bucket.Blob> first = bucket.get(key);
      if (first.isEmpty()
          || !new String(first.get().data(), StandardCharsets.UTF_8).equals("first")) {
        throw refused(
            bucket,
            "the object written first was not read back (no read-after-write"
                + " consistency, or If-None-Match let a second write through)");
      }
      String etag = first.get().etag();
      if (etag == null) {
        throw refused(bucket, "a GET returned no ETag");
      }
      if (bucket.putIfMatch(
          key, bytes("stale"), (etag.charAt(0) == '0' ? "1" : "0") + etag.substring(1))) {
        throw refused(
            bucket, "a PUT with If-Match on a stale ETag was accepted (If-Match is ignored)");
      }
      if (!bucket.putIfMatch(key, bytes("third"), etag)) {
        throw refused(bucket, "a PUT with If-Match on the current ETag " + etag + " was refused");
      }
      Optional<Bucket.Blob> third = bucket.get(key);
      if (third.isEmpty()
          || !new String(third.get().data(), StandardCharsets.UTF_8).equals("third")) {
        throw refused(bucket, "the object written with If-Match was not read back");
      }
    } finally {
      bucket.delete(key);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static StoreConfigurationException refused(Bucket bucket, String what) {
    return new StoreConfigurationException(
        bucket
            + " does not enforce conditional writes, so"
            + " refs would not be safe there: "
            + what);
  }
}
