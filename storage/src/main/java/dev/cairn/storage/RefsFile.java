package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A store's refs as one text file, {@code <hex> <name>} a line in name order, replaced whole and
 * atomically ({@link DurableFiles#replace}) at each change: for a store whose refs are few enough
 * to rewrite on every update and that keeps them in memory under its {@link DirectoryLock}. A crash
 * leaves the refs before a change or after it, never a mix.
 */
public final class RefsFile {
  private RefsFile() {}

  /**
   * The refs in {@code file}, sorted by name; empty if there is no file.
   *
   * @throws CorruptionException if a line is not a hash of {@code algorithm}, a space and a name
   * @throws StoreIOException if the file cannot be read
   */
  public static TreeMap<String, Hash> read(Path file, HashAlgorithm algorithm) {
    requireNonNull(file, "file");
    requireNonNull(algorithm, "algorithm");
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new TreeMap<>();
    } catch (IOException e) {
      throw new StoreIOException("cannot read the refs in " + file, e);
    }
    TreeMap<String, Hash> refs = new TreeMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int space = line.indexOf(' ');
      try {
        refs.put(line.substring(space + 1), Hash.parse(algorithm, line.substring(0, space)));
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new CorruptionException(
            file.toString(),
            i + 1L,
            "line "
                + (i + 1)
                + " is not"
                + " '<"
                + algorithm.name()
                + " hash> <ref name>': '"
                + line
                + "'",
            e);
      }
    }
    return refs;
  }

  /**
   * Replaces {@code file} with {@code refs} atomically, durable when this returns, if {@code lock}
   * (the directory's, held by the caller) is still held.
   *
   * @throws StoreIOException if the file cannot be written; it then holds the refs before
   * @throws DirectoryLock.LostException if the lock is no longer held; nothing is written
   */
  public static void write(Path file, Map<String, Hash> refs, DirectoryLock lock) {
    requireNonNull(file, "file");
    requireNonNull(lock, "lock").check();
    StringBuilder text = new StringBuilder();
    new TreeMap<>(requireNonNull(refs, "refs"))
        .forEach((name, hash) -> text.append(hash.toHex()).append(' ').append(name).append('\n'));
    try {
      DurableFiles.replace(file, StandardCharsets.UTF_8.encode(text.toString()));
    } catch (IOException e) {
      throw new StoreIOException("cannot write the refs in " + file, e);
    }
  }
}
