package dev.cairn.disk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.cairn.spi.Hash;
import dev.cairn.spi.IntegrityCheck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 8 (import speed): large batches are written past the page cache. What reaches the
 * file must be byte for byte what a plain append writes, whatever the alignment of the file's end
 * and however many chunks the run takes; where direct I/O is refused nothing is written and the
 * caller's plain write serves.
 */
class DirectAppendTest {
  /** File systems on which Linux supports O_DIRECT; elsewhere the fallback is what is checked. */
  private static final Set<String> DIRECT_CAPABLE = Set.of("ext4", "ext3", "ext2", "xfs", "btrfs");

  @TempDir Path dir;

  @Test
  void runsAtEveryAlignmentLeaveTheFileAPlainAppendMakes() throws IOException {
    Path file = dir.resolve("seg.data");
    Files.createFile(file);
    boolean capable = DIRECT_CAPABLE.contains(Files.getFileStore(dir).type());
    Random random = new Random(19);
    ByteBuffer expected = ByteBuffer.allocate(48 << 20);
    int[] lengths = {
      DirectAppend.THRESHOLD,
      DirectAppend.THRESHOLD + 1,
      DirectAppend.CHUNK - 1,
      DirectAppend.CHUNK + 4093,
      2 * DirectAppend.CHUNK + 12_345,
      3_000_017
    };
    try (DirectAppend direct = new DirectAppend();
        FileChannel channel =
            FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long end = 0;
      for (int i = 0; i < lengths.length; i++) {
        // A small plain append first, so each run starts off a block boundary (the last starts
        // right after a run, with no plain append between).
        if (i < lengths.length - 1) {
          byte[] small = bytes(random, 1 + random.nextInt(5000));
          channel.write(ByteBuffer.wrap(small), end);
          expected.put(small);
          end += small.length;
        }
        byte[] run = bytes(random, lengths[i]);
        ByteBuffer records = ByteBuffer.wrap(run);
        boolean written = direct.write(file, channel, records, end);
        assertThat(written)
            .as("direct I/O on %s", Files.getFileStore(dir).type())
            .isEqualTo(capable);
        if (!written) {
          assertThat(records.remaining()).isEqualTo(run.length);
          assertThat(channel.size()).isEqualTo(end);
          channel.write(records, end);
        }
        assertThat(records.hasRemaining()).isFalse();
        expected.put(run);
        end += run.length;
        assertThat(channel.size()).isEqualTo(end);
      }
    }
    expected.flip();
    byte[] want = new byte[expected.remaining()];
    expected.get(want);
    assertThat(Files.readAllBytes(file)).isEqualTo(want);
  }

  @Test
  void aRunBelowTheThresholdIsLeftToTheCaller() throws IOException {
    Path file = dir.resolve("seg.data");
    Files.write(file, new byte[100]);
    try (DirectAppend direct = new DirectAppend();
        FileChannel channel =
            FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer records = ByteBuffer.wrap(new byte[DirectAppend.THRESHOLD - 1]);
      assertThat(direct.write(file, channel, records, 100)).isFalse();
      assertThat(records.position()).isZero();
      assertThat(channel.size()).isEqualTo(100);
    }
  }

  @Test
  void aFileSystemWithoutDirectIoGetsFalseAndAnUnchangedFile() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = jimfs.getPath("/seg.data");
      byte[] before = bytes(new Random(1), 777);
      Files.write(file, before);
      try (DirectAppend direct = new DirectAppend();
          FileChannel channel =
              FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer records = ByteBuffer.wrap(new byte[2 * DirectAppend.THRESHOLD]);
        assertThat(direct.write(file, channel, records, before.length)).isFalse();
        assertThat(records.position()).isZero();
        // Asked again (the store keeps one for its life): still refused, still untouched.
        assertThat(direct.write(file, channel, records, before.length)).isFalse();
      }
      assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }
  }

  @Test
  void largeBatchesAcrossSegmentsReadBackAfterReopenAndCheckClean() throws IOException {
    DiskOptions options = DiskOptions.builder().segmentSize(8 << 20).build();
    Random random = new Random(8);
    Map<Hash, byte[]> all = new LinkedHashMap<>();
    try (DiskBackend store = DiskBackend.open(dir, options)) {
      for (int b = 0; b < 12; b++) {
        Map<Hash, byte[]> batch = new LinkedHashMap<>();
        int bytes = 0;
        while (bytes < (1 << 20) + random.nextInt(3 << 20)) {
          byte[] data = bytes(random, 1 + random.nextInt(200_000));
          batch.put(store.hashAlgorithm().hash(data), data);
          bytes += data.length;
        }
        store.writeBatch(batch);
        all.putAll(batch);
        // Single writes between batches go through the page cache into the same file.
        byte[] single = bytes(random, 1 + random.nextInt(3000));
        Hash singleHash = store.hashAlgorithm().hash(single);
        store.write(singleHash, single);
        all.put(singleHash, single);
        batch.forEach((hash, data) -> assertThat(store.read(hash)).hasValue(data));
      }
    }
    try (DiskBackend store = DiskBackend.open(dir, options)) {
      List<String> damage = new ArrayList<>();
      IntegrityCheck.Summary summary = store.checkIntegrity(e -> damage.add(e.getMessage()));
      assertThat(damage).isEmpty();
      assertThat(summary.objects()).isEqualTo(all.size());
      all.forEach((hash, data) -> assertThat(store.read(hash)).hasValue(data));
    }
  }

  private static byte[] bytes(Random random, int length) {
    byte[] data = new byte[length];
    random.nextBytes(data);
    return data;
  }
}
