package dev.cairn.storage;

import com.github.luben.zstd.util.Native;
import dev.cairn.spi.StoreIOException;
import java.io.IOException;

/**
 * zstd-jni's native library, loaded on first need and tried again after a failure. zstd-jni unpacks
 * the library into {@code java.io.tmpdir} when it is first used; on a full disk or under a
 * file-size limit that fails with an {@link Error}, and if it fails inside the initializer of one
 * of zstd-jni's classes that class can never be used again in the process. Every use of zstd in
 * this module asks here first, where the failure is caught before any such class is touched:
 * writers store records raw while the library cannot be had, readers of compressed records get a
 * {@link StoreIOException} naming the cause, and both succeed once space is back.
 */
final class ZstdLibrary {
  private static volatile boolean loaded;

  private ZstdLibrary() {}

  /** Whether the library is loaded, loading it if it is not (a failure is tried again later). */
  static boolean available() {
    if (loaded) {
      return true;
    }
    try {
      load();
      return true;
    } catch (StoreIOException e) {
      return false;
    }
  }

  /**
   * Loads the library if it is not loaded.
   *
   * @throws StoreIOException naming why the library cannot be loaded, and where it unpacks
   */
  static void load() {
    if (loaded) {
      return;
    }
    synchronized (ZstdLibrary.class) {
      if (loaded) {
        return;
      }
      try {
        Native.load();
      } catch (LinkageError | RuntimeException e) {
        throw new StoreIOException(
            String.format(
                "zstd's native library (zstd-jni) cannot be loaded, so compressed records cannot be"
                    + " read now; it unpacks into java.io.tmpdir (%s): %s",
                System.getProperty("java.io.tmpdir"), e.getMessage()),
            new IOException(e.getMessage(), e));
      }
      loaded = true;
    }
  }
}
