package dev.cairn.disk;

import dev.cairn.spi.Hash;
import dev.cairn.spi.HashAlgorithm;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The process the kill -9 and disk-full tests start: writes objects (single and batched, from
 * several threads) and moves refs, printing each acknowledgement on its own line as soon as the
 * call returns: {@code O key} for a durable object, {@code I ref hash} before a ref compare-and-set
 * and {@code R ref hash} after it succeeded. Object bytes derive from their key ({@link
 * Workload#object}). Runs until killed, or until a write fails ({@code FAILED}).
 *
 * <p>Arguments: directory, fsync mode, run id, threads[, segment size[, {@code large}]]. With
 * {@code large}, one batch in six also holds an object of over 1 MiB ({@link Workload#object} of a
 * key ending in {@value Workload#LARGE}), so the batch is written past the page cache ({@link
 * DirectAppend}) while the kill may strike.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    DiskOptions.Fsync fsync = DiskOptions.Fsync.valueOf(args[1]);
    String run = args[2];
    int threads = Integer.parseInt(args[3]);
    boolean large = args.length > 5 && args[5].equals("large");
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    DiskBackend store =
        DiskBackend.open(
            dir,
            DiskOptions.builder()
                .fsync(fsync)
                .segmentSize(args.length > 4 ? Long.parseLong(args[4]) : 64 * 1024)
                .build());
    out.println("READY");
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int writer = t;
      writers.add(new Thread(() -> write(store, fsync, run, writer, large, out)));
    }
    writers.forEach(Thread::start);
    for (Thread writer : writers) {
      writer.join();
    }
    out.println("FAILED");
    System.exit(3);
  }

  private static void write(
      DiskBackend store,
      DiskOptions.Fsync fsync,
      String run,
      int writer,
      boolean large,
      PrintStream out) {
    Random random = new Random(run.hashCode() * 31L + writer);
    String ref = "refs/heads/w" + writer;
    int n = 0;
    try {
      while (true) {
        if (random.nextInt(3) == 0) {
          Map<Hash, byte[]> batch = new LinkedHashMap<>();
          List<String> keys = new ArrayList<>();
          for (int i = 1 + random.nextInt(10); i > 0; i--) {
            String key = run + "/" + writer + "/" + n++;
            keys.add(key);
            byte[] data = Workload.object(key);
            batch.put(HashAlgorithm.SHA256.hash(data), data);
          }
          if (large && random.nextInt(6) == 0) {
            String key = run + "/" + writer + "/" + n++ + Workload.LARGE;
            keys.add(key);
            byte[] data = Workload.object(key);
            batch.put(HashAlgorithm.SHA256.hash(data), data);
          }
          store.writeBatch(batch);
          StringBuilder lines = new StringBuilder();
          keys.forEach(k -> lines.append("O ").append(k).append('\n'));
          out.print(lines);
          Hash head = batch.keySet().iterator().next();
          Hash current = store.getRef(ref).orElse(null);
          out.println("I " + ref + " " + head);
          if (store.testAndSetRef(ref, current, head)) {
            out.println("R " + ref + " " + head);
          }
        } else {
          String key = run + "/" + writer + "/" + n++;
          store.put(Workload.object(key));
          if (fsync == DiskOptions.Fsync.ALWAYS) {
            out.println("O " + key);
          }
        }
      }
    } catch (RuntimeException e) {
      out.println("ERROR " + e.toString().replace('\n', ' '));
    }
  }
}
