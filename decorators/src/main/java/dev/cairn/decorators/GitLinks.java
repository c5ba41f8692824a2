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
        return List.of();
      case "tree":
        return tree(hash, data, body, algorithm);
      case "commit":
        return headerLinks(hash, data, body, algorithm, true);
      case "tag":
        return headerLinks(hash, data, body, algorithm, false);
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

  private static List<Hash> tree(Hash hash, byte[] data, int from, HashAlgorithm algorithm) {
    int digest = algorithm.digestLength();
    List<Hash> links = new ArrayList<>();
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
      int nul = indexOf(data, (byte) 0, space + 1, data.length);
      if (nul < 0 || nul == space + 1) {
        throw malformed(hash, space + 1, "tree entry without a name and NUL");
      }
      if (nul + 1 + digest > data.length) {
        throw malformed(hash, nul + 1, "tree entry hash cut short");
      }
      if (!gitlink) {
        links.add(Hash.of(algorithm, data, nul + 1, digest));
      }
      at = nul + 1 + digest;
    }
    return links;
  }

  /** The {@code tree}/{@code parent} lines of a commit or the {@code object} line of a tag. */
  private static List<Hash> headerLinks(
      Hash hash, byte[] data, int from, HashAlgorithm algorithm, boolean commit) {
    List<Hash> links = new ArrayList<>();
    int at = from;
    boolean first = true;
    while (at < data.length && data[at] != '\n') {
      int end = indexOf(data, (byte) '\n', at, data.length);
      if (end < 0) {
        end = data.length;
      }
      String key = commit ? (first ? "tree " : "parent ") : "object ";
      if (startsWith(data, at, key)) {
        links.add(parseHex(hash, data, at + key.length(), end, algorithm));
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
    return links;
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
