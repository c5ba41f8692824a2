package dev.cairn.spi.volume;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CairnException;

/**
 * An error case of a {@link Lower}, one {@link Reason} per case of irmin-pack's {@code Lower.S}
 * error variants, so a caller can switch over {@link #reason()} exhaustively. Nothing stored was
 * changed. Two of the seed's variants are Cairn's general exceptions instead: {@code
 * RO_not_allowed} is a {@link dev.cairn.spi.ReadOnlyStoreException} and {@code Sys_error} a {@link
 * dev.cairn.spi.StoreIOException}, as for every other store.
 *
 * <p>Instances are made by the static factories, one per reason, which word the message the same
 * way for every lower.
 */
public final class VolumeException extends CairnException {
  private static final long serialVersionUID = 1L;

  /** Which error case this is: the seed's error variants, in its order. */
  public enum Reason {
    /** An expected volume is not on disk, or its directory is not a directory. */
    VOLUME_MISSING,
    /** {@code addVolume} while the last volume is still empty: at most one may be. */
    MULTIPLE_EMPTY_VOLUMES,
    /** A volume was to be created where a file or directory already exists. */
    FILE_EXISTS,
    /** The lower's root does not exist or is not a directory. */
    INVALID_PARENT_DIRECTORY,
    /** No loaded volume has the identifier, or none contains the offset. */
    VOLUME_NOT_FOUND,
    /** {@code archive} on a lower without any volume to append to. */
    LOWER_HAS_NO_VOLUME,
    /** {@code archive} was asked to place data before the end of what the lower holds. */
    OFFSET_OUT_OF_ORDER,
    /** A read by offset asked for bytes a volume does not hold. */
    INVALID_READ,
    /**
     * A volume file is intact (its checksum matches) but in a format version this build does not
     * read, for example one written by a newer release.
     */
    UNSUPPORTED_VOLUME_FORMAT
  }

  private final Reason reason;

  private VolumeException(Reason reason, String message) {
    super(message);
    this.reason = requireNonNull(reason, "reason");
  }

  /** Which error case this is. */
  public Reason reason() {
    return reason;
  }

  /** {@link Reason#VOLUME_MISSING}: {@code path} is the first expected volume not on disk. */
  public static VolumeException volumeMissing(String path) {
    return new VolumeException(
        Reason.VOLUME_MISSING, String.format("volume missing: %s is not a volume directory", path));
  }

  /** {@link Reason#MULTIPLE_EMPTY_VOLUMES}: {@code emptyVolume} is already empty. */
  public static VolumeException multipleEmptyVolumes(String emptyVolume) {
    return new VolumeException(
        Reason.MULTIPLE_EMPTY_VOLUMES,
        String.format(
            "cannot add a volume: %s is empty and only one empty volume is allowed", emptyVolume));
  }

  /** {@link Reason#FILE_EXISTS}: a volume was to be created at {@code path}, which exists. */
  public static VolumeException fileExists(String path) {
    return new VolumeException(
        Reason.FILE_EXISTS, String.format("cannot create volume: %s already exists", path));
  }

  /** {@link Reason#INVALID_PARENT_DIRECTORY}: {@code root} is not a directory. */
  public static VolumeException invalidParentDirectory(String root) {
    return new VolumeException(
        Reason.INVALID_PARENT_DIRECTORY,
        String.format("invalid parent directory: %s is not a directory", root));
  }

  /**
   * {@link Reason#VOLUME_NOT_FOUND}: {@code what} says what was looked for, e.g. {@code "offset
   * 42"}.
   */
  public static VolumeException volumeNotFound(String what) {
    return new VolumeException(Reason.VOLUME_NOT_FOUND, "volume not found: looking for " + what);
  }

  /** {@link Reason#LOWER_HAS_NO_VOLUME}: {@code lower} describes the lower. */
  public static VolumeException lowerHasNoVolume(String lower) {
    return new VolumeException(
        Reason.LOWER_HAS_NO_VOLUME,
        String.format("lower %s has no volume: add one before archiving", lower));
  }

  /**
   * {@link Reason#OFFSET_OUT_OF_ORDER}: archiving into {@code volume} at {@code offset}, below
   * {@code endOffset}, the end the lower already holds. The message quotes both offsets.
   */
  public static VolumeException offsetOutOfOrder(String volume, long endOffset, long offset) {
    return new VolumeException(
        Reason.OFFSET_OUT_OF_ORDER,
        String.format(
            "cannot archive at offset %d into %s: the lower already ends at offset %d",
            offset, volume, endOffset));
  }

  /** {@link Reason#INVALID_READ}: {@code message} names the volume, offset and lengths. */
  public static VolumeException invalidRead(String message) {
    return new VolumeException(Reason.INVALID_READ, requireNonNull(message, "message"));
  }

  /**
   * {@link Reason#UNSUPPORTED_VOLUME_FORMAT}: {@code file} declares format {@code version}; this
   * build reads {@code supported}.
   */
  public static VolumeException unsupportedVolumeFormat(String file, int version, int supported) {
    return new VolumeException(
        Reason.UNSUPPORTED_VOLUME_FORMAT,
        String.format(
            "%s has format version %d; this build reads version %d", file, version, supported));
  }
}
