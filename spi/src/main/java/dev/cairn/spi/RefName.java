package dev.cairn.spi;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The rules a ref name must follow, those of {@code git check-ref-format} plus bounds that keep a
 * name usable as a relative path on every file system.
 *
 * <p>A valid name is one or more components separated by single {@code /}; it is at most {@value
 * #MAX_LENGTH} bytes in UTF-8 and each component at most {@value #MAX_COMPONENT_LENGTH} bytes. It
 * has no leading or trailing {@code /}, no {@code //}, no {@code ..}, no <code>@{</code>, and is
 * not {@code @}. No component is empty, starts with {@code .} or ends with {@code .lock}; the name
 * does not end with {@code .}. It holds no control character (below U+0020, U+007F), no NUL, no
 * space and none of {@code ~ ^ : ? * [ \}, and no unpaired surrogate. Such a name never addresses a
 * path outside the directory it is resolved against.
 */
public final class RefName {
  /** The longest valid name, in UTF-8 bytes. */
  public static final int MAX_LENGTH = 1024;

  /** The longest valid component, in UTF-8 bytes (the usual file-name limit). */
  public static final int MAX_COMPONENT_LENGTH = 255;

  private RefName() {}

  /**
   * Returns {@code name} if it is valid.
   *
   * @throws InvalidRefNameException naming the rule it breaks, otherwise
   */
  public static String check(@Nullable String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new InvalidRefNameException(name, problem);
    }
    return requireNonNull(name, "name"); // problem(null) names a rule: not reached for null
  }

  /** Whether {@code name} is valid. */
  public static boolean isValid(@Nullable String name) {
    return problem(name) == null;
  }

  /** The first rule {@code name} breaks, or {@code null} if it is valid. */
  private static @Nullable String problem(@Nullable String name) {
    if (name == null) {
      return "a ref name is required";
    }
    if (name.isEmpty()) {
      return "it is empty";
    }
    if (name.equals("@")) {
      return "'@' alone is not a ref name";
    }
    if (name.startsWith("/")) {
      return "it starts with '/'";
    }
    if (name.endsWith("/")) {
      return "it ends with '/'";
    }
    if (name.endsWith(".")) {
      return "it ends with '.'";
    }
    if (name.contains("//")) {
      return "it contains '//'";
    }
    if (name.contains("..")) {
      return "it contains '..'";
    }
    if (name.contains("@{")) {
      return "it contains '@{'";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return String.format("it contains the control character U+%04X at %d", (int) c, i);
      }
      if (" ~^:?*[\\".indexOf(c) >= 0) {
        return String.format("it contains '%s' at %d", c, i);
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
          i++;
          continue;
        }
        return "it contains an unpaired surrogate at " + i;
      }
      if (Character.isLowSurrogate(c)) {
        return "it contains an unpaired surrogate at " + i;
      }
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_LENGTH) {
      return String.format("it is %d bytes long; the limit is %d", bytes, MAX_LENGTH);
    }
    for (String component : name.split("/", -1)) {
      if (component.startsWith(".")) {
        return String.format("component '%s' starts with '.'", component);
      }
      if (component.endsWith(".lock")) {
        return String.format("component '%s' ends with '.lock'", component);
      }
      int length = component.getBytes(StandardCharsets.UTF_8).length;
      if (length > MAX_COMPONENT_LENGTH) {
        return String.format(
            "a component is %d bytes long; the limit is %d", length, MAX_COMPONENT_LENGTH);
      }
    }
    return null;
  }
}
