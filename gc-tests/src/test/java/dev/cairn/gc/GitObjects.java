package dev.cairn.gc;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.spi.Hash;
import java.io.ByteArrayOutputStream;
import java.util.List;

/** Git objects in Git's own format (header included), so their hashes are Git object ids. */
final class GitObjects {
  private GitObjects() {}

  /** A tree entry: octal mode as Git writes it ("100644", "40000", "160000"), name, hash. */
  record Entry(String mode, String name, Hash hash) {}

  static byte[] blob(String content) {
    return object("blob", content.getBytes(UTF_8));
  }

  static byte[] tree(Entry... entries) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Entry entry : entries) {
      body.writeBytes((entry.mode() + " " + entry.name()).getBytes(UTF_8));
      body.write(0);
      body.writeBytes(entry.hash().toBytes());
    }
    return object("tree", body.toByteArray());
  }

  static byte[] commit(Hash tree, List<Hash> parents, String message) {
    StringBuilder text = new StringBuilder("tree ").append(tree).append('\n');
    parents.forEach(p -> text.append("parent ").append(p).append('\n'));
    text.append("author A <a@b> 1577836800 +0000\n")
        .append("committer A <a@b> 1577836800 +0000\n\n")
        .append(message)
        .append('\n');
    return object("commit", text.toString().getBytes(UTF_8));
  }

  static byte[] tag(Hash object, String name, String message) {
    String text =
        "object "
            + object
            + "\ntype commit\ntag "
            + name
            + "\ntagger A <a@b> 1577836800 +0000\n\n"
            + message
            + "\n";
    return object("tag", text.getBytes(UTF_8));
  }

  static byte[] object(String type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((type + " " + body.length).getBytes(UTF_8));
    out.write(0);
    out.writeBytes(body);
    return out.toByteArray();
  }
}
