package dev.cairn.decorators;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.volume.ArchiveEntry;
import dev.cairn.spi.volume.Archived;
import dev.cairn.spi.volume.Lower;
import dev.cairn.spi.volume.RangeRead;
import dev.cairn.spi.volume.Volume;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Lower} archive seen through a {@code read-only} decorator: every read goes to the
 * archive, {@link #isReadOnly()} is true, and every write (including {@code setReadOnly(false)})
 * throws {@link ReadOnlyStoreException} naming the decorator and the operation before the archive
 * sees it. {@link #close()} releases nothing: the archive belongs to the store below. Thread-safe
 * as the archive is.
 */
final class ReadOnlyLower implements Lower {
  private final Lower archive;
  private final String store;

  ReadOnlyLower(Lower archive, String store) {
    this.archive = requireNonNull(archive, "archive");
    this.store = requireNonNull(store, "store");
  }

  private ReadOnlyStoreException rejected(String operation) {
    return new ReadOnlyStoreException(store, operation);
  }

  @Override
  public void reload(int volumeNum) {
    archive.reload(volumeNum);
  }

  @Override
  public void close() {}

  @Override
  public int volumeNum() {
    return archive.volumeNum();
  }

  @Override
  public List<Volume> volumes() {
    return archive.volumes();
  }

  @Override
  public long endOffset() {
    return archive.endOffset();
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public void setReadOnly(boolean readOnly) {
    if (!readOnly) {
      throw rejected("setReadOnly(false)");
    }
  }

  @Override
  public Volume addVolume() {
    throw rejected("addVolume");
  }

  @Override
  public Optional<Volume> findVolume(long offset) {
    return archive.findVolume(offset);
  }

  @Override
  public RangeRead readRange(long offset, int minLength, int maxLength, byte[] target) {
    return archive.readRange(offset, minLength, maxLength, target);
  }

  @Override
  public RangeRead readRange(
      long offset, int minLength, int maxLength, byte[] target, String volumeId) {
    return archive.readRange(offset, minLength, maxLength, target, volumeId);
  }

  @Override
  public Archived archive(
      Path upperRoot, int generation, long fromOffset, Iterator<ArchiveEntry> objects) {
    throw rejected("archive");
  }

  @Override
  public void createFrom(Path src, int deadHeaderSize, long size) {
    throw rejected("createFrom");
  }

  @Override
  public void swap(String volumeId, int generation, int volumeNum) {
    throw rejected("swap");
  }

  @Override
  public void cleanup(int generation) {
    throw rejected("cleanup");
  }

  @Override
  public String toString() {
    return "the archive of " + store;
  }
}
