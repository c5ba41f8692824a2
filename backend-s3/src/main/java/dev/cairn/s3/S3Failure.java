package dev.cairn.s3;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Why a request to the object store failed, in one line: the cause {@link
 * dev.cairn.spi.StoreIOException} carries. Its {@link #toString()} is its message alone, so the
 * store's messages read as one sentence rather than as a Java class name.
 */
final class S3Failure extends IOException {
  private static final long serialVersionUID = 1L;

  S3Failure(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public String toString() {
    return String.valueOf(getMessage());
  }
}
