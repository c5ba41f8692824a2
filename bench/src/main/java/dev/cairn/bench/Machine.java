package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the report says about the machine it ran on. */
final class Machine {
  private Machine() {}

  /** The CPU's model name and the number of logical CPUs, from /proc/cpuinfo. */
  static String cpu() {
    List<String> lines = lines(Path.of("/proc/cpuinfo"));
    String model =
        lines.stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst()
            .orElse("unknown CPU");
    return model + ", " + Runtime.getRuntime().availableProcessors() + " logical CPUs available";
  }

  /** Total memory from /proc/meminfo. */
  static String memory() {
    return lines(Path.of("/proc/meminfo")).stream()
        .filter(l -> l.startsWith("MemTotal"))
        .map(
            l ->
                String.format(
                    "%.1f GiB", Long.parseLong(l.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0)))
        .findFirst()
        .orElse("unknown");
  }

  /** The JDK's vendor, name and version. */
  static String jdk() {
    return System.getProperty("java.vm.vendor")
        + " "
        + System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version");
  }

  /** The operating system. */
  static String os() {
    return System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " "
        + System.getProperty("os.arch");
  }

  /** The file system type of {@code dir}. */
  static String fileSystem(Path dir) {
    try {
      return Files.getFileStore(dir).type();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }
}
