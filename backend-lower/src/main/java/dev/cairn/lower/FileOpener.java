package dev.cairn.lower;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Opens the channels through which volume data and mappings are written and data is read:
 * {@link FileChannel#open} in production, a channel that writes and reads a few bytes at a time
 * in tests, so every loop over short writes and reads is exercised.
 */
@FunctionalInterface
interface FileOpener {
  /** {@link FileChannel#open}; a channel that writes never follows a symbolic link. */
  FileOpener STANDARD = (path, options) -> FileChannel.open(path, noFollowForWrites(options));

  /**
   * {@code options}, with {@link LinkOption#NOFOLLOW_LINKS} when they write or create: a link
   * planted in a volume must not make the archive write outside it.
   */
  static Set<OpenOption> noFollowForWrites(OpenOption... options) {
    Set<OpenOption> set = new HashSet<>(Arrays.asList(options));
    if (set.contains(StandardOpenOption.WRITE) || set.contains(StandardOpenOption.APPEND)
        || set.contains(StandardOpenOption.CREATE) || set.contains(StandardOpenOption.CREATE_NEW)) {
      set.add(LinkOption.NOFOLLOW_LINKS);
    }
    return set;
  }

  FileChannel open(Path path, OpenOption... options) throws IOException;
}
