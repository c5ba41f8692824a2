package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn cat HASH}: prints an object's bytes. */
@Command(name = "cat", description = "Print the bytes of an object.")
final class CatCommand extends StoreCommand {
  @Parameters(paramLabel = "HASH", description = "the object's hash, in hex")
  String hex;

  @Option(names = {"-p", "--git-content"},
      description = "for an object imported from Git, print its content without the Git"
          + " header (\"<type> <size>\\0\")")
  boolean gitContent;

  @Override
  int run(Backend store) {
    Hash hash = CairnCommand.parseHash(store, hex);
    byte[] data = store.read(hash).orElseThrow(
        () -> CliFailure.failure("no object " + hash.toHex() + " in the store"));
    int start = 0;
    if (gitContent) {
      GitObject object = GitObject.parseHeader(data);
      if (object == null) {
        throw CliFailure.failure("object " + hash.toHex() + " is not a Git object");
      }
      start = object.contentOffset;
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
}
