package dev.cairn.storage;

import static java.util.Objects.requireNonNull;

import com.github.luben.zstd.ZstdDictTrainer;
import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import dev.cairn.spi.HashAlgorithmMismatchException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Writes one pack and then its index from (hash, bytes) records, in the order given. With {@link
 * Compression#AUTO} the first {@link PackOptions#sampleBytes()} of objects are held back and
 * sampled to train a zstd dictionary, which the pack stores once when it saves more than it costs;
 * records are compressed where that makes them smaller and stored raw where not. Samples that do
 * not compress even together (random bytes, data compressed already) train no dictionary and are
 * stored raw without being tried one by one. A hash added twice is stored once.
 *
 * <p>The writer only writes to the streams it is given and closes neither: making the files durable
 * (and renaming them into place) is the caller's, for example with {@link DurableFiles}. Not
 * thread-safe; one writer writes one pack.
 */
public final class PackWriter {
  /** Objects at most this long are sampled for the dictionary. */
  private static final int SAMPLE_LIMIT = 64 << 10;

  /** Fewer samples than this train no dictionary. */
  private static final int MIN_SAMPLES = 32;

  /** Fewer sample bytes than this train no dictionary. */
  private static final int MIN_SAMPLE_BYTES = 4096;

  /** Past incompressible samples, one record in this many is tried with zstd. */
  private static final int PROBE_EVERY = 64;

  /** Sample bytes compressed together to tell whether a dictionary could pay. */
  private static final int PROBE_BYTES = 1 << 20;

  private final HashAlgorithm algorithm;
  private final PackOptions options;
  private final Counting out;
  private final Set<Hash> seen = new HashSet<>();
  private final List<Hash> hashes = new ArrayList<>();
  private long[] offsets = new long[1024];
  private int[] lengths = new int[1024];
  private final List<Hash> heldHashes = new ArrayList<>();
  private final List<byte[]> held = new ArrayList<>();
  private long heldBytes;
  private @Nullable RecordCodec codec;

  /**
   * Whether the objects so far did not compress: the held samples, together ({@link #train()}), or
   * since then every probed record. While true, records are stored raw untried but one in {@link
   * #PROBE_EVERY}, which zstd tries; one that compresses turns it off for the rest of the pack.
   */
  private boolean incompressible;

  private int sinceProbe;
  private int dictionaryLength;
  private long payloadBytes;
  private long compressed;
  private boolean finished;

  private PackWriter(OutputStream pack, HashAlgorithm algorithm, PackOptions options) {
    // A stream into memory takes each record at once; buffering it would copy every byte twice.
    this.out =
        new Counting(
            pack instanceof ByteArrayOutputStream ? pack : new BufferedOutputStream(pack, 1 << 16));
    this.algorithm = algorithm;
    this.options = options;
  }

  /** A writer of a pack of {@code algorithm}'s hashes onto {@code pack}. */
  public static PackWriter create(OutputStream pack, HashAlgorithm algorithm, PackOptions options) {
    return new PackWriter(
        requireNonNull(pack, "pack"),
        requireNonNull(algorithm, "algorithm"),
        requireNonNull(options, "options"));
  }

  /**
   * Adds the object {@code data} named {@code hash}. The caller vouches that {@code hash} is {@code
   * data}'s hash (a reader of an index that keeps hash prefixes re-hashes anyway).
   *
   * @throws HashAlgorithmMismatchException if {@code hash} is not of the pack's algorithm
   * @throws IllegalArgumentException if {@code data} is longer than {@link RecordCodec#MAX_PAYLOAD}
   * @throws IllegalStateException after {@link #finish}
   * @throws IOException if writing to the pack fails
   */
  public void add(Hash hash, byte[] data) throws IOException {
    requireNonNull(hash, "hash");
    requireNonNull(data, "data");
    if (finished) {
      throw new IllegalStateException("pack already finished; cannot add " + hash);
    }
    if (!hash.algorithm().name().equals(algorithm.name())) {
      throw new HashAlgorithmMismatchException("pack", algorithm, hash);
    }
    if (data.length > RecordCodec.MAX_PAYLOAD) {
      throw new IllegalArgumentException(
          String.format("object %s is %d bytes, more than a record holds", hash, data.length));
    }
    if (!seen.add(hash)) {
      return;
    }
    if (codec == null) {
      heldHashes.add(hash);
      held.add(data);
      heldBytes += data.length;
      if (options.compression() != Compression.AUTO || heldBytes >= options.sampleBytes()) {
        start();
      }
      return;
    }
    write(hash, data);
  }

  /** Chooses the codec (training the dictionary), writes the header and the held records. */
  private void start() throws IOException {
    byte[] dictionary =
        options.compression() == Compression.AUTO && ZstdLibrary.available() ? train() : null;
    codec = RecordCodec.create(options.compression(), dictionary, options.level());
    dictionaryLength = dictionary == null ? 0 : dictionary.length;
    ByteBuffer header = ByteBuffer.allocate(PackFormat.PACK_HEADER);
    header
        .putInt(PackFormat.PACK_MAGIC)
        .put((byte) PackFormat.VERSION)
        .put((byte) algorithm.digestLength())
        .putShort((short) 0)
        .putInt(dictionaryLength);
    header.putInt(PackFormat.crc(header.duplicate().flip()));
    out.write(header.array());
    if (dictionary != null) {
      out.write(dictionary);
      out.write(ByteBuffer.allocate(4).putInt(PackFormat.crc(ByteBuffer.wrap(dictionary))).array());
    }
    // Samples that did not compress together do not compress one by one: stored raw, untried.
    RecordCodec heldCodec = incompressible ? RecordCodec.raw() : codec;
    for (int i = 0; i < held.size(); i++) {
      write(heldHashes.get(i), held.get(i), heldCodec);
    }
    held.clear();
    heldHashes.clear();
  }

  /**
   * A dictionary trained from the held objects, or null where there are too few of them or a
   * dictionary trained on half of them, tried on the other half, would not save more than half its
   * own size: judged on objects it was not trained on, since a dictionary flatters its own samples.
   */
  private byte @Nullable [] train() {
    List<byte[]> training = new ArrayList<>();
    List<byte[]> trial = new ArrayList<>();
    long total = 0;
    for (byte[] data : held) {
      if (data.length > 0 && data.length <= SAMPLE_LIMIT) {
        (training.size() <= trial.size() ? training : trial).add(data);
        total += data.length;
      }
    }
    if (training.size() < MIN_SAMPLES || total < MIN_SAMPLE_BYTES) {
      return null;
    }
    if (!compressTogether(training)) {
      incompressible = true;
      return null;
    }
    int size = (int) Math.min(options.dictionaryBytes(), Math.max(256, total / 16));
    byte[] dictionary = train(training, total, size);
    if (dictionary == null) {
      return null;
    }
    RecordCodec with = RecordCodec.create(Compression.ZSTD, dictionary, options.level());
    RecordCodec without = RecordCodec.create(Compression.ZSTD, null, options.level());
    long withBytes = dictionary.length / 2;
    long withoutBytes = 0;
    for (byte[] sample : trial) {
      withBytes += with.encode(sample).length;
      withoutBytes += without.encode(sample).length;
    }
    if (withBytes >= withoutBytes) {
      return null;
    }
    // It pays on objects it has not seen: the one kept learns from all of them.
    training.addAll(trial);
    byte[] all = train(training, total, size);
    return all != null ? all : dictionary;
  }

  /**
   * Whether the first {@link #PROBE_BYTES} of {@code samples}, one after another, compress by zstd
   * without a dictionary to less than 97% of their size. A dictionary learns only what the samples
   * have in common, which compressing them together finds as well, so samples that do not compress
   * together (random bytes, data compressed already) are not worth training on: the training is by
   * far the dearest step of writing a pack (about a second of CPU per 16 MiB).
   */
  private boolean compressTogether(List<byte[]> samples) {
    ByteArrayOutputStream joined = new ByteArrayOutputStream(PROBE_BYTES + SAMPLE_LIMIT);
    for (byte[] sample : samples) {
      if (joined.size() >= PROBE_BYTES) {
        break;
      }
      joined.writeBytes(sample);
    }
    byte[] record =
        RecordCodec.create(Compression.ZSTD, null, options.level()).encode(joined.toByteArray());
    return record.length < joined.size() * 0.97;
  }

  /** A zstd dictionary of at most {@code size} bytes from {@code samples}, or null. */
  private static byte @Nullable [] train(List<byte[]> samples, long total, int size) {
    try {
      ZstdDictTrainer trainer =
          new ZstdDictTrainer((int) Math.min(total, Integer.MAX_VALUE - 64), size);
      for (byte[] sample : samples) {
        trainer.addSample(sample);
      }
      byte[] dictionary = trainer.trainSamples();
      return dictionary == null || dictionary.length == 0 ? null : dictionary;
    } catch (RuntimeException e) {
      return null; // Too few or too uniform samples: zstd trains nothing, records go without.
    }
  }

  /**
   * Writes one record; only after {@link #start} has chosen the codec. Past incompressible samples
   * most records are stored raw untried (see {@link #incompressible}).
   */
  private void write(Hash hash, byte[] data) throws IOException {
    RecordCodec chosen = requireNonNull(codec, "codec (chosen by start)");
    if (!incompressible) {
      write(hash, data, chosen);
    } else if (++sinceProbe < PROBE_EVERY) {
      write(hash, data, RecordCodec.raw());
    } else {
      sinceProbe = 0;
      incompressible = !write(hash, data, chosen);
    }
  }

  /** Writes one record encoded by {@code with}; true if it was stored compressed. */
  private boolean write(Hash hash, byte[] data, RecordCodec with) throws IOException {
    int n = hashes.size();
    if (n == offsets.length) {
      offsets = Arrays.copyOf(offsets, n * 2);
      lengths = Arrays.copyOf(lengths, n * 2);
    }
    hashes.add(hash);
    offsets[n] = out.count;
    payloadBytes += data.length;
    if (with.rawOnly()) {
      lengths[n] = RecordCodec.writeRaw(data, out);
      return false;
    }
    byte[] record = with.encode(data);
    boolean packed = record[0] != RecordCodec.RAW;
    if (packed) {
      compressed++;
    }
    lengths[n] = record.length;
    out.write(record);
    return packed;
  }

  /**
   * Ends the pack with its trailer, flushes it, then writes the index onto {@code index} and
   * flushes that.
   *
   * @return what was written
   * @throws IllegalStateException if already finished
   * @throws IOException if writing fails
   */
  public PackSummary finish(OutputStream index) throws IOException {
    requireNonNull(index, "index");
    if (finished) {
      throw new IllegalStateException("pack already finished");
    }
    if (codec == null) {
      start();
    }
    finished = true;
    int count = hashes.size();
    int packChecksum = (int) out.crc.getValue();
    ByteBuffer trailer = ByteBuffer.allocate(PackFormat.PACK_TRAILER);
    trailer.putInt(PackFormat.TRAILER_MAGIC).putInt(count).putInt(packChecksum);
    out.write(trailer.array());
    out.flush();
    long packLength = out.count;
    byte[] indexBytes = index(count, packLength, packChecksum);
    index.write(indexBytes);
    index.flush();
    return new PackSummary(
        count,
        payloadBytes,
        packLength,
        indexBytes.length,
        dictionaryLength,
        compressed,
        packChecksum);
  }

  private byte[] index(int count, long packLength, int packChecksum) {
    int[] order = sortedOrder();
    int digest = algorithm.digestLength();
    int prefix;
    if (options.indexHashBytes() == 0) {
      prefix = digest;
    } else {
      int longestShared = 0;
      for (int i = 1; i < count; i++) {
        longestShared =
            Math.max(longestShared, shared(hashes.get(order[i - 1]), hashes.get(order[i])));
      }
      prefix = Math.min(digest, Math.max(options.indexHashBytes(), longestShared + 1));
    }
    long maxOffset = count == 0 ? 0 : Arrays.stream(offsets, 0, count).max().getAsLong();
    int offsetWidth = maxOffset > 0xffffffffL ? 8 : 4;
    long size =
        PackFormat.INDEX_HEADER
            + PackFormat.FAN_OUT
            + (long) count * (prefix + offsetWidth + 4)
            + 4;
    if (size > Integer.MAX_VALUE - 64) {
      throw new IllegalStateException("an index of " + count + " objects is too large");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    buffer
        .putInt(PackFormat.INDEX_MAGIC)
        .put((byte) PackFormat.VERSION)
        .put((byte) digest)
        .put((byte) prefix)
        .put((byte) offsetWidth)
        .putInt(count)
        .putLong(packLength)
        .putInt(packChecksum)
        .putInt(dictionaryLength);
    buffer.putInt(PackFormat.crc(buffer.duplicate().flip()));
    int[] fanOut = new int[256];
    for (Hash hash : hashes) {
      fanOut[Byte.toUnsignedInt(hash.byteAt(0))]++;
    }
    int running = 0;
    for (int i = 0; i < 256; i++) {
      running += fanOut[i];
      buffer.putInt(running);
    }
    byte[] digestBytes = new byte[digest];
    for (int i : order) {
      hashes.get(i).copyTo(digestBytes, 0);
      buffer.put(digestBytes, 0, prefix);
    }
    for (int i : order) {
      if (offsetWidth == 4) {
        buffer.putInt((int) offsets[i]);
      } else {
        buffer.putLong(offsets[i]);
      }
    }
    for (int i : order) {
      buffer.putInt(lengths[i]);
    }
    buffer.putInt(PackFormat.crc(buffer.duplicate().flip()));
    return buffer.array();
  }

  /**
   * The entries' numbers in the unsigned order of their hashes. Sorted as primitive longs, each the
   * hash's first 8 bytes with its low bits replaced by the entry's number (the boxed sort with a
   * comparator of hashes was most of the time of writing a pack of small objects); entries whose
   * hashes share those leading bits are then put in order by whole hashes.
   */
  private int[] sortedOrder() {
    int count = hashes.size();
    int bits = count <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(count - 1);
    long mask = bits == 0 ? 0 : (1L << bits) - 1;
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      // Flipping the sign bit makes the signed sort the unsigned order.
      keys[i] = ((leading(hashes.get(i)) & ~mask) | i) ^ Long.MIN_VALUE;
    }
    Arrays.sort(keys);
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = (int) (keys[i] & mask);
    }
    // Runs of equal leading bits (rare but for hashes alike in their first bytes): by whole hash.
    int start = 0;
    for (int i = 1; i <= count; i++) {
      if (i == count || (keys[i] & ~mask) != (keys[start] & ~mask)) {
        if (i - start > 1) {
          Integer[] run = new Integer[i - start];
          for (int j = start; j < i; j++) {
            run[j - start] = order[j];
          }
          Arrays.sort(run, (a, b) -> compareUnsigned(hashes.get(a), hashes.get(b)));
          for (int j = start; j < i; j++) {
            order[j] = run[j - start];
          }
        }
        start = i;
      }
    }
    return order;
  }

  /** The first 8 bytes of {@code hash}, big-endian (zeros past a shorter hash). */
  private static long leading(Hash hash) {
    long v = 0;
    int n = Math.min(8, hash.length());
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (i < n ? Byte.toUnsignedLong(hash.byteAt(i)) : 0);
    }
    return v;
  }

  private static int compareUnsigned(Hash a, Hash b) {
    for (int i = 0; i < a.length(); i++) {
      int d = Byte.toUnsignedInt(a.byteAt(i)) - Byte.toUnsignedInt(b.byteAt(i));
      if (d != 0) {
        return d;
      }
    }
    return 0;
  }

  private static int shared(Hash a, Hash b) {
    int i = 0;
    while (i < a.length() && a.byteAt(i) == b.byteAt(i)) {
      i++;
    }
    return i;
  }

  /** Counts and checksums what passes through. */
  private static final class Counting extends OutputStream {
    private final OutputStream delegate;
    private final CRC32C crc = new CRC32C();
    private long count;

    Counting(OutputStream delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(int b) throws IOException {
      delegate.write(b);
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      delegate.write(b, off, len);
      crc.update(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      delegate.flush();
    }
  }
}
