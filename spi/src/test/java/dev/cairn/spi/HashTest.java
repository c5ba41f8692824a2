package dev.cairn.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashTest {
  private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

  @Test
  void sha1KnownAnswer() {
    assertThat(HashAlgorithm.SHA1.hash(ABC).toHex())
        .isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
    assertThat(HashAlgorithm.SHA1.hash(new byte[0]).toHex())
        .isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
  }

  @Test
  void sha256KnownAnswer() {
    assertThat(HashAlgorithm.SHA256.hash(ABC).toHex())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void gitBlobIdIsTheSha1OfTheObjectWithItsHeader() {
    byte[] blob = "blob 6\0hello\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(HashAlgorithm.SHA1.hash(blob).toHex())
        .isEqualTo("ce013625030ba8dba906f756967f9e9ca394464a");
  }

  @Test
  void streamAndArrayHashingAgree() throws Exception {
    byte[] data = new byte[200_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    assertThat(HashAlgorithm.SHA256.hash(new ByteArrayInputStream(data)))
        .isEqualTo(HashAlgorithm.SHA256.hash(data));
    assertThat(HashAlgorithm.SHA256.hash(data, 10, 100))
        .isEqualTo(HashAlgorithm.SHA256.hash(java.util.Arrays.copyOfRange(data, 10, 110)));
  }

  @Test
  void hexRoundTripsInBothCases() {
    Hash hash = HashAlgorithm.SHA256.hash(ABC);
    assertThat(Hash.parse(HashAlgorithm.SHA256, hash.toHex())).isEqualTo(hash);
    assertThat(Hash.parse(HashAlgorithm.SHA256, hash.toHex().toUpperCase())).isEqualTo(hash);
    assertThat(hash.toString()).isEqualTo(hash.toHex());
  }

  @Test
  void aWrongLengthIsRejectedQuotingTheInput() {
    assertThatThrownBy(() -> Hash.parse(HashAlgorithm.SHA1, "abc123"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a sha1 hash has 40 hex digits, got 6 in \"abc123\"");
  }

  @Test
  void aNonHexCharacterIsRejectedQuotingTheInput() {
    String bad = "g" + "0".repeat(39);
    assertThatThrownBy(() -> Hash.parse(HashAlgorithm.SHA1, bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a hex digit: \"g\" at 0 in \"" + bad + "\"");
  }

  @Test
  void nonAsciiDigitsAreRejected() {
    // Character.digit accepts fullwidth and Arabic-Indic digits; a hash must not.
    String fullwidth = "\uff10".repeat(40);
    assertThatThrownBy(() -> Hash.parse(HashAlgorithm.SHA1, fullwidth))
        .hasMessageStartingWith("not a hex digit");
  }

  @Test
  void controlCharactersInBadInputAreEscapedInTheMessage() {
    assertThatThrownBy(() -> Hash.parse(HashAlgorithm.SHA1, "\n\u0000"))
        .hasMessage("a sha1 hash has 40 hex digits, got 2 in \"\\n\\u0000\"");
  }

  @Test
  void wrongDigestLengthIsRejected() {
    assertThatThrownBy(() -> Hash.of(HashAlgorithm.SHA256, new byte[20]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a sha256 hash has 32 bytes, got 20");
  }

  @Test
  void hashesAreImmutable() {
    byte[] bytes = new byte[20];
    Hash hash = Hash.of(HashAlgorithm.SHA1, bytes);
    bytes[0] = 1;
    assertThat(hash.byteAt(0)).isZero();
    hash.toBytes()[0] = 1;
    assertThat(hash.byteAt(0)).isZero();
  }

  @Test
  void equalityNeedsTheSameAlgorithmAndBytes() {
    Hash a = HashAlgorithm.SHA256.hash(ABC);
    assertThat(a)
        .isEqualTo(Hash.of(HashAlgorithm.SHA256, a.toBytes()))
        .hasSameHashCodeAs(Hash.of(HashAlgorithm.SHA256, a.toBytes()))
        .isNotEqualTo(HashAlgorithm.SHA256.hash(new byte[0]))
        .isNotEqualTo(HashAlgorithm.SHA1.hash(ABC));
  }

  @Test
  void orderIsUnsignedBytesLikeHex() {
    List<Hash> hashes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      hashes.add(HashAlgorithm.SHA1.hash(new byte[] {(byte) i}));
    }
    Collections.sort(hashes);
    for (int i = 1; i < hashes.size(); i++) {
      assertThat(hashes.get(i - 1).toHex()).isLessThan(hashes.get(i).toHex());
    }
  }
}
