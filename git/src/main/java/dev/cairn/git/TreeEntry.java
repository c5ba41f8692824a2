package dev.cairn.git;

import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Hash;
import java.util.Arrays;

/**
 * One entry of a Git tree: its mode, its name (bytes, as Git keeps them) and the object it names.
 * Immutable and thread-safe.
 */
public final class TreeEntry {
  private static final int TYPE_BITS = 0170000;
  private static final int DIRECTORY = 0040000;
  private static final int SUBMODULE = 0160000;
  private static final int FILE = 0100000;
  private static final int SYMBOLIC_LINK = 0120000;

  private final int mode;
  private final byte[] data;
  private final int nameOffset;
  private final int nameLength;
  private final Hash hash;

  /** The entry whose name is {@code data[nameOffset, nameOffset + nameLength)}; not copied. */
  TreeEntry(int mode, byte[] data, int nameOffset, int nameLength, Hash hash) {
    this.mode = mode;
    this.data = requireNonNull(data, "data");
    this.nameOffset = nameOffset;
    this.nameLength = nameLength;
    this.hash = requireNonNull(hash, "hash");
  }

  static boolean isKnownMode(int mode) {
    int kind = mode & TYPE_BITS;
    return (mode & ~(TYPE_BITS | 0777)) == 0
        && (kind == DIRECTORY || kind == FILE || kind == SYMBOLIC_LINK || kind == SUBMODULE);
  }

  /** The mode, e.g. {@code 0100644}, {@code 040000}. */
  public int mode() {
    return mode;
  }

  /** The mode as {@code git cat-file -p} prints it: six octal digits, e.g. {@code 040000}. */
  public String modeText() {
    return String.format("%06o", mode);
  }

  /** The entry's name, a copy of its bytes. */
  public byte[] name() {
    return Arrays.copyOfRange(data, nameOffset, nameOffset + nameLength);
  }

  /** The object it names: a blob, a tree, or a commit of another repository (a submodule). */
  public Hash hash() {
    return hash;
  }

  /** True for a submodule: the hash is a commit of another repository. */
  public boolean isSubmodule() {
    return (mode & TYPE_BITS) == SUBMODULE;
  }

  /** The type of the object it names, as Git derives it from the mode. */
  public GitObject.Type type() {
    switch (mode & TYPE_BITS) {
      case DIRECTORY:
        return GitObject.Type.TREE;
      case SUBMODULE:
        return GitObject.Type.COMMIT;
      default:
        return GitObject.Type.BLOB;
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TreeEntry)) {
      return false;
    }
    TreeEntry other = (TreeEntry) o;
    return other.mode == mode
        && other.hash.equals(hash)
        && Arrays.equals(
            data,
            nameOffset,
            nameOffset + nameLength,
            other.data,
            other.nameOffset,
            other.nameOffset + other.nameLength);
  }

  @Override
  public int hashCode() {
    return (mode * 31 + Arrays.hashCode(name())) * 31 + hash.hashCode();
  }

  @Override
  public String toString() {
    return modeText()
        + " "
        + type().label()
        + " "
        + hash.toHex()
        + "\t"
        + new String(data, nameOffset, nameLength, java.nio.charset.StandardCharsets.UTF_8);
  }
}
