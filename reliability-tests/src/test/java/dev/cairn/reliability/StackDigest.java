package dev.cairn.reliability;

import dev.cairn.lower.VolumeArchive;
import dev.cairn.spi.Backend;
import dev.cairn.spi.CairnException;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.ObjectEnumeration;
import dev.cairn.spi.volume.Volume;
import dev.cairn.stack.Cairn;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The logical state of a recovered {@link FullStack}, as sorted lines, so that two recoveries can
 * be compared: every ref; every object the upper lists, with the SHA-256 of its bytes; each volume
 * of the lower (offsets, object count, generation) and how many objects its own verify checks;
 * every candidate hash (what children acknowledged) as the whole stack serves it; and the verdict
 * of {@code cairn verify}. File bytes are not compared: the lower's control files name the upper's
 * directory, which differs between a directory and its copy.
 */
final class StackDigest {
  private StackDigest() {}

  /** The digest of the (closed, recovered) stack over {@code dir}. */
  static SortedSet<String> of(Path dir, Collection<Hash> candidates) {
    SortedSet<String> lines = new TreeSet<>();
    SortedSet<Hash> hashes = new TreeSet<>(candidates);
    try (Backend upper = Cairn.open(FullStack.upperSpec(dir))) {
      upper
          .feature(ObjectEnumeration.class)
          .orElseThrow()
          .forEachObject(
              object -> {
                hashes.add(object.hash());
                lines.add(
                    "upper "
                        + object.hash().toHex()
                        + " "
                        + object.size()
                        + " "
                        + bytesHash(upper.read(object.hash())));
              });
      for (String ref : upper.listRefs()) {
        lines.add("upper-ref " + ref + " " + upper.getRef(ref).map(Hash::toHex).orElse("-"));
      }
    } catch (CairnException e) {
      lines.add("upper failed: " + e);
    }
    try (VolumeArchive lower = VolumeArchive.builder(dir.resolve("lower")).readOnly(true).open()) {
      for (Volume volume : lower.volumes()) {
        if (volume.isEmpty()) {
          lines.add("volume " + volume.path().getFileName() + " empty");
          continue;
        }
        lines.add(
            "volume "
                + volume.path().getFileName()
                + " "
                + volume.startOffset()
                + ".."
                + volume.endOffset()
                + " objects="
                + volume.objectCount()
                + " generation="
                + volume.generation());
      }
      lines.add("lower verify " + lower.verify());
    } catch (CairnException e) {
      lines.add("lower failed: " + e);
    }
    try (Backend stack = FullStack.open(dir)) {
      for (String ref : stack.listRefs()) {
        lines.add("ref " + ref + " " + stack.getRef(ref).map(Hash::toHex).orElse("-"));
      }
      for (Hash hash : hashes) {
        lines.add("object " + hash.toHex() + " " + bytesHash(stack.read(hash)));
      }
    } catch (CairnException e) {
      lines.add("stack failed: " + e);
    }
    FullStack.Verdict verdict = FullStack.verify(dir);
    lines.add("verify exit=" + verdict.exit() + " objects=" + verdict.objects());
    return lines;
  }

  private static String bytesHash(Optional<byte[]> data) {
    return data.map(d -> HashAlgorithm.SHA256.hash(d).toHex()).orElse("absent");
  }

  /** The lines only in {@code a} (prefixed "-") and only in {@code b} ("+"), at most 20. */
  static List<String> difference(SortedSet<String> a, SortedSet<String> b) {
    TreeSet<String> diff = new TreeSet<>();
    a.stream().filter(l -> !b.contains(l)).forEach(l -> diff.add("- " + l));
    b.stream().filter(l -> !a.contains(l)).forEach(l -> diff.add("+ " + l));
    return diff.stream().limit(20).toList();
  }
}
