package dev.cairn.s3;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.storage.PackIndex;
import dev.cairn.testkit.ConformanceSuite;
import dev.cairn.testkit.Seed;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The conformance suite against the build's real Ceph RGW, for SHA-1 and SHA-256 stores: each store
 * under a fresh key prefix of the test bucket, reopened on the same prefix; damage is done behind
 * the store, to the bytes of the object's record in its pack in the bucket.
 */
class S3ConformanceIT {
  /** One fresh prefix per store; reopening finds the prefix again. */
  abstract static class OnRgw extends ConformanceSuite {
    private static final AtomicBoolean PROBED = new AtomicBoolean();
    private final Map<Backend, String> prefixes =
        Collections.synchronizedMap(new IdentityHashMap<>());

    private Backend build(String prefix) {
      // No grace: the suite compacts right after writing and expects dropped objects gone.
      // The conditional-write probe checks the server, which is the same for every store of
      // the run: it runs at the first open only (seven requests saved at each of the others;
      // the Lincheck stress tests open a store per invocation).
      Backend store =
          S3Backend.open(
              Rgw.get()
                  .options(prefix)
                  .hashAlgorithm(hashAlgorithm())
                  .gcGrace(Duration.ZERO)
                  .connections(8)
                  .probe(!PROBED.getAndSet(true))
                  .build());
      prefixes.put(store, prefix);
      return store;
    }

    @Override
    protected Backend open(Seed seed) {
      return seed.writeTo(build(Rgw.freshPrefix("conformance-" + hashAlgorithm().name())));
    }

    @Override
    protected Backend reopen(Backend closed) {
      return build(prefixes.get(closed));
    }

    /**
     * Flips a byte in the middle of the object's record, in every pack of the store whose index
     * lists it, by rewriting the pack object in the bucket (the index stays as it was).
     */
    @Override
    protected void damage(Backend closed, Hash hash, byte[] data) {
      String prefix = prefixes.get(closed) + "/";
      int damaged = 0;
      try (S3Client client = Rgw.get().client()) {
        for (S3Object listed :
            client
                .listObjectsV2Paginator(b -> b.bucket(Rgw.BUCKET).prefix(prefix + IndexSet.INDEXES))
                .contents()) {
          PackIndex index =
              IndexObject.decode(
                      ByteBuffer.wrap(
                          client
                              .getObjectAsBytes(b -> b.bucket(Rgw.BUCKET).key(listed.key()))
                              .asByteArrayUnsafe()),
                      listed.key())
                  .index();
          int entry = index.find(hash);
          if (entry < 0) {
            continue;
          }
          String name = listed.key().substring((prefix + IndexSet.INDEXES).length());
          String packKey = prefix + Pack.key(name.substring(0, name.length() - ".idx".length()));
          byte[] pack =
              client.getObjectAsBytes(b -> b.bucket(Rgw.BUCKET).key(packKey)).asByteArray();
          pack[(int) (index.offset(entry) + index.length(entry) / 2)] ^= 0x5a;
          client.putObject(b -> b.bucket(Rgw.BUCKET).key(packKey), RequestBody.fromBytes(pack));
          damaged++;
        }
      }
      if (damaged == 0) {
        throw new AssertionError("no index under " + prefix + " lists " + hash);
      }
    }

    @Override
    protected boolean refsModelCheckable() {
      return false; // HTTP to the server is beyond Lincheck's model checker
    }

    /** Every operation is a request to the server: the suite's remote budgets (see there). */
    @Override
    protected boolean remote() {
      return true;
    }
  }

  /**
   * SHA-1 on RGW runs with {@code -Pfull} (tag {@code long}): a second pass of the whole suite over
   * the network costs the bounded run about ten minutes, and what the algorithm changes in this
   * store is only the digest length of its keys and index entries.
   */
  @Nested
  @Tag("long")
  class Sha1 extends OnRgw {
    @Override
    protected HashAlgorithm hashAlgorithm() {
      return HashAlgorithm.SHA1;
    }
  }

  @Nested
  class Sha256 extends OnRgw {
    @Override
    protected HashAlgorithm hashAlgorithm() {
      return HashAlgorithm.SHA256;
    }
  }
}
