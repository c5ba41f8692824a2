package dev.cairn.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one line the command prints for a failure: in words, naming the path, with no Java class name
 * ({@code java.nio.file.FileAlreadyExistsException: /x} becomes "'/x' exists and is not a directory
 * …") and no control character (a NUL or a newline from a path or a spec is shown escaped, so the
 * line stays one line that a terminal prints as it is).
 */
final class FailureText {
  private FailureText() {}

  /**
   * {@code message} with the text of every {@link IOException} in {@code failure}'s causes (as a
   * store's message embeds it) put in words, and control characters escaped.
   */
  static String of(String message, Throwable failure) {
    String text = message;
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException io) {
        String raw = io.toString();
        text = text.replace(raw, words(io));
      }
    }
    return escaped(text);
  }

  /** What {@code e} means for the user, naming its file. */
  static String words(IOException e) {
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      String file = fs.getFile();
      String reason = fs.getReason() == null ? "" : fs.getReason();
      if (e instanceof FileAlreadyExistsException) {
        return "'"
            + file
            + "' exists and is not a directory (a file, a dangling link or a"
            + " loop of links)";
      }
      if (e instanceof NotDirectoryException) {
        return "'" + file + "' is not a directory";
      }
      if (e instanceof NoSuchFileException) {
        return "'" + file + "' does not exist";
      }
      if (e instanceof AccessDeniedException) {
        String words = "permission denied on '" + file + "'";
        Path name = Path.of(file).getFileName();
        if (name != null && name.toString().equals("LOCK")) {
          words +=
              "; the store belongs to another user: to read it, add ?mode=read-only to"
                  + " its disk: spec";
        }
        return words;
      }
      if (reason.equals("Not a directory")) {
        // Name the directory that was meant (the store's, for a file inside it), not the file.
        java.nio.file.Path meant = java.nio.file.Path.of(file).getParent();
        if (meant != null && !java.nio.file.Files.isDirectory(meant)) {
          if (java.nio.file.Files.exists(meant, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return "'"
                + meant
                + "' exists and is not a directory (a file, a dangling link or a"
                + " loop of links)";
          }
          return "a part of '" + meant + "' is a file, not a directory";
        }
        return "a part of '" + file + "' is a file, not a directory";
      }
      if (reason.equals("Operation not permitted")) {
        return "'" + file + "' cannot be changed: operation not permitted (is it immutable?)";
      }
      if (reason.equals("Too many levels of symbolic links")) {
        return "'" + file + "' is a loop of symbolic links";
      }
      return "'" + file + "': " + (reason.isEmpty() ? "failed" : lower(reason));
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? "an I/O error" : lower(message);
  }

  private static String lower(String reason) {
    return reason.length() > 1
            && Character.isUpperCase(reason.charAt(0))
            && Character.isLowerCase(reason.charAt(1))
        ? reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1)
        : reason;
  }

  /**
   * {@code text} with every control character written as {@code \n}, {@code \t} or {@code \}{@code
   * uXXXX}.
   */
  static String escaped(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        switch (c) {
          case '\n' -> out.append("\\n");
          case '\t' -> out.append("\\t");
          case '\r' -> out.append("\\r");
          default -> out.append(String.format("\\u%04x", (int) c));
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
