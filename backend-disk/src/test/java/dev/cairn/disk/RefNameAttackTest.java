package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.spi.Hash;
import dev.cairn.spi.InvalidRefNameException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile ref names create no file anywhere, inside the store or outside it; valid names that look
 * like paths create no file either (refs live in the journal).
 */
class RefNameAttackTest {
  @TempDir Path root;

  private static final List<String> HOSTILE =
      List.of(
          "",
          "/",
          "/etc/passwd",
          "../escape",
          "refs/../../outside",
          "..",
          "refs/heads/..",
          "a..b",
          ".hidden",
          "refs/.hidden",
          "refs/heads/./x",
          "refs/heads/main.lock",
          "refs//heads",
          "refs/heads/",
          "nul\u0000byte",
          "new\nline",
          "back\\slash",
          "..\\..\\windows",
          "colon:name",
          "star*",
          "question?",
          "tilde~1",
          "caret^2",
          "open[bracket",
          "with space",
          "@",
          "a@{b",
          "ends-with-dot.",
          "\ud800unpaired",
          "x".repeat(1025),
          "refs/" + "y".repeat(256));

  private static final List<String> ODD_BUT_VALID =
      List.of(
          "HEAD",
          "refs/heads/a/b/c/d/e/f",
          "%2e%2e/%2e%2e/escape",
          "refs/heads/\u00e9t\u00e9",
          "LOCK",
          "MANIFEST",
          "refs.log",
          "seg-0000000000000001.data",
          "refs/heads/x.data");

  private Set<String> tree() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.map(p -> root.relativize(p).toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void refNamesNeverBecomeFiles() throws IOException {
    Path dir = root.resolve("store");
    Files.createDirectories(root.resolve("outside"));
    try (DiskBackend store = DiskBackend.open(dir)) {
      Hash hash = store.put(new byte[] {1});
      Set<String> before = tree();
      for (String name : HOSTILE) {
        assertThatThrownBy(() -> store.setRef(name, hash))
            .isInstanceOf(InvalidRefNameException.class);
        assertThatThrownBy(() -> store.testAndSetRef(name, null, hash))
            .isInstanceOf(InvalidRefNameException.class);
        assertThatThrownBy(() -> store.getRef(name)).isInstanceOf(InvalidRefNameException.class);
      }
      for (String name : ODD_BUT_VALID) {
        store.setRef(name, hash);
        assertThat(store.getRef(name)).hasValue(hash);
      }
      assertThat(tree()).isEqualTo(before);
    }
    try (DiskBackend store = DiskBackend.open(dir)) {
      assertThat(store.listRefs()).containsExactlyInAnyOrderElementsOf(ODD_BUT_VALID);
    }
  }
}
