package dev.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.spi.Hash;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The pure parts of the s3 benchmark, without a server: the request counter on a real SDK client
 * (against a stand-in HTTP server in the test), the figures and ratio line of {@link Turns}, how
 * the RGW's files are read, and the objects both sides are given. The timed runs happen only from
 * bench/s3.sh.
 */
class S3HarnessTest {
  @TempDir Path temp;

  @Test
  void theCounterCountsEveryRequestByOperationRetriesIncluded() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          String path = exchange.getRequestURI().getPath();
          int status = path.endsWith("/busy") ? 500 : 200;
          byte[] body = exchange.getRequestMethod().equals("GET") ? new byte[1024] : new byte[0];
          exchange.getResponseHeaders().add("ETag", "\"x\"");
          exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try {
      S3Rig rig =
          new S3Rig(
              URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "key", "secret");
      RequestCounter counter = new RequestCounter();
      try (S3Client client = rig.client(counter, 2)) {
        byte[] data = new byte[4096];
        client.putObject(
            b -> b.bucket(S3Rig.BUCKET).key("a").contentLength((long) data.length),
            RequestBody.fromBytes(data));
        for (int i = 0; i < 2; i++) {
          assertThat(
                  client
                      .getObjectAsBytes(b -> b.bucket(S3Rig.BUCKET).key("a").range("bytes=0-1023"))
                      .asByteArrayUnsafe())
              .hasSize(1024);
        }
        assertThat(counter.snapshot())
            .containsEntry("PutObject", 1L)
            .containsEntry("GetObject", 2L);
        assertThat(counter.total()).isEqualTo(3);

        assertThatThrownBy(() -> client.getObjectAsBytes(b -> b.bucket(S3Rig.BUCKET).key("busy")))
            .isInstanceOf(S3Exception.class);
        assertThat(counter.of("GetObject"))
            .as("a 500 is retried; each attempt counts")
            .isGreaterThan(3);
        assertThat(counter.of("ListObjectsV2")).isZero();
      }
    } finally {
      server.stop(0);
    }
  }

  @Test
  void turnsGiveTheStoresThroughputAsAFractionOfTheRawClientsAndRequestsPerObjects() {
    Turns ingest = new Turns("ingest", "s3:", "sdk", 1_000, 0.8);
    for (int i = 0; i < 4; i++) {
      ingest.add(Turns.OURS, 500_000_000L, 2, 16_384); // 0.5 s, a pack and its index
      ingest.add(Turns.THEIRS, 400_000_000L, 1, 16_384); // 0.4 s, one PUT
    }
    assertThat(ingest.operations(Turns.OURS)).isEqualTo(4);
    assertThat(ingest.microsPerOperation(Turns.OURS)).isEqualTo(500_000.0);
    assertThat(ingest.objectsPerSecond(Turns.THEIRS)).isEqualTo(40_960.0);
    assertThat(ingest.ratio()).isEqualTo(0.8);
    assertThat(ingest.met()).isTrue();
    assertThat(ingest.requestsPer(Turns.OURS)).isCloseTo(2_000.0 / 16_384, within());
    assertThat(ingest.line())
        .isEqualTo(
            "ingest: s3: 500.0 ms/op (32,768 objects/s), sdk 400.0 ms/op (40,960 objects/s):"
                + " s3: at 0.80x sdk (goal >= 0.80x: met); requests per 1,000 objects: s3: 0.12,"
                + " sdk 0.06");

    Turns reads = new Turns("reads", "s3:", "sdk", 1, 0.5);
    reads.add(Turns.OURS, 3_000, 1, 1);
    reads.add(Turns.THEIRS, 1_000, 1, 1);
    assertThat(reads.ratio()).isCloseTo(1.0 / 3, within());
    assertThat(reads.met()).isFalse();
    assertThat(reads.line()).contains("3.0 us/op").contains("goal >= 0.50x: missed");
    assertThat(new Turns("x", "a", "b", 1, Double.NaN).met()).isTrue();

    assertThatThrownBy(() -> reads.add(2, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("side 2");
    assertThatThrownBy(() -> reads.add(Turns.OURS, -1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1 ns");
    assertThatThrownBy(() -> new Turns("x", "a", "b", 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("per 0");
  }

  @Test
  void theRigIsReadFromTheFilesRgwShLeaves() throws IOException {
    Files.writeString(temp.resolve("endpoint"), "http://127.0.0.1:7480\n");
    Files.writeString(temp.resolve("credentials"), "access\nsecret\n");
    S3Rig rig = S3Rig.read(temp);
    assertThat(rig).isEqualTo(new S3Rig(URI.create("http://127.0.0.1:7480"), "access", "secret"));
    assertThat(rig.options("bench/x", temp.resolve("cache")).build().prefix())
        .isEqualTo("bench/x/");
    assertThatThrownBy(() -> S3Rig.read(temp.resolve("none")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rgw.sh start");
    assertThat(S3Rig.freshPrefix("a")).startsWith("bench/a-").isNotEqualTo(S3Rig.freshPrefix("a"));
  }

  @Test
  void bothSidesAreGivenTheSameBytes() {
    Workload workload = new Workload(1024, 100, 3);
    Map<Hash, byte[]> batch = S3Interleaved.batch(workload, 10, 5);
    byte[] concatenated = S3Interleaved.concatenated(workload, 10, 5);
    assertThat(batch).hasSize(5);
    assertThat(concatenated).hasSize(5 * 1024);
    int i = 0;
    for (Map.Entry<Hash, byte[]> e : batch.entrySet()) {
      assertThat(e.getValue()).isEqualTo(workload.value(10 + i));
      assertThat(Arrays.copyOfRange(concatenated, i * 1024, (i + 1) * 1024))
          .isEqualTo(e.getValue());
      assertThat(e.getKey().toBytes()).isEqualTo(Workload.key(e.getValue()));
      i++;
    }
    assertThat(S3Interleaved.median(new long[] {5, 1, 3})).isEqualTo(3);
  }

  @Test
  void theJmhBenchmarkWritesPacksOfTheStoresDefaultSize() throws NoSuchFieldException {
    org.openjdk.jmh.annotations.Param packSize =
        S3Benchmark.class
            .getField("packSize")
            .getAnnotation(org.openjdk.jmh.annotations.Param.class);
    assertThat(packSize.value())
        .containsExactly(String.valueOf(dev.cairn.s3.S3Options.DEFAULT_PACK_SIZE));
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
