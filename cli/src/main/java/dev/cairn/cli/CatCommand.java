package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn cat HASH}: prints an object's bytes, streamed from the store ({@link
 * ObjectStreams}) so that the heap needed does not grow with their size where the store
 * streams. Damage found at the end of a streamed object fails the command (exit 1) before its
 * last bytes are printed.
 */
@Command(name = "cat", description = "Print the bytes of an object.")
final class CatCommand extends StoreCommand {
  @Parameters(paramLabel = "HASH", description = "the object's hash, in hex")
  String hex;

  @Option(names = {"-p", "--git-content"},
      description = "for an object imported from Git, print its content without the Git"
          + " header (\"<type> <size>\\0\")")
  boolean gitContent;

  @Override
  int run(Backend store) throws IOException {
    Hash hash = CairnCommand.parseHash(store, hex);
    ObjectReader reader = ObjectStreams.of(store).open(hash).orElseThrow(
        () -> CliFailure.failure("no object " + hash.toHex() + " in the store"));
    try (InputStream in = reader.asInputStream()) {
      long size = reader.size();
      byte[] head = in.readNBytes((int) Math.min(size, GitObject.MAX_HEADER));
      int start = 0;
      if (gitContent) {
        GitObject object = GitObject.parseHeader(head, size);
        if (object == null) {
          throw CliFailure.failure("object " + hash.toHex() + " is not a Git object");
        }
        start = object.contentOffset;
      }
      if (root().json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("hash", hash.toHex());
        result.put("size", size - start);
        String fields = Json.write(result);
        io().out.print(fields.substring(0, fields.length() - 1) + ",\"base64\":\"");
        try (OutputStream base64 = Base64.getEncoder().wrap(unclosed(io().out))) {
          base64.write(head, start, head.length - start);
          copy(in, base64);
        }
        io().out.println("\"}");
      } else {
        io().out.write(head, start, head.length - start);
        copy(in, io().out);
      }
      io().out.flush();
    }
    return 0;
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[256 * 1024];
    for (int n; (n = in.read(buffer)) != -1; ) {
      out.write(buffer, 0, n);
    }
  }

  /** {@code out}, which closing only flushes. */
  private static OutputStream unclosed(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
