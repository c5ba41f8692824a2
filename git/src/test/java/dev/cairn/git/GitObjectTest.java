package dev.cairn.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.MalformedObjectException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GitObjectTest {
  private static final HashAlgorithm SHA1 = HashAlgorithm.SHA1;
  private static final Hash A = SHA1.hash(new byte[] {1});
  private static final Hash B = SHA1.hash(new byte[] {2});

  static byte[] tree(String... modeNameHex) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < modeNameHex.length; i += 3) {
      body.writeBytes((modeNameHex[i] + " " + modeNameHex[i + 1]).getBytes(UTF_8));
      body.write(0);
      body.writeBytes(Hash.parse(SHA1, modeNameHex[i + 2]).toBytes());
    }
    return GitObject.of(GitObject.Type.TREE, body.toByteArray());
  }

  private static GitObject parse(byte[] data) {
    return GitObject.parse(SHA1.hash(data), data, SHA1);
  }

  @Test
  void headerTypeAndContentAreRead() {
    byte[] blob = GitObject.of(GitObject.Type.BLOB, "hello\n".getBytes(UTF_8));
    GitObject object = parse(blob);
    assertThat(SHA1.hash(blob).toHex()).isEqualTo("ce013625030ba8dba906f756967f9e9ca394464a");
    assertThat(object.type()).isEqualTo(GitObject.Type.BLOB);
    assertThat(object.contentOffset()).isEqualTo(7);
    assertThat(object.contentLength()).isEqualTo(6);
    assertThat(GitObject.Type.TAG.packCode()).isEqualTo(4);
  }

  @Test
  void treeEntriesKeepModeNameAndTypeAsGitPrintsThem() {
    byte[] data =
        tree(
            "100644", "a.txt", A.toHex(), "40000", "dir", B.toHex(), "160000", "sub", B.toHex(),
            "120000", "link", A.toHex());
    List<String> printed = new ArrayList<>();
    parse(data).forEachEntry(e -> printed.add(e.toString()));
    assertThat(printed)
        .containsExactly(
            "100644 blob " + A.toHex() + "\ta.txt",
            "040000 tree " + B.toHex() + "\tdir",
            "160000 commit " + B.toHex() + "\tsub",
            "120000 blob " + A.toHex() + "\tlink");
    List<Hash> links = new ArrayList<>();
    parse(data).forEachLink((kind, target, leaf) -> links.add(target));
    assertThat(links).containsExactly(A, B, A);
  }

  /** The CLI's old parser skipped tree-mode checks; GC's did not. One parser now rejects both. */
  @Test
  void treeModeThatIsNoFileDirectoryLinkOrSubmoduleIsMalformed() {
    byte[] data = tree("170000", "x", A.toHex());
    assertThatThrownBy(() -> parse(data))
        .isInstanceOf(MalformedObjectException.class)
        .hasMessageContaining("170000")
        .hasMessageContaining(SHA1.hash(data).toHex());
  }

  /** The CLI's old parser cut a commit's over-long hex to size; it is malformed. */
  @Test
  void commitHashWithExtraHexDigitsIsMalformed() {
    byte[] data =
        GitObject.of(
            GitObject.Type.COMMIT, ("tree " + A.toHex() + "ff\n\nmessage\n").getBytes(UTF_8));
    assertThatThrownBy(() -> parse(data))
        .isInstanceOf(MalformedObjectException.class)
        .hasMessageContaining("expected 40 hex digits");
  }

  /** The CLI's old parser returned null for a bad header; the caller could not say why. */
  @Test
  void badHeaderSaysWhatIsWrong() {
    byte[] leadingZero = "blob 05\0hello".getBytes(UTF_8);
    assertThatThrownBy(() -> parse(leadingZero)).hasMessageContaining("bad object size");
    byte[] lies = "blob 4\0hello".getBytes(UTF_8);
    assertThatThrownBy(() -> parse(lies)).hasMessageContaining("header says 4 bytes");
    byte[] unknown = "frob 0\0".getBytes(UTF_8);
    assertThatThrownBy(() -> parse(unknown)).hasMessageContaining("unknown object type");
  }

  @Test
  void commitsLinkTreeThenParentsAndTagsTheirObject() {
    byte[] commit =
        GitObject.of(
            GitObject.Type.COMMIT,
            ("tree "
                    + A.toHex()
                    + "\nparent "
                    + B.toHex()
                    + "\nauthor x\n\nparent "
                    + A.toHex()
                    + "\n")
                .getBytes(UTF_8));
    List<String> links = new ArrayList<>();
    parse(commit).forEachLink((kind, target, leaf) -> links.add(kind + " " + target));
    assertThat(links).containsExactly("tree " + A, "parent " + B);
    byte[] tag =
        GitObject.of(
            GitObject.Type.TAG,
            ("object " + B.toHex() + "\ntype commit\ntag v1\n\nm\n").getBytes(UTF_8));
    links.clear();
    parse(tag).forEachLink((kind, target, leaf) -> links.add(kind + " " + target));
    assertThat(links).containsExactly("object " + B);
  }
}
