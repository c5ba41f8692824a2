package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.LinkExtractor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the children of one directory acknowledged (from their {@link StackChild} lines), and the
 * checks a reopened stack must pass against it: every acknowledged object byte-identical and
 * hash-verified, every object reachable from a ref readable, every ref at its last acknowledged
 * value or at either side of the compare-and-set in flight when the child died. Not thread-safe:
 * one per directory.
 */
final class ChildLedger {
  private static final LinkExtractor GIT = LinkExtractor.forName("git");

  private final Map<Hash, GitRecipe> acknowledged = new HashMap<>();

  /** Each ref's value as last acknowledged (or seen after a restart); absent = no ref. */
  private final Map<String, Hash> refs = new HashMap<>();

  /** Refs whose compare-and-set had begun but not returned: old and new value. */
  private final Map<String, Hash[]> inFlight = new HashMap<>();

  /** What one child's lines said. */
  record Run(
      int objects,
      int casDone,
      int casInFlight,
      int collections,
      long archived,
      String phaseAtKill,
      boolean ready) {}

  private static final Pattern ARCHIVED = Pattern.compile(" (\\d+) archived");

  int acknowledgedObjects() {
    return acknowledged.size();
  }

  /** The hashes of every acknowledged object. */
  Set<Hash> acknowledgedHashes() {
    return Set.copyOf(acknowledged.keySet());
  }

  /** Takes in the lines of a child; each defect it reported goes to {@code violations}. */
  Run read(List<String> lines, Consumer<String> violations) {
    int objects = 0;
    int done = 0;
    int collections = 0;
    long archived = 0;
    boolean ready = false;
    String phase = "none";
    for (String line : lines) {
      String[] words = line.split(" ", 3);
      switch (words[0]) {
        case "READY":
          ready = true;
          break;
        case "O":
          {
            if (words.length < 3) {
              break; // the kill cut the line short: not acknowledged
            }
            GitRecipe recipe = new GitRecipe(words[2]);
            Hash hash = Hash.parse(GitRecipe.SHA1, words[1]);
            if (!recipe.hash().equals(hash)) {
              // The last line may be cut in the middle of the recipe.
              if (line != lines.get(lines.size() - 1)) {
                violations.accept("the child's recipe " + words[2] + " does not hash to " + hash);
              }
              break;
            }
            acknowledged.put(hash, recipe);
            objects++;
            break;
          }
        case "BEGIN":
          {
            String[] cas = line.split(" ");
            if (cas.length == 4) {
              inFlight.put(cas[1], new Hash[] {hash(cas[2]), hash(cas[3])});
            }
            break;
          }
        case "DONE":
          {
            String[] cas = line.split(" ");
            if (cas.length < 4 || !(cas[3].equals("ok") || cas[3].equals("fail"))) {
              break; // cut short: still in flight
            }
            inFlight.remove(cas[1]);
            done++;
            if (cas[3].equals("ok")) {
              Hash value = hash(cas[2]);
              if (value == null) {
                refs.remove(cas[1]);
              } else {
                refs.put(cas[1], value);
              }
            } else {
              violations.accept(
                  "compare-and-set of "
                      + cas[1]
                      + ", which only its writer moves,"
                      + " failed: "
                      + line);
            }
            break;
          }
        case "P":
          phase = words.length > 1 ? words[1] : phase;
          break;
        case "G":
          collections++;
          phase = "none";
          Matcher m = ARCHIVED.matcher(line);
          if (m.find()) {
            archived += Long.parseLong(m.group(1));
          }
          break;
        case "ERROR":
          violations.accept("the child reported " + line);
          break;
        default:
          break; // a line cut short by the kill
      }
    }
    return new Run(objects, done, inFlight.size(), collections, archived, phase, ready);
  }

  private static Hash hash(String word) {
    return word.equals("-") ? null : Hash.parse(GitRecipe.SHA1, word);
  }

  /**
   * Checks the reopened {@code store}; afterwards the ledger holds the refs as they are, the
   * compare-and-sets in flight having been decided.
   *
   * @return the number of objects read and checked
   */
  long check(Backend store, Consumer<String> violations) {
    long checked = 0;
    for (Map.Entry<Hash, GitRecipe> e : acknowledged.entrySet()) {
      checked++;
      byte[] expected = e.getValue().bytes();
      try {
        Optional<byte[]> data = store.read(e.getKey());
        if (data.isEmpty()) {
          violations.accept(
              "acknowledged object " + e.getKey() + " (" + e.getValue().text() + ") is missing");
        } else if (!Arrays.equals(data.get(), expected)) {
          violations.accept(
              "acknowledged object "
                  + e.getKey()
                  + " reads back as "
                  + data.get().length
                  + " other bytes (hash "
                  + GitRecipe.SHA1.hash(data.get())
                  + ")");
        }
      } catch (CairnException ex) {
        violations.accept("acknowledged object " + e.getKey() + ": " + ex);
      }
    }
    Set<String> names = new TreeSet<>(refs.keySet());
    names.addAll(inFlight.keySet());
    names.addAll(store.listRefs());
    for (String name : names) {
      Hash now = store.getRef(name).orElse(null);
      Hash[] cas = inFlight.remove(name);
      Hash last = refs.get(name);
      boolean allowed =
          cas == null
              ? Objects.equals(now, last)
              : Objects.equals(now, cas[0]) || Objects.equals(now, cas[1]);
      if (!allowed) {
        violations.accept(
            "ref "
                + name
                + " is "
                + now
                + "; expected "
                + (cas == null ? String.valueOf(last) : cas[0] + " or " + cas[1] + " (in flight)"));
      }
      if (now == null) {
        refs.remove(name);
      } else {
        refs.put(name, now);
      }
    }
    return checked + reachable(store, violations);
  }

  /** Reads everything the refs reach, checking each object's hash; returns the count. */
  private long reachable(Backend store, Consumer<String> violations) {
    Set<Hash> seen = new HashSet<>();
    ArrayDeque<Hash> pending = new ArrayDeque<>();
    for (Map.Entry<String, Hash> ref : refs.entrySet()) {
      if (seen.add(ref.getValue())) {
        pending.add(ref.getValue());
      }
    }
    while (!pending.isEmpty()) {
      Hash hash = pending.poll();
      try {
        Optional<byte[]> data = store.read(hash);
        if (data.isEmpty()) {
          violations.accept("object " + hash + ", reachable from a ref, is missing");
          continue;
        }
        if (!GitRecipe.SHA1.hash(data.get()).equals(hash)) {
          violations.accept(
              "reachable object " + hash + " hashes to " + GitRecipe.SHA1.hash(data.get()));
          continue;
        }
        GIT.forEachLink(
            hash,
            data.get(),
            GitRecipe.SHA1,
            (target, leaf) -> {
              if (seen.add(target)) {
                pending.add(target);
              }
            });
      } catch (CairnException ex) {
        violations.accept("reachable object " + hash + ": " + ex);
      }
    }
    return seen.size();
  }
}
