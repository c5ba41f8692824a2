package dev.cairn.storage;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test objects and packs written in memory. */
final class Packs {
  private Packs() {}

  /** A pack and its index, as bytes. */
  record Written(byte[] pack, byte[] index, PackSummary summary) {
    PackReader reader(HashAlgorithm algorithm) throws IOException {
      return PackReader.open(
          PackIndex.decode(ByteBuffer.wrap(index), "test.idx"),
          ByteSource.of(ByteBuffer.wrap(pack)),
          algorithm,
          "test.pack");
    }
  }

  static Written write(HashAlgorithm algorithm, PackOptions options, Map<Hash, byte[]> objects) {
    try {
      ByteArrayOutputStream pack = new ByteArrayOutputStream();
      ByteArrayOutputStream index = new ByteArrayOutputStream();
      PackWriter writer = PackWriter.create(pack, algorithm, options);
      for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
        writer.add(e.getKey(), e.getValue());
      }
      PackSummary summary = writer.finish(index);
      return new Written(pack.toByteArray(), index.toByteArray(), summary);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code count} small JSON documents of one shape with varied values, as the small objects of a
   * real store (commits, trees, manifests) are.
   */
  static Map<Hash, byte[]> text(HashAlgorithm algorithm, int count, long seed) {
    Random random = new Random(seed);
    String[] names = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    String[] states = {"open", "closed", "merged", "draft"};
    Map<Hash, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      StringBuilder text =
          new StringBuilder("{\n  \"id\": ")
              .append(seed * 1_000_000 + i)
              .append(",\n  \"author\": \"")
              .append(names[random.nextInt(names.length)])
              .append("@example.org\",\n  \"state\": \"")
              .append(states[random.nextInt(states.length)])
              .append("\",\n  \"created\": \"2026-")
              .append(1 + random.nextInt(12))
              .append('-')
              .append(1 + random.nextInt(28))
              .append("T")
              .append(random.nextInt(24))
              .append(":00:00Z\",\n  \"labels\": [");
      int labels = random.nextInt(4);
      for (int l = 0; l < labels; l++) {
        text.append(l == 0 ? "" : ", ")
            .append("\"area/")
            .append(names[random.nextInt(8)])
            .append('"');
      }
      text.append("],\n  \"parent\": \"")
          .append(Long.toHexString(random.nextLong()))
          .append("\"\n}\n");
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      out.put(algorithm.hash(bytes), bytes);
    }
    return out;
  }

  /** {@code count} uniformly random objects of {@code size} bytes. */
  static Map<Hash, byte[]> random(HashAlgorithm algorithm, int count, int size, long seed) {
    Random random = new Random(seed);
    Map<Hash, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      out.put(algorithm.hash(bytes), bytes);
    }
    return out;
  }

  static List<Hash> absent(HashAlgorithm algorithm, int count) {
    List<Hash> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(algorithm.hash(("absent " + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }
}
