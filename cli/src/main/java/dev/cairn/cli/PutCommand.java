package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.ObjectTooLargeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn put [FILE|-]}: stores bytes and prints their hash. The bytes are streamed into the
 * store ({@link ObjectStreams}), so the heap needed does not grow with their size where the store
 * streams; a file larger than the store holds is refused before it is read, standard input as soon
 * as it is.
 */
@Command(
    name = "put",
    description =
        "Store a file's bytes (or standard input) and print the"
            + " hash. The bytes are streamed; a file larger than the store holds (see 'cairn stores')"
            + " is refused before it is read.")
final class PutCommand extends StoreCommand {
  @Parameters(
      arity = "0..1",
      paramLabel = "FILE|-",
      defaultValue = "-",
      description = "the file to store; - (default) reads standard input")
  String file;

  @Override
  boolean createsStore() {
    return true;
  }

  @Override
  int run(Backend store) throws IOException {
    ObjectStreams streams = ObjectStreams.of(store);
    Hash hash;
    long size;
    try {
      if (file.equals("-")) {
        Counted in = new Counted(io().in);
        hash = streams.write(in, ObjectStreams.UNKNOWN_LENGTH);
        size = in.count;
      } else {
        Path path = io().resolve(file);
        if (Files.isDirectory(path)) {
          throw CliFailure.usage("'" + file + "' is a directory, not a file");
        }
        try (InputStream in = Files.newInputStream(path)) {
          size = Files.size(path);
          hash = streams.write(in, size);
        } catch (NoSuchFileException e) {
          throw CliFailure.usage("no such file: '" + file + "'");
        }
      }
    } catch (ObjectTooLargeException e) {
      throw CliFailure.failure(
          "cannot store "
              + (file.equals("-") ? "standard input" : "'" + file + "'")
              + ": "
              + e.getMessage());
    }
    store.flush();
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("hash", hash.toHex());
      result.put("size", size);
      json(result);
    } else {
      io().out.println(hash.toHex());
    }
    return 0;
  }

  /** Standard input, counted as it is read. */
  private static final class Counted extends FilterInputStream {
    long count;

    Counted(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
