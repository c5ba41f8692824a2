package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.spi.Hash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a store owes after the lines of a {@link DiskFullWorkload}: every acknowledged object
 * (written, not since dropped by compaction) byte for byte; any other attempted object either
 * absent or whole; each ref at its last acknowledged value or at the one an unacknowledged update
 * was setting.
 */
final class DiskFullModel {
  final Set<String> acknowledged = new LinkedHashSet<>();
  final Set<String> uncertain = new LinkedHashSet<>();
  final Map<String, String> refs = new HashMap<>();
  final Map<String, String> pendingRefs = new HashMap<>();
  final List<String> errors = new ArrayList<>();

  static DiskFullModel of(List<String> lines) {
    DiskFullModel model = new DiskFullModel();
    lines.forEach(model::accept);
    return model;
  }

  void accept(String line) {
    if (line.length() < 2 || line.charAt(1) != ' ') {
      return;
    }
    String rest = line.substring(2);
    switch (line.charAt(0)) {
      case 'A' -> uncertain.add(rest);
      case 'O' -> {
        uncertain.remove(rest);
        acknowledged.add(rest);
      }
      case 'D' -> {
        acknowledged.remove(rest);
        uncertain.add(rest);
      }
      case 'P' -> {
        String[] words = rest.split(" ");
        pendingRefs.put(words[0], words[1]);
      }
      case 'R' -> {
        String[] words = rest.split(" ");
        refs.put(words[0], words[1]);
        pendingRefs.remove(words[0]);
      }
      case 'E' -> errors.add(rest);
      default -> {}
    }
  }

  /**
   * Checks {@code store} against what it owes; returns the violations found (empty if none). Counts
   * each object read in {@code checked}.
   */
  List<String> check(Backend store, String where, long[] checked) {
    List<String> violations = new ArrayList<>();
    for (String key : acknowledged) {
      byte[] expected = DiskFullWorkload.object(key);
      Hash hash = DiskFullWorkload.HASH.hash(expected);
      try {
        Optional<byte[]> read = store.read(hash);
        checked[0]++;
        if (read.isEmpty()) {
          violations.add(where + ": acknowledged object " + key + " (" + hash + ") is lost");
        } else if (!Arrays.equals(read.get(), expected)) {
          violations.add(
              where
                  + ": acknowledged object "
                  + key
                  + " reads "
                  + read.get().length
                  + " wrong bytes (expected "
                  + expected.length
                  + ")");
        }
      } catch (RuntimeException e) {
        violations.add(
            where + ": reading acknowledged object " + key + " threw " + DiskFullWorkload.chain(e));
      }
    }
    for (String key : uncertain) {
      byte[] expected = DiskFullWorkload.object(key);
      Hash hash = DiskFullWorkload.HASH.hash(expected);
      try {
        Optional<byte[]> read = store.read(hash);
        checked[0]++;
        if (read.isPresent() && !Arrays.equals(read.get(), expected)) {
          violations.add(
              where
                  + ": partial object "
                  + key
                  + " visible: reads "
                  + read.get().length
                  + " wrong bytes (expected "
                  + expected.length
                  + ")");
        }
      } catch (RuntimeException e) {
        violations.add(
            where
                + ": reading unacknowledged object "
                + key
                + " threw "
                + DiskFullWorkload.chain(e));
      }
    }
    Set<String> names = new LinkedHashSet<>(refs.keySet());
    names.addAll(pendingRefs.keySet());
    for (String ref : names) {
      Hash old = refs.containsKey(ref) ? DiskFullWorkload.hash(refs.get(ref)) : null;
      Hash pending =
          pendingRefs.containsKey(ref) ? DiskFullWorkload.hash(pendingRefs.get(ref)) : null;
      try {
        Hash now = store.getRef(ref).orElse(null);
        boolean ok = java.util.Objects.equals(now, old) || (now != null && now.equals(pending));
        if (!ok) {
          violations.add(
              where
                  + ": ref "
                  + ref
                  + " is "
                  + now
                  + ", neither the acknowledged "
                  + old
                  + " nor the pending "
                  + pending);
        }
      } catch (RuntimeException e) {
        violations.add(where + ": reading ref " + ref + " threw " + DiskFullWorkload.chain(e));
      }
    }
    return violations;
  }
}
