package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cairn exists HASH}: exit 0 if stored, 1 if not. */
@Command(
    name = "exists",
    description = "Tell whether an object is stored: prints true or false; exit 0 or 1.")
final class ExistsCommand extends StoreCommand {
  @Parameters(paramLabel = "HASH", description = "the object's hash, in hex")
  String hex;

  @Override
  int run(Backend store) {
    Hash hash = CairnCommand.parseHash(store, hex);
    boolean exists = store.exists(hash);
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("hash", hash.toHex());
      result.put("exists", exists);
      json(result);
    } else {
      say(Boolean.toString(exists));
    }
    return exists ? 0 : CliFailure.FAILURE;
  }
}
