package dev.cairn.git;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.MalformedObjectException;
import java.util.Arrays;
import java.util.Optional;

/**
 * One Git object in Git's own form, {@code "<type> <size>\0"} then the content: the bytes whose
 * hash is the object id. This is the one parser of Git objects in Cairn; the garbage collector's
 * {@code git} link extractor, {@code import-git}, {@code export-git} and {@code cat -p} all read
 * objects through it.
 *
 * <p>{@link #parse} is strict: a header that is not exactly {@code type SP decimal-size NUL} (no
 * leading zero), a size that does not match the content, an unknown type, a commit that does not
 * begin with {@code tree}, a tag that does not begin with {@code object}, a hash of the wrong
 * length or with a non-hex digit, a tree entry whose mode is not octal, that has no name or whose
 * hash is cut short: each is a {@link MalformedObjectException} naming the object and the offset of
 * the problem. Instances are immutable views of the caller's array (which must not change while
 * they are used) and thread-safe.
 */
public final class GitObject {
  /** The extractor name {@link MalformedObjectException}s of this parser carry. */
  static final String FORMAT = "git";

  /** The four object types, with the numbers Git's pack format gives them. */
  public enum Type {
    /** A commit: a tree, parents, author, committer, message. */
    COMMIT("commit", 1),
    /** A directory listing: mode, name and hash of each entry. */
    TREE("tree", 2),
    /** File content. */
    BLOB("blob", 3),
    /** An annotated tag: an object, its type, a name, a message. */
    TAG("tag", 4);

    private final String label;
    private final int packCode;

    Type(String label, int packCode) {
      this.label = label;
      this.packCode = packCode;
    }

    /** The name Git uses in headers: {@code commit}, {@code tree}, {@code blob}, {@code tag}. */
    public String label() {
      return label;
    }

    /** The type number of Git's pack format (1 to 4). */
    public int packCode() {
      return packCode;
    }

    /** The type named {@code label} as in a Git header, if it is one. */
    public static Optional<Type> ofLabel(String label) {
      for (Type type : values()) {
        if (type.label.equals(label)) {
          return Optional.of(type);
        }
      }
      return Optional.empty();
    }
  }

  /** Receives the links of a Git object; see {@link #forEachLink}. */
  @FunctionalInterface
  public interface LinkVisitor {
    /**
     * One link.
     *
     * @param kind how the object names it: {@code tree} and {@code parent} (a commit's), {@code
     *     object} (a tag's target), {@code entry} (a tree's sub-tree or blob)
     * @param target the linked object
     * @param leaf true if the format says the target has no links (a tree's blob entries)
     */
    void link(String kind, Hash target, boolean leaf);
  }

  /** Receives the entries of a tree; see {@link #forEachEntry}. */
  @FunctionalInterface
  public interface EntryVisitor {
    /** One entry, in the tree's order. */
    void entry(TreeEntry entry);
  }

  private final Hash hash;
  private final byte[] data;
  private final Type type;
  private final int contentOffset;
  private final HashAlgorithm algorithm;

  private GitObject(Hash hash, byte[] data, Type type, int contentOffset, HashAlgorithm algorithm) {
    this.hash = hash;
    this.data = data;
    this.type = type;
    this.contentOffset = contentOffset;
    this.algorithm = algorithm;
  }

  /**
   * Parses {@code data}, the bytes of the object {@code hash}, and checks its header and (for
   * commits, tags and trees) the part that names other objects. Blob contents, commit and tag
   * messages are not interpreted.
   *
   * @param hash the object's id, for messages (not re-computed)
   * @param data the object in Git's form; kept, not copied
   * @param algorithm the hash of the links it names (the repository's object format)
   * @throws MalformedObjectException if {@code data} is not a well-formed Git object
   */
  public static GitObject parse(Hash hash, byte[] data, HashAlgorithm algorithm) {
    GitObject object = header(hash, data, algorithm);
    // Checks the links now, so that a parsed object never fails later.
    object.forEachLink((kind, target, leaf) -> {});
    return object;
  }

  /** Parses and checks the header only; the links are checked when they are visited. */
  static GitObject header(Hash hash, byte[] data, HashAlgorithm algorithm) {
    requireNonNull(algorithm, "algorithm");
    Header header = parseHeader(hash, data, data.length);
    return new GitObject(hash, data, header.type(), header.contentOffset(), algorithm);
  }

  /**
   * The most bytes a header takes ({@code "<type> <size>\0"} with a size of up to 20 digits): the
   * first this many bytes of an object hold all of its header.
   */
  public static final int MAX_HEADER = 32;

  /** What an object's header says: its type, and where its content begins. */
  public record Header(Type type, int contentOffset) {
    /** Checks the values. */
    public Header {
      requireNonNull(type, "type");
      if (contentOffset < 0) {
        throw new IllegalArgumentException("negative content offset " + contentOffset);
      }
    }
  }

  /**
   * Parses and checks the header of the object {@code hash} of {@code total} bytes, from its first
   * bytes: at least {@link #MAX_HEADER} of them, or all. For a reader that streams an object and
   * does not hold it whole.
   *
   * @throws MalformedObjectException if the header is not well-formed or does not state a size of
   *     {@code total} less the header
   */
  public static Header parseHeader(Hash hash, byte[] first, long total) {
    requireNonNull(hash, "hash");
    requireNonNull(first, "first");
    int space = indexOf(first, (byte) ' ', 0, Math.min(first.length, 8));
    if (space < 0) {
      throw malformed(hash, 0, "no object type in the header");
    }
    String label = new String(first, 0, space, US_ASCII);
    Type type =
        Type.ofLabel(label)
            .orElseThrow(() -> malformed(hash, 0, "unknown object type \"" + label + "\""));
    int nul = indexOf(first, (byte) 0, space + 1, Math.min(first.length, space + 22));
    if (nul < 0) {
      throw malformed(hash, space + 1, "no NUL after the object size");
    }
    long size = parseSize(hash, first, space + 1, nul);
    int body = nul + 1;
    if (size != total - body) {
      throw malformed(
          hash,
          space + 1,
          String.format("header says %d bytes but the body has %d", size, total - body));
    }
    return new Header(type, body);
  }

  /** {@code "<type> <size>\0"}, the header Git hashes before the content. */
  public static byte[] header(Type type, long size) {
    requireNonNull(type, "type");
    if (size < 0) {
      throw new IllegalArgumentException("negative object size " + size);
    }
    return (type.label + " " + size + "\0").getBytes(US_ASCII);
  }

  /** The object of {@code type} holding {@code content}, in Git's form (a new array). */
  public static byte[] of(Type type, byte[] content) {
    requireNonNull(content, "content");
    byte[] header = header(type, content.length);
    byte[] data = Arrays.copyOf(header, header.length + content.length);
    System.arraycopy(content, 0, data, header.length, content.length);
    return data;
  }

  /** The object's id, as given to {@link #parse}. */
  public Hash hash() {
    return hash;
  }

  /** The object's type. */
  public Type type() {
    return type;
  }

  /** Where the content starts in the array given to {@link #parse}: just after the NUL. */
  public int contentOffset() {
    return contentOffset;
  }

  /** The content's length in bytes (the size of the header). */
  public int contentLength() {
    return data.length - contentOffset;
  }

  /**
   * Calls {@code visitor} with each object this one names, in order: a commit's tree then its
   * parents, a tag's object, a tree's entries. Submodule entries (mode {@code 160000}) name commits
   * of another repository and are left out.
   */
  public void forEachLink(LinkVisitor visitor) {
    requireNonNull(visitor, "visitor");
    switch (type) {
      case BLOB:
        return;
      case TREE:
        forEachEntry(
            entry -> {
              if (!entry.isSubmodule()) {
                visitor.link("entry", entry.hash(), entry.type() == Type.BLOB);
              }
            });
        return;
      case COMMIT:
        headerLinks(true, visitor);
        return;
      case TAG:
        headerLinks(false, visitor);
        return;
      default:
        throw new AssertionError("unknown type " + type);
    }
  }

  /**
   * Calls {@code visitor} with each entry of this tree, in the tree's order.
   *
   * @throws IllegalStateException if this object is not a tree
   */
  public void forEachEntry(EntryVisitor visitor) {
    requireNonNull(visitor, "visitor");
    if (type != Type.TREE) {
      throw new IllegalStateException("object " + hash + " is a " + type.label + ", not a tree");
    }
    int digest = algorithm.digestLength();
    int at = contentOffset;
    while (at < data.length) {
      int space = indexOf(data, (byte) ' ', at, Math.min(data.length, at + 7));
      if (space <= at) {
        throw malformed(hash, at, "tree entry without a mode");
      }
      int mode = 0;
      for (int i = at; i < space; i++) {
        if (data[i] < '0' || data[i] > '7') {
          throw malformed(hash, i, "tree entry mode is not octal");
        }
        mode = mode * 8 + (data[i] - '0');
      }
      if (!TreeEntry.isKnownMode(mode)) {
        throw malformed(
            hash,
            at,
            "tree entry mode "
                + Integer.toOctalString(mode)
                + " is not a file, directory, symbolic link or submodule");
      }
      int nul = indexOf(data, (byte) 0, space + 1, data.length);
      if (nul < 0 || nul == space + 1) {
        throw malformed(hash, space + 1, "tree entry without a name and NUL");
      }
      if (nul + 1 + digest > data.length) {
        throw malformed(hash, nul + 1, "tree entry hash cut short");
      }
      visitor.entry(
          new TreeEntry(
              mode, data, space + 1, nul - space - 1, Hash.of(algorithm, data, nul + 1, digest)));
      at = nul + 1 + digest;
    }
  }

  private static long parseSize(Hash hash, byte[] data, int from, int to) {
    if (from == to || (data[from] == '0' && to - from > 1)) {
      throw malformed(hash, from, "bad object size");
    }
    long size = 0;
    for (int i = from; i < to; i++) {
      int digit = data[i] - '0';
      if (digit < 0 || digit > 9) {
        throw malformed(hash, i, "bad object size");
      }
      size = size * 10 + digit;
    }
    return size;
  }

  /** The {@code tree}/{@code parent} lines of a commit or the {@code object} line of a tag. */
  private void headerLinks(boolean commit, LinkVisitor visitor) {
    int at = contentOffset;
    boolean first = true;
    while (at < data.length && data[at] != '\n') {
      int end = indexOf(data, (byte) '\n', at, data.length);
      if (end < 0) {
        end = data.length;
      }
      String key = commit ? (first ? "tree " : "parent ") : "object ";
      if (startsWith(data, at, key)) {
        visitor.link(key.trim(), parseHex(at + key.length(), end), false);
      } else if (first) {
        throw malformed(
            hash, at, (commit ? "commit" : "tag") + " does not begin with \"" + key.trim() + "\"");
      } else {
        break; // the links come first; author, committer, tagger and the message follow
      }
      first = false;
      at = end + 1;
    }
    if (first) {
      throw malformed(hash, contentOffset, "empty " + (commit ? "commit" : "tag"));
    }
  }

  private Hash parseHex(int from, int to) {
    int expected = algorithm.digestLength() * 2;
    if (to - from != expected) {
      throw malformed(
          hash,
          from,
          String.format(
              "expected %d hex digits of a %s hash, found %d",
              expected, algorithm.name(), to - from));
    }
    try {
      return Hash.parse(algorithm, new String(data, from, to - from, US_ASCII));
    } catch (IllegalArgumentException e) {
      throw malformed(hash, from, String.valueOf(e.getMessage()));
    }
  }

  private static boolean startsWith(byte[] data, int at, String prefix) {
    if (at + prefix.length() > data.length) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (data[at + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] data, byte value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (data[i] == value) {
        return i;
      }
    }
    return -1;
  }

  static MalformedObjectException malformed(Hash hash, long offset, String problem) {
    return new MalformedObjectException(FORMAT, hash, offset, problem);
  }

  @Override
  public String toString() {
    return type.label + " " + hash + " (" + contentLength() + " bytes)";
  }
}
