package dev.cairn.spi.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.CairnException;
import dev.cairn.spi.HashAlgorithm;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VolumeContractsTest {
  @Test
  void everyErrorCaseOfTheSeedHasAReason() {
    assertThat(CairnException.class).isAssignableFrom(VolumeException.class);
    assertThat(Arrays.stream(VolumeException.Reason.values()).map(Enum::name))
        .containsExactly(
            "VOLUME_MISSING",
            "MULTIPLE_EMPTY_VOLUMES",
            "FILE_EXISTS",
            "INVALID_PARENT_DIRECTORY",
            "VOLUME_NOT_FOUND",
            "LOWER_HAS_NO_VOLUME",
            "OFFSET_OUT_OF_ORDER",
            "INVALID_READ",
            "UNSUPPORTED_VOLUME_FORMAT");
  }

  @Test
  void eachFactoryGivesItsReasonAndAMessageNamingWhatIsWrong() {
    assertCase(
        VolumeException.volumeMissing("/l/volume.2"),
        VolumeException.Reason.VOLUME_MISSING,
        "/l/volume.2");
    assertCase(
        VolumeException.multipleEmptyVolumes("/l/volume.3"),
        VolumeException.Reason.MULTIPLE_EMPTY_VOLUMES,
        "/l/volume.3");
    assertCase(
        VolumeException.fileExists("/l/volume.1"),
        VolumeException.Reason.FILE_EXISTS,
        "/l/volume.1");
    assertCase(
        VolumeException.invalidParentDirectory("/gone"),
        VolumeException.Reason.INVALID_PARENT_DIRECTORY,
        "/gone");
    assertCase(
        VolumeException.volumeNotFound("offset 42"),
        VolumeException.Reason.VOLUME_NOT_FOUND,
        "offset 42");
    assertCase(
        VolumeException.lowerHasNoVolume("/l"), VolumeException.Reason.LOWER_HAS_NO_VOLUME, "/l");
    VolumeException order = VolumeException.offsetOutOfOrder("/l/volume.0", 100, 99);
    assertCase(order, VolumeException.Reason.OFFSET_OUT_OF_ORDER, "/l/volume.0");
    assertThat(order)
        .hasMessageContaining("at offset 99")
        .hasMessageContaining("ends at offset 100");
    assertCase(
        VolumeException.invalidRead("offset 7 of /l/volume.0: 3 of 8 bytes"),
        VolumeException.Reason.INVALID_READ,
        "3 of 8 bytes");
    VolumeException format = VolumeException.unsupportedVolumeFormat("/l/volume.0/control", 9, 2);
    assertCase(format, VolumeException.Reason.UNSUPPORTED_VOLUME_FORMAT, "/l/volume.0/control");
    assertThat(format).hasMessageContaining("version 9").hasMessageContaining("version 2");
  }

  private static void assertCase(VolumeException e, VolumeException.Reason reason, String names) {
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e).hasMessageContaining(names);
  }

  @Test
  void valuesCheckTheirComponents() {
    assertThatThrownBy(() -> new Archived("v", 1, 10, 9, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RangeRead(-1, "v")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ArchiveEntry(HashAlgorithm.SHA256.hash(new byte[0]), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("data");
  }
}
