package dev.cairn.gc;

import static dev.cairn.gc.GitObjects.blob;
import static dev.cairn.gc.GitObjects.commit;
import static dev.cairn.gc.GitObjects.tag;
import static dev.cairn.gc.GitObjects.tree;

import dev.cairn.gc.GitObjects.Entry;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little repository of the tests, as {@code git} made it (ids checked against {@code git
 * rev-parse} and {@code git hash-object}): two commits, a tag of the second, and an abandoned
 * branch commit that nothing refers to.
 */
final class GitHistory {
  final Map<String, byte[]> objects = new LinkedHashMap<>();
  final Map<String, Hash> ids = new LinkedHashMap<>();

  GitHistory(Backend store) {
    Hash hello = add(store, "blob hello", blob("hello world\n"));
    Hash x = add(store, "blob x", blob("x"));
    Hash second = add(store, "blob second", blob("hello world\nsecond\n"));
    Hash dir = add(store, "tree d", tree(new Entry("100644", "b.txt", x)));
    Hash tree1 =
        add(
            store,
            "tree 1",
            tree(new Entry("100644", "a.txt", hello), new Entry("40000", "d", dir)));
    Hash tree2 =
        add(
            store,
            "tree 2",
            tree(new Entry("100644", "a.txt", second), new Entry("40000", "d", dir)));
    Hash first = add(store, "commit 1", commit(tree1, List.of(), "first"));
    Hash head = add(store, "commit 2", commit(tree2, List.of(first), "second"));
    add(store, "tag v1", tag(head, "v1", "tag1"));
    // The abandoned branch: a commit on top of the first, with its own tree and blob.
    Hash lost = add(store, "blob lost", blob("lost work\n"));
    Hash lostTree =
        add(
            store,
            "tree lost",
            tree(new Entry("100644", "a.txt", lost), new Entry("40000", "d", dir)));
    add(store, "commit lost", commit(lostTree, List.of(first), "abandoned"));
  }

  private Hash add(Backend store, String name, byte[] data) {
    Hash hash = store.put(data);
    objects.put(name, data);
    ids.put(name, hash);
    return hash;
  }

  Hash id(String name) {
    return ids.get(name);
  }

  /** The objects {@code refs/tags/v1} reaches. */
  static final List<String> REACHABLE =
      List.of(
          "blob hello",
          "blob x",
          "blob second",
          "tree d",
          "tree 1",
          "tree 2",
          "commit 1",
          "commit 2",
          "tag v1");

  /** The abandoned branch's own objects. */
  static final List<String> UNREACHABLE = List.of("blob lost", "tree lost", "commit lost");
}
