package dev.cairn.s3;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Refs as objects under {@code refs/}, one per ref, changed only by conditional PUTs: a create is
 * {@code If-None-Match: *}, an update or a delete is {@code If-Match} on the ETag read. A delete
 * writes a <em>tombstone</em> instead of deleting the key (RGW ignores conditions on DELETE, so a
 * conditional delete could erase a concurrent update). Every body carries a random nonce, so no two
 * writes have the same ETag: a write whose answer was lost and whose retry failed its precondition
 * is recognized as having succeeded. Tombstones have a length no ref body has, so a listing tells
 * them apart without reading them. Thread-safe; linearizable across processes wherever the server
 * enforces conditional PUTs (checked by {@link ConditionalWriteProbe} at open).
 */
final class RefStore {
  static final String REFS = "refs/";
  private static final String REF = "ref ";
  private static final String TOMBSTONE = "deleted ";
  private static final int NONCE_BYTES = 8;
  private static final int TOMBSTONE_LENGTH = TOMBSTONE.length() + 2 * NONCE_BYTES + 1;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Bucket bucket;
  private final HashAlgorithm algorithm;

  RefStore(Bucket bucket, HashAlgorithm algorithm) {
    this.bucket = requireNonNull(bucket, "bucket");
    this.algorithm = requireNonNull(algorithm, "algorithm");
  }

  /** A ref's state: its target (null if absent or deleted) and the ETag to condition on. */
  private record State(@Nullable Hash target, @Nullable String etag, @Nullable String body) {}

  Optional<Hash> get(String name) {
    return Optional.ofNullable(read(name).target());
  }

  void set(String name, Hash hash) {
    bucket.put(REFS + name, body(hash));
  }

  boolean compareAndSet(String name, @Nullable Hash expected, @Nullable Hash replacement) {
    for (int attempt = 1; ; attempt++) {
      State current = read(name);
      if (!Objects.equals(current.target(), expected)) {
        return false;
      }
      if (expected == null && replacement == null) {
        return true;
      }
      byte[] body = body(replacement);
      String etag = current.etag();
      boolean written =
          etag == null
              ? bucket.putIfAbsent(REFS + name, body)
              : bucket.putIfMatch(REFS + name, body, etag);
      if (written) {
        return true;
      }
      // The precondition failed: another writer won, or our own first attempt did and the SDK
      // retried it. The nonce in the body tells which.
      State now = read(name);
      if (now.body() != null && now.body().equals(new String(body, StandardCharsets.UTF_8))) {
        return true;
      }
      Bucket.backoff(Math.min(attempt, 3));
    }
  }

  /** The names of the refs that exist (tombstones left out), in key order. */
  List<String> names() {
    return bucket.list(REFS).stream()
        .filter(o -> o.size() != TOMBSTONE_LENGTH)
        .map(o -> o.key().substring(REFS.length()))
        .toList();
  }

  private State read(String name) {
    Optional<Bucket.Blob> blob = bucket.get(REFS + name);
    if (blob.isEmpty()) {
      return new State(null, null, null);
    }
    String body = new String(blob.get().data(), StandardCharsets.UTF_8);
    return new State(parse(name, body), blob.get().etag(), body);
  }

  private @Nullable Hash parse(String name, String body) {
    if (body.startsWith(TOMBSTONE) && body.length() == TOMBSTONE_LENGTH) {
      return null;
    }
    int space = body.indexOf(' ', REF.length());
    if (!body.startsWith(REF) || space < 0) {
      throw new CorruptionException(
          bucket + " " + REFS + name, 0, "not a ref: \"" + body.strip() + "\"");
    }
    try {
      return Hash.parse(algorithm, body.substring(REF.length(), space));
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(
          bucket + " " + REFS + name, REF.length(), String.valueOf(e.getMessage()));
    }
  }

  private static byte[] body(@Nullable Hash target) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    String random = HexFormat.of().formatHex(nonce);
    String body =
        target == null ? TOMBSTONE + random + "\n" : REF + target.toHex() + " " + random + "\n";
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
