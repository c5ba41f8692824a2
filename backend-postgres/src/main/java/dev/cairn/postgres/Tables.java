package dev.cairn.postgres;

import java.util.List;

/**
 * The store's tables in one schema, and every SQL statement the store sends. The schema name is the
 * only text ever put into a statement: it has been checked to be a plain lowercase identifier
 * ({@link PostgresOptions.Builder#schema}) and is quoted as one besides. Every other value (hashes,
 * bytes, ref names, times) travels as a bound parameter.
 *
 * <p>Version {@value #VERSION} of the layout:
 *
 * <ul>
 *   <li>{@code meta(key, value)}: {@code schema-version} and {@code hash} (the algorithm);
 *   <li>{@code objects(hash, size, data, written_at, marked_at)}: one row per object, its bytes in
 *       {@code data} up to the chunk size, else {@code data} is null and the bytes are in {@code
 *       chunks}; {@code written_at} is when it was last written, {@code marked_at} when a
 *       compaction marked it as garbage;
 *   <li>{@code chunks(hash, seq, data)}: the pieces of large objects, deleted with their object;
 *   <li>{@code refs(name, target)}: {@code name} in the "C" collation, so in byte order.
 * </ul>
 */
final class Tables {
  /** The layout version this release writes and reads. */
  static final int VERSION = 1;

  final String meta;
  final String objects;
  final String chunks;
  final String refs;
  private final String schema;

  Tables(String schema) {
    String q = '"' + schema.replace("\"", "\"\"") + '"';
    this.meta = q + ".meta";
    this.objects = q + ".objects";
    this.chunks = q + ".chunks";
    this.refs = q + ".refs";
    this.schema = q;
  }

  /** The statements that create the layout, idempotent; {@code lz4} if the server has it. */
  List<String> create(boolean lz4) {
    return List.of(
        "CREATE SCHEMA IF NOT EXISTS " + schema,
        "CREATE TABLE IF NOT EXISTS "
            + meta
            + " (key text COLLATE \"C\" PRIMARY KEY, value text NOT NULL)",
        "CREATE TABLE IF NOT EXISTS "
            + objects
            + " (hash bytea PRIMARY KEY,"
            + " size bigint NOT NULL, data bytea"
            + (lz4 ? " COMPRESSION lz4" : "")
            + ","
            + " written_at timestamptz NOT NULL DEFAULT now(), marked_at timestamptz)",
        "CREATE TABLE IF NOT EXISTS "
            + chunks
            + " (hash bytea NOT NULL REFERENCES "
            + objects
            + " (hash) ON DELETE CASCADE, seq integer NOT NULL, data bytea NOT NULL,"
            + " PRIMARY KEY (hash, seq))",
        "CREATE TABLE IF NOT EXISTS "
            + refs
            + " (name text COLLATE \"C\" PRIMARY KEY, target bytea NOT NULL)");
  }

  // ---- meta
  String metaTable() {
    return "SELECT to_regclass(?)";
  }

  String metaName() {
    return meta;
  }

  String readMeta() {
    return "SELECT key, value FROM " + meta;
  }

  String writeMeta() {
    return "INSERT INTO " + meta + " (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING";
  }

  // ---- objects
  String readObject() {
    return "SELECT size, data FROM " + objects + " WHERE hash = ?";
  }

  String readChunks() {
    return "SELECT data FROM " + chunks + " WHERE hash = ? ORDER BY seq";
  }

  String objectExists() {
    return "SELECT 1 FROM " + objects + " WHERE hash = ?";
  }

  /** Writes a whole object; a re-write refreshes {@code written_at} and clears any mark. */
  String writeObject() {
    return "INSERT INTO "
        + objects
        + " (hash, size, data) VALUES (?, ?, ?)"
        + " ON CONFLICT (hash) DO UPDATE SET written_at = now(), marked_at = NULL";
  }

  /** {@link #writeObject()} for {@code rows} objects in one statement. */
  String writeObjects(int rows) {
    StringBuilder sql =
        new StringBuilder("INSERT INTO ").append(objects).append(" (hash, size, data) VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
    }
    return sql.append(" ON CONFLICT (hash) DO UPDATE SET written_at = now(), marked_at = NULL")
        .toString();
  }

  String createChunkedObject() {
    return "INSERT INTO "
        + objects
        + " (hash, size, data) VALUES (?, ?, NULL)"
        + " ON CONFLICT (hash) DO NOTHING";
  }

  String touchObject() {
    return "UPDATE " + objects + " SET written_at = now(), marked_at = NULL WHERE hash = ?";
  }

  String writeChunk() {
    return "INSERT INTO " + chunks + " (hash, seq, data) VALUES (?, ?, ?)";
  }

  /** A page of objects after a hash, in hash order: hash, size, marked, written before ?. */
  String objectPage() {
    return "SELECT hash, size, marked_at IS NOT NULL, written_at < ? FROM "
        + objects
        + " WHERE hash > ? ORDER BY hash LIMIT ?";
  }

  /** Marks an object that was written before the compaction began and is not marked yet. */
  String mark() {
    return "UPDATE "
        + objects
        + " SET marked_at = now()"
        + " WHERE hash = ? AND marked_at IS NULL AND written_at < ?";
  }

  String unmark() {
    return "UPDATE " + objects + " SET marked_at = NULL WHERE hash = ? AND marked_at IS NOT NULL";
  }

  /** Deletes an object (and its chunks) if it is still marked and its grace has passed. */
  String deleteMarked() {
    return "DELETE FROM "
        + objects
        + " WHERE hash = ? AND marked_at IS NOT NULL"
        + " AND marked_at <= now() - make_interval(secs => ?)";
  }

  String bytesUsed() {
    return "SELECT pg_total_relation_size(to_regclass(?)) + pg_total_relation_size(to_regclass(?))";
  }

  String chunksName() {
    return chunks;
  }

  String objectsName() {
    return objects;
  }

  // ---- refs
  String readRef() {
    return "SELECT target FROM " + refs + " WHERE name = ?";
  }

  String setRef() {
    return "INSERT INTO "
        + refs
        + " (name, target) VALUES (?, ?)"
        + " ON CONFLICT (name) DO UPDATE SET target = EXCLUDED.target";
  }

  String createRef() {
    return "INSERT INTO " + refs + " (name, target) VALUES (?, ?) ON CONFLICT (name) DO NOTHING";
  }

  String updateRef() {
    return "UPDATE " + refs + " SET target = ? WHERE name = ? AND target = ?";
  }

  String deleteRef() {
    return "DELETE FROM " + refs + " WHERE name = ? AND target = ?";
  }

  String listRefs() {
    return "SELECT name FROM " + refs + " ORDER BY name";
  }

  /** The advisory lock key of this schema's compactions (and of its creation). */
  String lockKey(String purpose) {
    return "cairn:" + purpose + ":" + schema;
  }
}
