package dev.cairn.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A Git object (blob, tree or commit, in Git's own format, so the {@code git} link extractor finds
 * real links) described by one short line of text from which its bytes are regenerated: a child JVM
 * prints the recipe of each object it wrote, and the parent rebuilds the exact bytes to compare
 * them with what the store serves. Immutable.
 *
 * <pre>
 * blob SEED SIZE                  SIZE pseudo-random bytes drawn from SEED
 * tree MODE:NAME:HEX ...          entries in the order given ("tree" alone is the empty tree)
 * commit TREE PARENT|- MESSAGE    MESSAGE has no spaces
 * </pre>
 */
record GitRecipe(String text) {
  static final HashAlgorithm SHA1 = HashAlgorithm.SHA1;

  static GitRecipe blob(long seed, int size) {
    return new GitRecipe("blob " + seed + " " + size);
  }

  /** A tree of {@code entries}, each {@code mode:name:hex}; names sorted as Git sorts them. */
  static GitRecipe tree(List<String> entries) {
    return new GitRecipe(entries.isEmpty() ? "tree" : "tree " + String.join(" ", entries));
  }

  static GitRecipe commit(Hash tree, Hash parent, String message) {
    return new GitRecipe(
        "commit " + tree.toHex() + " " + (parent == null ? "-" : parent.toHex()) + " " + message);
  }

  /** The object's bytes, header included. */
  byte[] bytes() {
    String[] words = text.split(" ");
    switch (words[0]) {
      case "blob":
        {
          byte[] body = new byte[Integer.parseInt(words[2])];
          new Random(Long.parseLong(words[1])).nextBytes(body);
          return object("blob", body);
        }
      case "tree":
        {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          for (int i = 1; i < words.length; i++) {
            String[] entry = words[i].split(":");
            body.writeBytes((entry[0] + " " + entry[1]).getBytes(UTF_8));
            body.write(0);
            body.writeBytes(Hash.parse(SHA1, entry[2]).toBytes());
          }
          return object("tree", body.toByteArray());
        }
      case "commit":
        {
          StringBuilder commit = new StringBuilder("tree ").append(words[1]).append('\n');
          if (!words[2].equals("-")) {
            commit.append("parent ").append(words[2]).append('\n');
          }
          commit
              .append("author K <k@cairn> 1577836800 +0000\n")
              .append("committer K <k@cairn> 1577836800 +0000\n\n")
              .append(words[3])
              .append('\n');
          return object("commit", commit.toString().getBytes(UTF_8));
        }
      default:
        throw new IllegalArgumentException("not a recipe: \"" + text + "\"");
    }
  }

  Hash hash() {
    return SHA1.hash(bytes());
  }

  /** The hashes this object links to, as the {@code git} extractor finds them. */
  List<Hash> links() {
    String[] words = text.split(" ");
    List<Hash> links = new ArrayList<>();
    if (words[0].equals("tree")) {
      for (int i = 1; i < words.length; i++) {
        links.add(Hash.parse(SHA1, words[i].split(":")[2]));
      }
    } else if (words[0].equals("commit")) {
      links.add(Hash.parse(SHA1, words[1]));
      if (!words[2].equals("-")) {
        links.add(Hash.parse(SHA1, words[2]));
      }
    }
    return links;
  }

  private static byte[] object(String type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
    out.writeBytes((type + " " + body.length).getBytes(UTF_8));
    out.write(0);
    out.writeBytes(body);
    return out.toByteArray();
  }
}
