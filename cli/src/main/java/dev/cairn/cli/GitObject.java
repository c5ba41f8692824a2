package dev.cairn.cli;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * A Git object in Git's own form, {@code "<type> <size>\0" + content}: the bytes whose hash is
 * the object id. Parses the header and the links of commits, trees and tags.
 */
final class GitObject {
  enum Type { COMMIT, TREE, BLOB, TAG }

  final Type type;
  final int contentOffset;

  private GitObject(Type type, int contentOffset) {
    this.type = type;
    this.contentOffset = contentOffset;
  }

  /** The most bytes a header takes: all of it is in this many first bytes of an object. */
  static final int MAX_HEADER = 32;

  /** The header of {@code data}, or {@code null} if it is not a Git object. */
  static GitObject parseHeader(byte[] data) {
    return parseHeader(data, data.length);
  }

  /**
   * The header of an object of {@code total} bytes whose first bytes are {@code data} (at least
   * {@link #MAX_HEADER} of them, or all), or {@code null} if it is not a Git object.
   */
  static GitObject parseHeader(byte[] data, long total) {
    int space = -1;
    int limit = Math.min(data.length, MAX_HEADER);
    for (int i = 0; i < limit; i++) {
      if (data[i] == ' ') {
        space = i;
        break;
      }
    }
    if (space < 0) {
      return null;
    }
    Type type = typeOf(new String(data, 0, space, StandardCharsets.US_ASCII));
    if (type == null) {
      return null;
    }
    long size = 0;
    int i = space + 1;
    for (; i < limit && data[i] != 0; i++) {
      if (data[i] < '0' || data[i] > '9') {
        return null;
      }
      size = size * 10 + (data[i] - '0');
    }
    if (i >= limit || i == space + 1 || size != total - i - 1) {
      return null;
    }
    return new GitObject(type, i + 1);
  }

  static Type typeOf(String name) {
    switch (name) {
      case "commit": return Type.COMMIT;
      case "tree": return Type.TREE;
      case "blob": return Type.BLOB;
      case "tag": return Type.TAG;
      default: return null;
    }
  }

  /** {@code "<type> <size>\0"}, the header Git hashes before the content. */
  static byte[] header(String type, long size) {
    return (type + " " + size + "\0").getBytes(StandardCharsets.US_ASCII);
  }

  /** A Git object of {@code type} holding {@code content}. */
  static byte[] of(String type, byte[] content) {
    byte[] header = header(type, content.length);
    byte[] data = new byte[header.length + content.length];
    System.arraycopy(header, 0, data, 0, header.length);
    System.arraycopy(content, 0, data, header.length, content.length);
    return data;
  }

  /**
   * Calls {@code link} with each object this one names and how: {@code "tree"}, {@code
   * "parent"}, {@code "object"} (a tag's target) or {@code "entry"} (a tree's blob or
   * subtree). Submodule entries (mode 160000) name commits of another repository and are
   * skipped.
   * @throws IllegalArgumentException if the object is malformed
   */
  void forEachLink(byte[] data, HashAlgorithm algorithm, BiConsumer<String, Hash> link) {
    int hexLength = algorithm.digestLength() * 2;
    switch (type) {
      case COMMIT:
      case TAG: {
        int pos = contentOffset;
        while (pos < data.length && data[pos] != '\n') {
          int end = pos;
          while (end < data.length && data[end] != '\n') {
            end++;
          }
          String line = new String(data, pos, end - pos, StandardCharsets.UTF_8);
          if (type == Type.COMMIT && line.startsWith("tree ")) {
            link.accept("tree", parse(algorithm, line.substring(5), hexLength));
          } else if (type == Type.COMMIT && line.startsWith("parent ")) {
            link.accept("parent", parse(algorithm, line.substring(7), hexLength));
          } else if (type == Type.TAG && line.startsWith("object ")) {
            link.accept("object", parse(algorithm, line.substring(7), hexLength));
          }
          pos = end + 1;
        }
        break;
      }
      case TREE: {
        int length = algorithm.digestLength();
        int pos = contentOffset;
        while (pos < data.length) {
          int space = pos;
          while (space < data.length && data[space] != ' ') {
            space++;
          }
          int nul = space;
          while (nul < data.length && data[nul] != 0) {
            nul++;
          }
          if (nul + 1 + length > data.length) {
            throw new IllegalArgumentException("truncated tree entry at byte " + pos);
          }
          String mode = new String(data, pos, space - pos, StandardCharsets.US_ASCII);
          if (!mode.equals("160000")) {
            link.accept("entry", Hash.of(algorithm, data, nul + 1, length));
          }
          pos = nul + 1 + length;
        }
        break;
      }
      default:
        break;
    }
  }

  private static Hash parse(HashAlgorithm algorithm, String hex, int hexLength) {
    return Hash.parse(algorithm, hex.length() > hexLength ? hex.substring(0, hexLength) : hex);
  }
}
