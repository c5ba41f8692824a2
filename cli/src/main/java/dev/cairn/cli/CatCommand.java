package dev.cairn.cli;

import dev.cairn.git.GitObject;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.MalformedObjectException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn cat NAME}: prints an object's bytes. */
@Command(name = "cat", description = "Print the bytes of an object.")
final class CatCommand extends StoreCommand {
  @Parameters(paramLabel = "NAME",
      description = "the object: its hash, a unique abbreviation of it (4 hex digits or more),"
          + " or a ref as Git names them (HEAD, main, v1.0, refs/heads/main)")
  String hex;

  @Option(names = {"-p", "--git-content"},
      description = "for an object imported from Git, print it as 'git cat-file -p' does: the"
          + " content without the Git header (\"<type> <size>\\0\"); a tree as a listing")
  boolean gitContent;

  @Override
  int run(Backend store) {
    Hash hash = ObjectName.resolve(store, hex);
    byte[] data = store.read(hash).orElseThrow(
        () -> CliFailure.failure("no object " + hash.toHex() + " in the store"));
    int start = 0;
    if (gitContent) {
      GitObject object;
      try {
        object = GitObject.parse(hash, data, store.hashAlgorithm());
      } catch (MalformedObjectException e) {
        throw CliFailure.failure("object " + hash.toHex() + " is not a Git object: "
            + e.getMessage());
      }
      start = object.contentOffset();
      if (object.type() == GitObject.Type.TREE) {
        data = listing(object);
        start = 0;
      }
    }
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("hash", hash.toHex());
      result.put("size", data.length - start);
      result.put("base64", Base64.getEncoder().encodeToString(
          java.util.Arrays.copyOfRange(data, start, data.length)));
      json(result);
    } else {
      io().out.write(data, start, data.length - start);
      io().out.flush();
    }
    return 0;
  }

  /** A tree as {@code git cat-file -p} prints it: {@code mode type hash TAB name}, a line each. */
  private static byte[] listing(GitObject tree) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tree.forEachEntry(entry -> {
      out.writeBytes((entry.modeText() + " " + entry.type().label() + " "
          + entry.hash().toHex() + "\t").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(entry.name());
      out.write('\n');
    });
    return out.toByteArray();
  }
}
