package dev.cairn.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HashAlgorithmsTest {
  /** A provided algorithm that claims a taken name. */
  static final class Impostor implements HashAlgorithm {
    @Override
    public String name() {
      return "sha1";
    }

    @Override
    public int digestLength() {
      return 20;
    }

    @Override
    public Hasher newHasher() {
      return HashAlgorithm.SHA1.newHasher();
    }
  }

  @Test
  void builtInsAreFoundByName() {
    assertThat(HashAlgorithm.forName("sha1")).isSameAs(HashAlgorithm.SHA1);
    assertThat(HashAlgorithm.forName("sha256")).isSameAs(HashAlgorithm.SHA256);
    assertThat(HashAlgorithms.standard().all()).contains(HashAlgorithm.SHA1, HashAlgorithm.SHA256);
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> HashAlgorithm.forName("md5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown hash algorithm 'md5'; known: sha1, sha256");
  }

  @Test
  void twoAlgorithmsWithOneNameAreAnErrorNamingBothClasses() {
    assertThatThrownBy(() -> HashAlgorithms.of(List.of(new Impostor())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "two hash algorithms are named 'sha1': dev.cairn.spi.MessageDigestAlgorithm"
                + " and dev.cairn.spi.HashAlgorithmsTest$Impostor");
  }

  @Test
  void storeContextTurnsAnUnknownNameIntoAConfigurationError() {
    assertThatThrownBy(() -> StoreContext.standard().hashAlgorithm("blake3"))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'blake3'");
  }
}
