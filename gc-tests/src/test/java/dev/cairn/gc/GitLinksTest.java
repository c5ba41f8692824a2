package dev.cairn.gc;

import static dev.cairn.gc.GitObjects.object;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.gc.GitObjects.Entry;
import dev.cairn.memory.MemoryBackend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.LinkExtractor;
import dev.cairn.spi.MalformedObjectException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitLinksTest {
  private static final HashAlgorithm SHA1 = HashAlgorithm.SHA1;
  private final LinkExtractor git = LinkExtractor.forName("git");
  private final GitHistory history = new GitHistory(MemoryBackend.create(SHA1));

  @Test
  void objectsBuiltHereHaveTheIdsGitGaveThem() {
    Map<String, String> expected =
        Map.of(
            "blob hello", "3b18e512dba79e4c8300dd08aeb37f8e728b8dad",
            "blob x", "c1b0730e0133447badcfd47fd144e254807b06e1",
            "blob second", "f31f52dd46309ba60b9b0ef605f52ea4ba277a55",
            "tree d", "01cc09486627c642a9ec37ee69658e70cf98f230",
            "tree 1", "ecccafb35a24147508ae70a65dff104e9fd6341c",
            "tree 2", "d3c4da65e61d98373288b6cab6a0db3729c9e1ea",
            "commit 1", "b417f9e84787426956d8b3378d26157e050398f4",
            "commit 2", "495702d5b7c31a838d4f92f6c7087b69ce8b1689",
            "tag v1", "e75d3b6845eeb5322e2d72e183419db846f76e34");
    expected.forEach((name, id) -> assertThat(history.id(name).toHex()).as(name).isEqualTo(id));
  }

  @Test
  void commitsLinkTheirTreeAndParentsTreesTheirEntriesTagsTheirObject() {
    assertThat(links("commit 2")).containsExactly(history.id("tree 2"), history.id("commit 1"));
    assertThat(links("commit 1")).containsExactly(history.id("tree 1"));
    assertThat(links("tree 1")).containsExactly(history.id("blob hello"), history.id("tree d"));
    assertThat(links("tag v1")).containsExactly(history.id("commit 2"));
    assertThat(links("blob hello")).isEmpty();
  }

  @Test
  void treesTellWhichEntriesAreLeaves() {
    Map<Hash, Boolean> leaves = new java.util.LinkedHashMap<>();
    git.forEachLink(history.id("tree 1"), history.objects.get("tree 1"), SHA1, leaves::put);
    assertThat(leaves)
        .containsExactly(
            Map.entry(history.id("blob hello"), true), Map.entry(history.id("tree d"), false));
    leaves.clear();
    git.forEachLink(history.id("commit 2"), history.objects.get("commit 2"), SHA1, leaves::put);
    assertThat(leaves).containsValues(false).doesNotContainValue(true);
    leaves.clear();
    LinkExtractor.none()
        .forEachLink(history.id("tree 1"), history.objects.get("tree 1"), SHA1, leaves::put);
    assertThat(leaves).isEmpty();
  }

  @Test
  void mergeCommitsLinkEveryParentAndIgnoreTheMessage() {
    Hash a = SHA1.hash(new byte[] {1});
    Hash b = SHA1.hash(new byte[] {2});
    Hash t = SHA1.hash(new byte[] {3});
    byte[] merge = GitObjects.commit(t, List.of(a, b), "parent " + a + "\ntree " + b);
    assertThat(git.links(SHA1.hash(merge), merge, SHA1)).containsExactly(t, a, b);
  }

  @Test
  void gitlinksOfSubmodulesAreSkipped() {
    Hash blob = SHA1.hash(new byte[] {1});
    Hash submodule = SHA1.hash(new byte[] {2});
    byte[] tree =
        GitObjects.tree(new Entry("100644", "f", blob), new Entry("160000", "sub", submodule));
    assertThat(git.links(SHA1.hash(tree), tree, SHA1)).containsExactly(blob);
  }

  @Test
  void sha256RepositoriesUseLongerHashes() {
    HashAlgorithm sha256 = HashAlgorithm.SHA256;
    Hash blob = sha256.hash(new byte[] {1});
    byte[] tree = GitObjects.tree(new Entry("100644", "f", blob));
    Hash treeId = sha256.hash(tree);
    byte[] commit = GitObjects.commit(treeId, List.of(), "m");
    assertThat(git.links(treeId, tree, sha256)).containsExactly(blob);
    assertThat(git.links(sha256.hash(commit), commit, sha256)).containsExactly(treeId);
  }

  @Test
  void malformedObjectsAreReportedWithTheirHash() {
    List<byte[]> bad =
        List.of(
            "hello".getBytes(UTF_8),
            sizeLies(),
            object("frob", new byte[0]),
            object("tree", "100644 f".getBytes(UTF_8)),
            object("tree", "100644 f\0abc".getBytes(UTF_8)),
            object("tree", "1x0644 f\0aaaaaaaaaaaaaaaaaaaa".getBytes(UTF_8)),
            object("commit", "author A\n".getBytes(UTF_8)),
            object("commit", "tree 1234\n".getBytes(UTF_8)),
            object("tag", "type commit\n".getBytes(UTF_8)));
    for (byte[] data : bad) {
      Hash hash = SHA1.hash(data);
      assertThatThrownBy(() -> git.links(hash, data, SHA1))
          .as(new String(data, UTF_8))
          .isInstanceOf(MalformedObjectException.class)
          .hasMessageContaining(hash.toHex())
          .satisfies(e -> assertThat(((MalformedObjectException) e).hash()).isEqualTo(hash));
    }
  }

  private static byte[] sizeLies() {
    byte[] blob = object("blob", new byte[3]);
    blob[5] = '4';
    return blob;
  }

  @Test
  void extractorsAreFoundByName() {
    assertThat(LinkExtractor.available()).containsKeys("git", "none");
    assertThat(
            LinkExtractor.forName("none")
                .links(history.id("tag v1"), history.objects.get("tag v1"), SHA1))
        .isEmpty();
    assertThatThrownBy(() -> LinkExtractor.forName("svn"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("svn")
        .hasMessageContaining("git");
  }

  private List<Hash> links(String name) {
    return git.links(history.id(name), history.objects.get(name), SHA1);
  }
}
