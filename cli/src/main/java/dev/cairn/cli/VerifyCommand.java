package dev.cairn.cli;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.Hasher;
import dev.cairn.spi.IntegrityCheck;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.ObjectReader;
import dev.cairn.spi.ObjectStreams;
import dev.cairn.spi.StoredObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;

/**
 * {@code cairn verify}: checks every checksum of every file of every store of the stack that offers
 * {@link IntegrityCheck} (records, indexes, Bloom filters, manifests, control and mapping files,
 * ref journals; each record's payload re-hashed), reads every ref, and reads and re-hashes every
 * object the store enumerates through the whole stack. Each damage is printed with the file and
 * offset (or the object) where it was found; damage means exit 1.
 */
@Command(
    name = "verify",
    description =
        "Check every checksum of every file of the stack, read every ref, read and"
            + " re-hash every object; exit 1 and name each damaged file and offset.")
final class VerifyCommand extends StoreCommand {
  @Override
  int run(Backend store) {
    Optional<IntegrityCheck> integrity = store.feature(IntegrityCheck.class);
    Optional<ObjectEnumeration> enumeration = store.feature(ObjectEnumeration.class);
    if (integrity.isEmpty() && enumeration.isEmpty()) {
      throw CliFailure.failure(
          "the store "
              + root().spec()
              + " cannot list its objects nor"
              + " check its files, so it cannot be verified");
    }
    List<Map<String, Object>> damaged = new ArrayList<>();
    Progress progress = progress("verify", -1);
    if (enumeration.isPresent()) {
      try {
        enumeration.get().forEachObject(object -> check(store, object, progress, damaged));
      } catch (CorruptionException e) {
        damaged.add(
            damage(
                null, e.file() + "@" + e.offset(), e.getMessage() + " (the listing stopped here)"));
      }
    }
    progress.finish();
    int refs = checkRefs(store, damaged);
    // A damaged record is found both by reading its object and by checking its file: print it
    // once, with the object.
    Set<Object> seen = new HashSet<>();
    damaged.forEach(d -> seen.add(d.get("file")));
    IntegrityCheck.Summary files =
        integrity
            .map(
                check ->
                    check.checkIntegrity(
                        e -> {
                          String where = e.file() + "@" + e.offset();
                          if (seen.add(where)) {
                            damaged.add(damage(null, where, e.getMessage()));
                          }
                        }))
            .orElse(IntegrityCheck.Summary.NONE);
    if (root().json) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("files", files.files());
      result.put("fileBytes", files.bytes());
      result.put("records", files.objects());
      result.put("refs", refs);
      result.put("objects", progress.items());
      result.put("bytes", progress.bytes());
      result.put("damaged", damaged);
      json(result);
    } else {
      for (Map<String, Object> d : damaged) {
        io().out
            .println(
                "damaged: "
                    + (d.get("object") == null ? "" : "object " + d.get("object") + " ")
                    + "in "
                    + d.get("file")
                    + ": "
                    + d.get("problem"));
      }
      String objects =
          enumeration.isEmpty()
              ? ""
              : String.format(
                  Locale.ROOT,
                  "%,d objects (%,.1f MB), ",
                  progress.items(),
                  progress.bytes() / 1e6);
      say(
          String.format(
              Locale.ROOT,
              "%s: %s%,d refs, %,d files (%,.1f MB, %,d records)" + " checked, %,d damaged",
              damaged.isEmpty() ? "ok" : "DAMAGED",
              objects,
              refs,
              files.files(),
              files.bytes() / 1e6,
              files.objects(),
              damaged.size()));
    }
    return damaged.isEmpty() ? 0 : CliFailure.FAILURE;
  }

  /** Reads every ref and checks that its target is there; returns how many were read. */
  private static int checkRefs(Backend store, List<Map<String, Object>> damaged) {
    List<String> names;
    try {
      names = store.listRefs();
    } catch (CorruptionException e) {
      damaged.add(
          damage(null, e.file() + "@" + e.offset(), e.getMessage() + " (listing the refs)"));
      return 0;
    }
    int read = 0;
    for (String name : names) {
      try {
        Optional<Hash> target = store.getRef(name);
        if (target.isPresent() && !store.exists(target.get())) {
          damaged.add(
              damage(
                  target.get(), "ref " + name, "the ref names an object the store does not hold"));
        }
        read++;
      } catch (CorruptionException e) {
        damaged.add(
            damage(
                null, e.file() + "@" + e.offset(), e.getMessage() + " (reading ref " + name + ")"));
      }
    }
    return read;
  }

  private static void check(
      Backend store, StoredObject object, Progress progress, List<Map<String, Object>> damaged) {
    Hash hash = object.hash();
    // Streamed, so that an object larger than the heap is checked too.
    try (ObjectReader reader = ObjectStreams.of(store).open(hash).orElse(null)) {
      if (reader == null) {
        damaged.add(damage(hash, object.location(), "listed but cannot be read"));
      } else {
        Hasher hasher = store.hashAlgorithm().newHasher();
        long size = 0;
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        for (int n; (n = reader.read(buffer.clear())) != -1; ) {
          hasher.update(buffer.flip());
          size += n;
        }
        Hash actual = hasher.finish();
        if (!actual.equals(hash)) {
          damaged.add(damage(hash, object.location(), "its bytes hash to " + actual.toHex()));
        } else if (size != object.size()) {
          damaged.add(
              damage(
                  hash,
                  object.location(),
                  "listed with " + object.size() + " bytes but holds " + size));
        }
      }
      progress.advance(1, object.size());
    } catch (IOException e) {
      damaged.add(damage(hash, object.location(), "cannot be read: " + e));
      progress.advance(1, 0);
    } catch (CorruptionException e) {
      damaged.add(damage(hash, e.file() + "@" + e.offset(), e.getMessage()));
      progress.advance(1, 0);
    } catch (CairnException e) {
      damaged.add(damage(hash, object.location(), e.getMessage()));
      progress.advance(1, 0);
    }
  }

  private static Map<String, Object> damage(
      @Nullable Hash hash, String file, @Nullable String problem) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("object", hash == null ? null : hash.toHex());
    d.put("file", file);
    d.put("problem", problem);
    return d;
  }
}
