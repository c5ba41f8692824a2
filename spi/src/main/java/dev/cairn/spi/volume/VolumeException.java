package dev.cairn.spi.volume;

import dev.cairn.spi.CairnException;

/**
 * An error case of a {@link Lower}: one subclass per case of irmin-pack's {@code Lower.S}
 * error variants, so a caller can switch over them exhaustively. Nothing stored was changed
 * unless the subclass says otherwise.
 */
public abstract sealed class VolumeException extends CairnException
    permits VolumeMissingException, ReadOnlyNotAllowedException, MultipleEmptyVolumesException,
        FileExistsException, InvalidParentDirectoryException, VolumeNotFoundException,
        LowerHasNoVolumeException, OffsetOutOfOrderException, InvalidReadException,
        UnsupportedVolumeFormatException, VolumeIOException {
  private static final long serialVersionUID = 1L;

  VolumeException(String message) {
    super(message);
  }

  VolumeException(String message, Throwable cause) {
    super(message, cause);
  }
}
