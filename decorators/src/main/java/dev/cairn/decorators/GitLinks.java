package dev.cairn.decorators;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import com.google.auto.service.AutoService;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.LinkExtractor;
import dev.cairn.spi.MalformedObjectException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code git} link extractor: objects stored as Git stores them, header included ({@code
 * "<type> <size>\0"} then the body, so that the object's hash is its Git object id).
 *
 * <ul>
 *   <li>{@code commit}: its {@code tree} and every {@code parent} (the header lines before the
 *       first blank line).
 *   <li>{@code tree}: every entry ({@code mode SP name NUL} then the raw hash), except gitlinks
 *       (mode {@code 160000}): a submodule's commit lives in another repository.
 *   <li>{@code tag}: its {@code object}.
 *   <li>{@code blob}: nothing.
 * </ul>
 *
 * <p>Hashes in commits and tags are hexadecimal, in trees raw, all of the store's algorithm
 * (SHA-1 for classic repositories, SHA-256 for Git's SHA-256 format). Anything else — an
 * unknown type, a size that does not match, a truncated entry — is a {@link
 * MalformedObjectException} naming the object and offset: a collector that cannot read an
 * object's links must not remove what they might reach. Stateless and thread-safe.
 */
@AutoService(LinkExtractor.class)
public final class GitLinks implements LinkExtractor {
  private static final String NAME = "git";

  /** Creates the extractor; {@link java.util.ServiceLoader} calls this. */
  public GitLinks() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Hash> links(Hash hash, byte[] data, HashAlgorithm algorithm) {
    List<Hash> links = new ArrayList<>();
    forEachLink(hash, data, algorithm, (target, leaf) -> links.add(target));
    return links;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Tree entries of blobs and symbolic links (modes {@code 100644}, {@code 100755}, {@code
   * 120000}, {@code 100664}) are leaves; sub-trees, commits' trees and parents, and tags'
   * objects are not.
   */
  @Override
  public void forEachLink(Hash hash, byte[] data, HashAlgorithm algorithm, LinkVisitor visitor) {
    requireNonNull(visitor, "visitor");
    requireNonNull(hash, "hash");
    requireNonNull(data, "data");
    requireNonNull(algorithm, "algorithm");
    int space = indexOf(data, (byte) ' ', 0, Math.min(data.length, 8));
    if (space < 0) {
      throw malformed(hash, 0, "no object type in the header");
    }
    String type = new String(data, 0, space, US_ASCII);
    int nul = indexOf(data, (byte) 0, space + 1, Math.min(data.length, space + 22));
    if (nul < 0) {
      throw malformed(hash, space + 1, "no NUL after the object size");
    }
    long size = parseSize(hash, data, space + 1, nul);
    int body = nul + 1;
    if (size != data.length - body) {
      throw malformed(hash, space + 1, String.format(
          "header says %d bytes but the body has %d", size, data.length - body));
    }
    switch (type) {
      case "blob":
        return;
      case "tree":
        tree(hash, data, body, algorithm, visitor);
        return;
      case "commit":
        headerLinks(hash, data, body, algorithm, true, visitor);
        return;
      case "tag":
        headerLinks(hash, data, body, algorithm, false, visitor);
        return;
      default:
        throw malformed(hash, 0, "unknown object type \"" + type + "\"");
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

  private static void tree(
      Hash hash, byte[] data, int from, HashAlgorithm algorithm, LinkVisitor visitor) {
    int digest = algorithm.digestLength();
    int at = from;
    while (at < data.length) {
      int space = indexOf(data, (byte) ' ', at, Math.min(data.length, at + 7));
      if (space <= at) {
        throw malformed(hash, at, "tree entry without a mode");
      }
      for (int i = at; i < space; i++) {
        if (data[i] < '0' || data[i] > '7') {
          throw malformed(hash, i, "tree entry mode is not octal");
        }
      }
      boolean gitlink = space - at == 6 && startsWith(data, at, "160000");
      // 100644, 100755, 100664 (old Git) and 120000 (symlink) name blobs.
      boolean blob = space - at == 6 && (data[at] == '1' && data[at + 1] != '6');
      int nul = indexOf(data, (byte) 0, space + 1, data.length);
      if (nul < 0 || nul == space + 1) {
        throw malformed(hash, space + 1, "tree entry without a name and NUL");
      }
      if (nul + 1 + digest > data.length) {
        throw malformed(hash, nul + 1, "tree entry hash cut short");
      }
      if (!gitlink) {
        visitor.link(Hash.of(algorithm, data, nul + 1, digest), blob);
      }
      at = nul + 1 + digest;
    }
  }

  /** The {@code tree}/{@code parent} lines of a commit or the {@code object} line of a tag. */
  private static void headerLinks(Hash hash, byte[] data, int from, HashAlgorithm algorithm,
      boolean commit, LinkVisitor visitor) {
    int at = from;
    boolean first = true;
    while (at < data.length && data[at] != '\n') {
      int end = indexOf(data, (byte) '\n', at, data.length);
      if (end < 0) {
        end = data.length;
      }
      String key = commit ? (first ? "tree " : "parent ") : "object ";
      if (startsWith(data, at, key)) {
        visitor.link(parseHex(hash, data, at + key.length(), end, algorithm), false);
      } else if (first) {
        throw malformed(hash, at, (commit ? "commit" : "tag") + " does not begin with \""
            + key.trim() + "\"");
      } else {
        break; // the links come first; author, committer, tagger and the message follow
      }
      first = false;
      at = end + 1;
    }
    if (first) {
      throw malformed(hash, from, "empty " + (commit ? "commit" : "tag"));
    }
  }

  private static Hash parseHex(Hash hash, byte[] data, int from, int to, HashAlgorithm algorithm) {
    int expected = algorithm.digestLength() * 2;
    if (to - from != expected) {
      throw malformed(hash, from, String.format(
          "expected %d hex digits of a %s hash, found %d", expected, algorithm.name(), to - from));
    }
    try {
      return Hash.parse(algorithm, new String(data, from, to - from, US_ASCII));
    } catch (IllegalArgumentException e) {
      throw malformed(hash, from, e.getMessage());
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

  private static MalformedObjectException malformed(Hash hash, long offset, String problem) {
    return new MalformedObjectException(NAME, hash, offset, problem);
  }

  @Override
  public String toString() {
    return NAME;
  }
}
