package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cairn put [FILE|-]}: stores bytes and prints their hash. */
@Command(name = "put", description = "Store a file's bytes (or standard input) and print the hash.")
final class PutCommand extends StoreCommand {
  @Parameters(arity = "0..1", paramLabel = "FILE|-", defaultValue = "-",
      description = "the file to store; - (default) reads standard input")
  String file;

  @Override
  boolean createsStore() {
    return true;
  }

  @Override
  int run(Backend store) throws IOException {
    byte[] data;
    if (file.equals("-")) {
      data = io().in.readAllBytes();
    } else {
      Path path = io().resolve(file);
      if (Files.isDirectory(path)) {
        throw CliFailure.usage("'" + file + "' is a directory, not a file");
      }
      try {
        data = Files.readAllBytes(path);
      } catch (NoSuchFileException e) {
        throw CliFailure.usage("no such file: '" + file + "'");
      }
    }
    Hash hash = store.put(data);
    store.flush();
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("hash", hash.toHex());
      result.put("size", data.length);
      json(result);
    } else {
      io().out.println(hash.toHex());
    }
    return 0;
  }
}
