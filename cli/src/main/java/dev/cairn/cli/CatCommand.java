package dev.cairn.cli;

import dev.cairn.git.GitObject;
import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import dev.cairn.spi.MalformedObjectException;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn cat NAME}: prints an object's bytes, streamed from the store ({@link ObjectStreams})
 * so that the heap needed does not grow with their size where the store streams. Damage found at
 * the end of a streamed object fails the command (exit 1) before its last bytes are printed. With
 * {@code -p}, a tree is listed as {@code git cat-file -p} lists it (trees are read whole to be
 * parsed; every other type streams).
 */
@Command(name = "cat", description = "Print the bytes of an object.")
final class CatCommand extends StoreCommand {
  @Parameters(
      paramLabel = "NAME",
      description =
          "the object: its hash, a unique abbreviation of it (4 hex digits or more),"
              + " or a ref as Git names them (HEAD, main, v1.0, refs/heads/main)")
  String hex;

  @Option(
      names = {"-p", "--git-content"},
      description =
          "for an object imported from Git, print it as 'git cat-file -p' does: the"
              + " content without the Git header (\"<type> <size>\\0\"); a tree as a listing")
  boolean gitContent;

  @Override
  int run(Backend store) throws IOException {
    Hash hash = ObjectName.resolve(store, hex);
    ObjectReader reader =
        ObjectStreams.of(store)
            .open(hash)
            .orElseThrow(() -> CliFailure.failure("no object " + hash.toHex() + " in the store"));
    try (InputStream in = reader.asInputStream()) {
      long size = reader.size();
      byte[] head = in.readNBytes((int) Math.min(size, GitObject.MAX_HEADER));
      int start = 0;
      InputStream rest = in;
      if (gitContent) {
        GitObject.Header header;
        try {
          header = GitObject.parseHeader(hash, head, size);
        } catch (MalformedObjectException e) {
          throw CliFailure.failure(
              "object " + hash.toHex() + " is not a Git object: " + e.getMessage());
        }
        start = header.contentOffset();
        if (header.type() == GitObject.Type.TREE) {
          head = listing(hash, head, in.readAllBytes(), store);
          start = 0;
          size = head.length;
          rest = InputStream.nullInputStream();
        }
      }
      print(hash, head, start, size - start, rest);
    }
    return 0;
  }

  /** Prints {@code head} from {@code start}, then the rest of the object, raw or as JSON. */
  private void print(Hash hash, byte[] head, int start, long length, InputStream rest)
      throws IOException {
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("hash", hash.toHex());
      result.put("size", length);
      String fields = Json.write(result);
      io().out.print(fields.substring(0, fields.length() - 1) + ",\"base64\":\"");
      try (OutputStream base64 = Base64.getEncoder().wrap(unclosed(io().out))) {
        base64.write(head, start, head.length - start);
        rest.transferTo(base64);
      }
      io().out.println("\"}");
    } else {
      io().out.write(head, start, head.length - start);
      copy(rest, io().out);
    }
    io().out.flush();
  }

  /** A tree as {@code git cat-file -p} prints it: {@code mode type hash TAB name}, a line each. */
  private static byte[] listing(Hash hash, byte[] head, byte[] tail, Backend store) {
    ByteArrayOutputStream whole = new ByteArrayOutputStream(head.length + tail.length);
    whole.writeBytes(head);
    whole.writeBytes(tail);
    GitObject tree;
    try {
      tree = GitObject.parse(hash, whole.toByteArray(), store.hashAlgorithm());
    } catch (MalformedObjectException e) {
      throw CliFailure.failure(
          "object " + hash.toHex() + " is not a Git object: " + e.getMessage());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tree.forEachEntry(
        entry -> {
          out.writeBytes(
              (entry.modeText() + " " + entry.type().label() + " " + entry.hash().toHex() + "\t")
                  .getBytes(StandardCharsets.US_ASCII));
          out.writeBytes(entry.name());
          out.write('\n');
        });
    return out.toByteArray();
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
