package dev.cairn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PackTest {
  @ParameterizedTest
  @EnumSource(Compression.class)
  void everyObjectReadsBackAndAbsentOnesAreAbsent(Compression compression) throws IOException {
    Map<Hash, byte[]> objects = new LinkedHashMap<>(Packs.text(HashAlgorithm.SHA256, 3000, 1));
    objects.putAll(Packs.random(HashAlgorithm.SHA256, 50, 1024, 2));
    objects.put(HashAlgorithm.SHA256.hash(new byte[0]), new byte[0]);
    Packs.Written written = Packs.write(HashAlgorithm.SHA256, PackOptions.of(compression), objects);
    PackReader reader = written.reader(HashAlgorithm.SHA256);
    for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
      assertThat(reader.read(e.getKey())).hasValue(e.getValue());
    }
    for (Hash absent : Packs.absent(HashAlgorithm.SHA256, 500)) {
      assertThat(reader.read(absent)).isEmpty();
    }
    assertThat(written.summary().objects()).isEqualTo(objects.size());
    assertThat(reader.verify((h, b) -> assertThat(objects.get(h)).isEqualTo(b)))
        .isEqualTo(objects.size());
  }

  @Test
  void pastIncompressibleSamplesTheRestIsProbedAndCompressedOnceItPays() throws IOException {
    PackOptions options =
        new PackOptions(Compression.AUTO, RecordCodec.DEFAULT_LEVEL, 256, 64 << 10, 0);
    Map<Hash, byte[]> random = Packs.random(HashAlgorithm.SHA256, 400, 1024, 5);
    PackSummary allRandom = Packs.write(HashAlgorithm.SHA256, options, random).summary();
    assertThat(allRandom.compressedRecords()).isZero();
    assertThat(allRandom.dictionaryBytes()).isZero();
    // Random samples first, text after: a probe finds the text compressing and zstd takes over.
    Map<Hash, byte[]> mixed = new LinkedHashMap<>(random);
    Map<Hash, byte[]> text = Packs.text(HashAlgorithm.SHA256, 3000, 6);
    mixed.putAll(text);
    Packs.Written written = Packs.write(HashAlgorithm.SHA256, options, mixed);
    assertThat(written.summary().compressedRecords()).isGreaterThan(text.size() * 9L / 10);
    PackReader reader = written.reader(HashAlgorithm.SHA256);
    for (Map.Entry<Hash, byte[]> e : mixed.entrySet()) {
      assertThat(reader.read(e.getKey())).hasValue(e.getValue());
    }
  }

  @Test
  void aDictionaryMakesSmallDocumentsTwiceAsSmall() {
    Map<Hash, byte[]> objects = Packs.text(HashAlgorithm.SHA1, 10_000, 3);
    PackSummary none =
        Packs.write(HashAlgorithm.SHA1, PackOptions.of(Compression.NONE), objects).summary();
    PackSummary zstd =
        Packs.write(HashAlgorithm.SHA1, PackOptions.of(Compression.ZSTD), objects).summary();
    PackSummary auto =
        Packs.write(HashAlgorithm.SHA1, PackOptions.of(Compression.AUTO), objects).summary();
    assertThat(auto.dictionaryBytes()).isPositive();
    assertThat(zstd.dictionaryBytes()).isZero();
    assertThat(none.compressedRecords()).isZero();
    assertThat(auto.packBytes()).isLessThan(zstd.packBytes());
    assertThat(auto.packBytes() * 2).isLessThan(none.packBytes());
  }

  @Test
  void incompressibleObjectsAreStoredRawWithFiveBytesOfFraming() {
    Map<Hash, byte[]> objects = Packs.random(HashAlgorithm.SHA256, 1000, 1024, 4);
    PackSummary summary =
        Packs.write(HashAlgorithm.SHA256, PackOptions.of(Compression.AUTO), objects).summary();
    assertThat(summary.compressedRecords()).isZero();
    assertThat(summary.dictionaryBytes()).isZero();
    long framing = summary.packBytes() - summary.payloadBytes();
    assertThat(framing).isEqualTo(1000L * RecordCodec.RAW_OVERHEAD + 16 + 12);
  }

  @Test
  void anIndexOfPrefixesKeepsEightBytesAndStillServesOnlyTheObjectAskedFor() throws IOException {
    Map<Hash, byte[]> objects = Packs.random(HashAlgorithm.SHA256, 2000, 64, 5);
    Packs.Written full =
        Packs.write(HashAlgorithm.SHA256, PackOptions.of(Compression.AUTO), objects);
    Packs.Written prefixed =
        Packs.write(
            HashAlgorithm.SHA256, PackOptions.of(Compression.AUTO).withIndexHashBytes(8), objects);
    PackReader reader = prefixed.reader(HashAlgorithm.SHA256);
    assertThat(reader.index().prefixLength()).isEqualTo(8);
    assertThat(full.index().length - prefixed.index().length).isEqualTo(2000L * 24);
    for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
      assertThat(reader.read(e.getKey())).hasValue(e.getValue());
      // The same first 8 bytes, another hash: the index finds the entry, the re-hash refuses.
      byte[] other = e.getKey().toBytes();
      other[31] ^= 1;
      assertThat(reader.read(Hash.of(HashAlgorithm.SHA256, other))).isEmpty();
    }
  }

  @Test
  void prefixesGrowWhereTwoHashesShareTheirFirstBytes() throws IOException {
    Map<Hash, byte[]> objects = new HashMap<>();
    byte[] a = new byte[20];
    byte[] b = new byte[20];
    b[10] = 1;
    objects.put(Hash.of(HashAlgorithm.SHA1, a), "a".getBytes());
    objects.put(Hash.of(HashAlgorithm.SHA1, b), "b".getBytes());
    Packs.Written written =
        Packs.write(
            HashAlgorithm.SHA1, PackOptions.of(Compression.NONE).withIndexHashBytes(8), objects);
    PackIndex index = PackIndex.decode(ByteBuffer.wrap(written.index()), "x");
    assertThat(index.prefixLength()).isEqualTo(11);
    assertThat(index.find(Hash.of(HashAlgorithm.SHA1, b))).isEqualTo(1);
  }

  @Test
  void hashesAlikeInTheirFirstEightBytesAreIndexedInTheirOrder() throws IOException {
    // The first 5 bytes are shared and the 6th to 8th take few values, so many hashes share
    // their first 8 bytes, or differ only in their low bits (where the sort keeps entry numbers).
    Map<Hash, byte[]> objects = new LinkedHashMap<>();
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    while (objects.size() < 3000) {
      byte[] digest = new byte[32];
      for (int i = 6; i < 32; i++) {
        digest[i] = (byte) random.nextInt(256);
      }
      digest[5] = (byte) random.nextInt(4);
      digest[6] = (byte) random.nextInt(2);
      digest[7] = (byte) random.nextInt(4);
      objects.put(Hash.of(HashAlgorithm.SHA256, digest), new byte[] {(byte) objects.size()});
    }
    Packs.Written written =
        Packs.write(HashAlgorithm.SHA256, PackOptions.of(Compression.NONE), objects);
    PackIndex index = PackIndex.decode(ByteBuffer.wrap(written.index()), "x");
    for (int i = 1; i < index.size(); i++) {
      assertThat(java.util.Arrays.compareUnsigned(index.prefix(i - 1), index.prefix(i)))
          .as("entry %d after entry %d", i, i - 1)
          .isNegative();
    }
    for (Hash hash : objects.keySet()) {
      assertThat(index.find(hash)).as("%s", hash).isNotNegative();
    }
  }

  @Test
  void aRawRecordWrittenInPlaceIsTheRecordEncodeMakes() throws IOException {
    for (int size : new int[] {0, 1, 23, 1024, 70_000}) {
      byte[] payload = new byte[size];
      new java.util.Random(size).nextBytes(payload);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(RecordCodec.writeRaw(payload, out)).isEqualTo(size + RecordCodec.RAW_OVERHEAD);
      assertThat(out.toByteArray()).isEqualTo(RecordCodec.raw().encode(payload));
    }
  }

  @Test
  void aHashAddedTwiceIsStoredOnce() throws IOException {
    Map<Hash, byte[]> objects = Packs.text(HashAlgorithm.SHA256, 10, 6);
    ByteArrayOutputStream pack = new ByteArrayOutputStream();
    PackWriter writer =
        PackWriter.create(pack, HashAlgorithm.SHA256, PackOptions.of(Compression.ZSTD));
    for (int i = 0; i < 2; i++) {
      for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
        writer.add(e.getKey(), e.getValue());
      }
    }
    assertThat(writer.finish(new ByteArrayOutputStream()).objects()).isEqualTo(10);
  }

  @Test
  void aWrongAlgorithmOrAFinishedWriterIsRefusedByName() throws IOException {
    PackWriter writer =
        PackWriter.create(
            new ByteArrayOutputStream(), HashAlgorithm.SHA256, PackOptions.of(Compression.AUTO));
    Hash sha1 = HashAlgorithm.SHA1.hash(new byte[1]);
    assertThatThrownBy(() -> writer.add(sha1, new byte[1])).hasMessageContaining("sha1");
    writer.finish(new ByteArrayOutputStream());
    Hash sha256 = HashAlgorithm.SHA256.hash(new byte[1]);
    assertThatThrownBy(() -> writer.add(sha256, new byte[1]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(sha256.toString());
  }

  @Test
  void anEmptyPackReadsAsEmpty() throws IOException {
    Packs.Written written =
        Packs.write(HashAlgorithm.SHA256, PackOptions.of(Compression.AUTO), Map.of());
    PackReader reader = written.reader(HashAlgorithm.SHA256);
    assertThat(reader.read(Packs.absent(HashAlgorithm.SHA256, 1).get(0))).isEmpty();
    assertThat(reader.verify((h, b) -> {})).isZero();
  }

  @Test
  void aPointReadIsOneRangedReadOfExactlyTheRecord(@TempDir Path dir) throws IOException {
    Map<Hash, byte[]> objects = Packs.text(HashAlgorithm.SHA256, 2000, 7);
    Packs.Written written =
        Packs.write(HashAlgorithm.SHA256, PackOptions.of(Compression.AUTO), objects);
    Path packFile = dir.resolve("p.pack");
    Files.write(packFile, written.pack());
    try (FileChannel channel = FileChannel.open(packFile, StandardOpenOption.READ)) {
      ByteSource file = ByteSource.of(channel);
      AtomicInteger calls = new AtomicInteger();
      List<Integer> lengths = new ArrayList<>();
      ByteSource counted =
          (position, length) -> {
            calls.incrementAndGet();
            lengths.add(length);
            return file.read(position, length);
          };
      PackIndex index = PackIndex.decode(ByteBuffer.wrap(written.index()), "p.idx");
      PackReader reader = PackReader.open(index, counted, HashAlgorithm.SHA256, "p.pack");
      assertThat(calls).hasValue(1);
      assertThat(index.dictionaryLength()).isPositive();
      assertThat(lengths.get(0)).as("open reads the head").isEqualTo((int) index.headLength());
      assertThat(index.headLength()).isEqualTo(16 + index.dictionaryLength() + 4);
      Hash some = objects.keySet().iterator().next();
      assertThat(reader.read(some)).hasValue(objects.get(some));
      assertThat(calls).hasValue(2);
      assertThat(lengths.get(1)).isEqualTo(index.length(index.find(some)));
    }
  }

  @Test
  void aPackWithoutADictionaryOpensWithoutAReadAndVerifyStillChecksItsHeader() throws IOException {
    Map<Hash, byte[]> objects = Packs.text(HashAlgorithm.SHA1, 500, 9);
    Packs.Written written =
        Packs.write(HashAlgorithm.SHA1, PackOptions.of(Compression.ZSTD), objects);
    PackIndex index = PackIndex.decode(ByteBuffer.wrap(written.index()), "z.idx");
    assertThat(index.headLength()).isEqualTo(16);
    AtomicInteger calls = new AtomicInteger();
    ByteSource whole = ByteSource.of(ByteBuffer.wrap(written.pack()));
    PackReader reader =
        PackReader.openWithoutHead(
            index,
            (position, length) -> {
              calls.incrementAndGet();
              return whole.read(position, length);
            },
            HashAlgorithm.SHA1,
            "z.pack");
    assertThat(calls).as("reads to open").hasValue(0);
    for (Map.Entry<Hash, byte[]> e : objects.entrySet()) {
      assertThat(reader.read(e.getKey())).hasValue(e.getValue());
    }
    assertThat(calls).as("one read per object").hasValue(objects.size());
    byte[] badHeader = written.pack().clone();
    badHeader[5] ^= 1;
    PackReader damaged =
        PackReader.openWithoutHead(
            index, ByteSource.of(ByteBuffer.wrap(badHeader)), HashAlgorithm.SHA1, "bad.pack");
    assertThatThrownBy(() -> damaged.verify((h, b) -> {}))
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("bad.pack");
  }

  @Test
  void aPackWithADictionaryIsOpenedOnlyByReadingItsHead() {
    Packs.Written written =
        Packs.write(
            HashAlgorithm.SHA256,
            PackOptions.of(Compression.AUTO),
            Packs.text(HashAlgorithm.SHA256, 2000, 10));
    PackIndex index = PackIndex.decode(ByteBuffer.wrap(written.index()), "d.idx");
    assertThat(index.dictionaryLength()).isPositive();
    assertThatThrownBy(
            () ->
                PackReader.openWithoutHead(
                    index,
                    ByteSource.of(ByteBuffer.wrap(written.pack())),
                    HashAlgorithm.SHA256,
                    "d.pack"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("d.idx")
        .hasMessageContaining(String.valueOf(index.dictionaryLength()));
  }

  @Test
  void aTruncatedPackIsCorruptionNamingThePack() throws IOException {
    Map<Hash, byte[]> objects = Packs.text(HashAlgorithm.SHA256, 100, 8);
    Packs.Written written =
        Packs.write(HashAlgorithm.SHA256, PackOptions.of(Compression.ZSTD), objects);
    byte[] cut = java.util.Arrays.copyOf(written.pack(), written.pack().length / 2);
    PackReader reader =
        PackReader.open(
            PackIndex.decode(ByteBuffer.wrap(written.index()), "i"),
            ByteSource.of(ByteBuffer.wrap(cut)),
            HashAlgorithm.SHA256,
            "cut.pack");
    assertThatThrownBy(
            () -> {
              for (Hash hash : objects.keySet()) {
                reader.read(hash);
              }
            })
        .isInstanceOf(CorruptionException.class)
        .hasMessageContaining("cut.pack");
  }
}
