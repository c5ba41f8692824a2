package dev.cairn.reliability;

import dev.cairn.spi.Backend;
import dev.cairn.stack.Cairn;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child JVM of {@link DiskFullUlimitTest}: opens a stack (see {@link DiskFullStacks#spec}) and
 * runs a {@link DiskFullWorkload} until a step fails or {@code steps} are done, printing each line
 * as it goes; then closes the stack, printing {@code C ok} or {@code C} and the error, and {@code
 * DONE}. Run under {@code ulimit -f}, the step that fails is the first write past the file-size
 * limit.
 *
 * <p>Arguments: directory, layered (true/false), segment size, fsync, mix, seed, key prefix, steps.
 */
public final class DiskFullChild {
  private DiskFullChild() {}

  public static void main(String[] args) {
    Path directory = Path.of(args[0]);
    boolean layered = Boolean.parseBoolean(args[1]);
    long segmentSize = Long.parseLong(args[2]);
    String fsync = args[3];
    DiskFullWorkload.Mix mix = DiskFullWorkload.Mix.valueOf(args[4]);
    long seed = Long.parseLong(args[5]);
    String prefix = args[6];
    int steps = Integer.parseInt(args[7]);
    PrintStream out = System.out;
    Backend store;
    try {
      store = Cairn.open(DiskFullStacks.spec(directory, layered, segmentSize, fsync));
    } catch (RuntimeException e) {
      out.println("E " + DiskFullWorkload.chain(e));
      out.println("DONE");
      out.flush();
      return;
    }
    new DiskFullWorkload(
            prefix,
            seed,
            mix,
            line -> {
              out.println(line);
              out.flush();
            })
        .run(store, steps);
    try {
      store.close();
      out.println("C ok");
    } catch (RuntimeException e) {
      out.println("C " + DiskFullWorkload.chain(e));
    }
    out.println("DONE");
    out.flush();
  }
}
