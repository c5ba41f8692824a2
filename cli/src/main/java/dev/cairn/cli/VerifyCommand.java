package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.StoredObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code cairn verify}: reads every object the store enumerates (which checks each record's
 * checksum) and re-hashes it. Each damaged object is printed with the file and place it is
 * kept in; damage means exit 1.
 */
@Command(name = "verify",
    description = "Read and re-hash every object, checking every checksum; exit 1 and name"
        + " each damaged file and object.")
final class VerifyCommand extends StoreCommand {
  @Override
  int run(Backend store) {
    ObjectEnumeration enumeration = store.feature(ObjectEnumeration.class).orElseThrow(() ->
        CliFailure.failure("the store " + root().spec() + " cannot list its objects, so it"
            + " cannot be verified; verify each store of the stack on its own (disk: can)"));
    Progress progress = progress("verify", -1);
    List<Map<String, Object>> damaged = new ArrayList<>();
    try {
      enumeration.forEachObject(object -> check(store, object, progress, damaged));
    } catch (CorruptionException e) {
      damaged.add(damage(null, e.file() + "@" + e.offset(), e.getMessage()
          + " (the listing stopped here)"));
    }
    progress.finish();
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("objects", progress.items());
      result.put("bytes", progress.bytes());
      result.put("damaged", damaged);
      json(result);
    } else {
      for (Map<String, Object> d : damaged) {
        io().out.println("damaged: " + (d.get("object") == null ? "" : "object " + d.get("object")
            + " ") + "in " + d.get("file") + ": " + d.get("problem"));
      }
      say(String.format(Locale.ROOT, "%s: %,d objects (%,.1f MB) checked, %,d damaged",
          damaged.isEmpty() ? "ok" : "DAMAGED", progress.items(), progress.bytes() / 1e6,
          damaged.size()));
    }
    return damaged.isEmpty() ? 0 : CliFailure.FAILURE;
  }

  private static void check(Backend store, StoredObject object, Progress progress,
      List<Map<String, Object>> damaged) {
    Hash hash = object.hash();
    try {
      Optional<byte[]> data = store.read(hash);
      if (data.isEmpty()) {
        damaged.add(damage(hash, object.location(), "listed but cannot be read"));
      } else if (!store.hashAlgorithm().hash(data.get()).equals(hash)) {
        damaged.add(damage(hash, object.location(), "its bytes hash to "
            + store.hashAlgorithm().hash(data.get()).toHex()));
      } else if (data.get().length != object.size()) {
        damaged.add(damage(hash, object.location(), "listed with " + object.size()
            + " bytes but holds " + data.get().length));
      }
      progress.advance(1, object.size());
    } catch (CorruptionException e) {
      damaged.add(damage(hash, e.file() + "@" + e.offset(), e.getMessage()));
      progress.advance(1, 0);
    } catch (CairnException e) {
      damaged.add(damage(hash, object.location(), e.getMessage()));
      progress.advance(1, 0);
    }
  }

  private static Map<String, Object> damage(Hash hash, String file, String problem) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("object", hash == null ? null : hash.toHex());
    d.put("file", file);
    d.put("problem", problem);
    return d;
  }
}
