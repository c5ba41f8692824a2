package dev.cairn.lower;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the channels through which volume data and mappings are written and data is read:
 * {@link FileChannel#open} in production, a channel that writes and reads a few bytes at a time
 * in tests, so every loop over short writes and reads is exercised.
 */
@FunctionalInterface
interface FileOpener {
  FileOpener STANDARD = FileChannel::open;

  FileChannel open(Path path, OpenOption... options) throws IOException;
}
