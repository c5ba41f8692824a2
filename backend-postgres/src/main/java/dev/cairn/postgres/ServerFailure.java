package dev.cairn.postgres;

import dev.cairn.spi.StoreIOException;
import java.io.IOException;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A failure of the server or of the connection to it, as the cause of a {@link StoreIOException}:
 * one line saying what went wrong, with a hint where the SQLSTATE tells the likely remedy. Its
 * {@link #toString()} is that line alone, so the store's exception reads as {@code
 * postgres://host:5432/db?schema=s: read: <what went wrong>}.
 */
final class ServerFailure extends IOException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String sqlState;

  private ServerFailure(String message, @Nullable String sqlState, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  /** The store exception for {@code operation} on store {@code store} failing with {@code e}. */
  static StoreIOException of(String store, String operation, Throwable e) {
    SQLException sql = deepestSql(e);
    String state = sql == null ? null : sql.getSQLState();
    String reason =
        firstLine(
            sql != null && sql != e && sql.getMessage() != null
                ? sql.getMessage()
                : e.getMessage());
    if (sql != null
        && sql != e
        && e.getMessage() != null
        && e.getMessage().contains("request timed out")) {
      reason = reason + " (no connection within the connect timeout)";
    }
    String hint = hint(state);
    return new StoreIOException(
        store + ": " + operation, new ServerFailure(reason + hint, state, e));
  }

  /** The SQLSTATE the server or driver gave, or null. */
  @Nullable String sqlState() {
    return sqlState;
  }

  /** Whether {@code e} is a serialization failure or a deadlock: the transaction may be retried. */
  static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state);
  }

  /** The innermost SQLException of the chain (the driver's, under a pool's), or null. */
  private static @Nullable SQLException deepestSql(Throwable e) {
    SQLException found = null;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SQLException
          && (found == null || ((SQLException) t).getSQLState() != null)) {
        found = (SQLException) t;
      }
    }
    return found;
  }

  private static String hint(@Nullable String state) {
    if (state == null) {
      return "";
    }
    switch (state) {
      case "28P01":
        return " (check the password: option password, the variable password-env names, or"
            + " ~/.pgpass)";
      case "3D000":
        return " (create the database first, e.g. createdb)";
      case "42501":
        return " (the user lacks a privilege the store needs: CREATE on the database for a new"
            + " schema, or USAGE and table rights on an existing one)";
      case "08001":
      case "08004":
        return " (is the server running, and does it accept TCP connections?)";
      default:
        return "";
    }
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "unknown failure";
    }
    String line = message.strip();
    int newline = line.indexOf('\n');
    return newline < 0 ? line : line.substring(0, newline).strip();
  }

  @Override
  public String toString() {
    return String.valueOf(getMessage());
  }
}
