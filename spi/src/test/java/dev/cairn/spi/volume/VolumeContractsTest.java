package dev.cairn.spi.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CairnException;
import dev.cairn.spi.HashAlgorithm;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VolumeContractsTest {
  @Test
  void everyErrorCaseOfTheSeedIsASubclassOfTheSealedFamily() {
    assertThat(VolumeException.class.isSealed()).isTrue();
    assertThat(CairnException.class).isAssignableFrom(VolumeException.class);
    assertThat(Arrays.stream(VolumeException.class.getPermittedSubclasses())
        .map(Class::getSimpleName))
        .containsExactlyInAnyOrder(
            "VolumeMissingException", "ReadOnlyNotAllowedException",
            "MultipleEmptyVolumesException", "FileExistsException",
            "InvalidParentDirectoryException", "VolumeNotFoundException",
            "LowerHasNoVolumeException", "OffsetOutOfOrderException", "InvalidReadException",
            "UnsupportedVolumeFormatException", "VolumeIOException");
  }

  @Test
  void ioFailuresKeepTheirCause() {
    IOException cause = new IOException("disk on fire");
    VolumeIOException e = new VolumeIOException("renaming /l/volume.0/volume.3.control", cause);
    assertThat(e.getCause()).isSameAs(cause);
    assertThat(e).hasMessageContaining("volume.3.control").hasMessageContaining("disk on fire");
  }

  @Test
  void messagesNameWhatIsWrong() {
    assertThat(new VolumeMissingException("/l/volume.2")).hasMessageContaining("/l/volume.2");
    assertThat(new FileExistsException("/l/volume.1").path()).isEqualTo("/l/volume.1");
    assertThat(new OffsetOutOfOrderException("/l/volume.0", 100, 99))
        .hasMessageContaining("100").hasMessageContaining("99");
  }

  @Test
  void valuesCheckTheirComponents() {
    assertThatThrownBy(() -> new Archived("v", 1, 10, 9, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RangeRead(-1, "v")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ArchiveEntry(HashAlgorithm.SHA256.hash(new byte[0]), null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("data");
  }
}
