package dev.cairn.git;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackWriterTest {
  @TempDir Path directory;

  @Test
  void packOfWholeObjectsAndDeltasPassesGitVerifyPack() throws Exception {
    HashAlgorithm sha1 = HashAlgorithm.SHA1;
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      text.append("line ").append(i).append('\n');
    }
    byte[] first = GitObject.of(GitObject.Type.BLOB, text.toString().getBytes(UTF_8));
    byte[] second = GitObject.of(GitObject.Type.BLOB, (text + "one more\n").getBytes(UTF_8));
    byte[] big = GitObject.of(GitObject.Type.BLOB, new byte[300_000]);
    Path pack;
    List<String> ids = new ArrayList<>();
    try (PackWriter writer = new PackWriter(directory.resolve("objects/pack"), sha1)) {
      GitObject a = GitObject.parse(sha1.hash(first), first, sha1);
      writer.add(a, first);
      GitObject b = GitObject.parse(sha1.hash(second), second, sha1);
      byte[] delta =
          Delta.encode(
              first,
              a.contentOffset(),
              a.contentLength(),
              second,
              b.contentOffset(),
              b.contentLength(),
              b.contentLength());
      writer.addDelta(b.hash(), a.hash(), delta);
      writer.add(GitObject.parse(sha1.hash(big), big, sha1), big);
      assertThat(writer.depth(b.hash())).isEqualTo(1);
      pack = writer.finish();
      ids.add(a.hash().toHex());
      ids.add(b.hash().toHex());
    }
    assertThat(pack.getFileName().toString()).startsWith("pack-").endsWith(".pack");
    String verify = git(directory, "verify-pack", "-v", pack.toString());
    assertThat(verify)
        .contains(ids.get(0))
        .contains(ids.get(1))
        .contains("chain length = 1: 1 object");
    Files.writeString(directory.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.createDirectories(directory.resolve("refs/heads"));
    Files.writeString(
        directory.resolve("config"), "[core]\n\trepositoryformatversion = 0\n\tbare = true\n");
    assertThat(git(directory, "cat-file", "-p", ids.get(1))).endsWith("one more\n");
  }

  static String git(Path directory, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "--git-dir=" + directory));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void unfinishedPackLeavesNoFile() throws Exception {
    Path packs = directory.resolve("pack");
    try (PackWriter writer = new PackWriter(packs, HashAlgorithm.SHA1)) {
      byte[] blob = GitObject.of(GitObject.Type.BLOB, new byte[10]);
      writer.add(
          GitObject.parse(Hash.of(HashAlgorithm.SHA1, new byte[20]), blob, HashAlgorithm.SHA1),
          blob);
    }
    try (var files = Files.list(packs)) {
      assertThat(files).isEmpty();
    }
  }
}
