package dev.cairn.bench;

/** The figures the harness reports for each store and value size. */
public enum Metric {
  /** (a) Ingest in durable batches of 1,000. */
  INGEST_DURABLE("durable batch ingest", "objects/s", true),
  /** (b) Durable single puts from one thread. */
  PUT_1("durable puts, 1 thread", "ops/s", true),
  /** (b) Durable single puts from eight threads (total). */
  PUT_8("durable puts, 8 threads", "ops/s", true),
  /** (c) Ingest in batches of 1,000 without fsync. */
  INGEST_NO_SYNC("ingest without fsync", "objects/s", true),
  /** (d) Random reads of present keys, one thread, after reopening in a fresh JVM. */
  READ("random reads", "ops/s", true),
  /** (e) Lookups of absent keys, one thread. */
  ABSENT("absent lookups", "ops/s", true),
  /** (f) Time to open the store in a fresh JVM. */
  REOPEN("reopen", "ms", false),
  /** (g) Bytes on disk divided by the payload, after the durable ingest. */
  DISK_RATIO("disk ÷ payload", "×", false),
  /** (h) Java heap per stored object after reopen. */
  HEAP_PER_OBJECT("heap per object", "B", false),
  /** (h') Resident memory per stored object after reopen (native memory included). */
  RSS_PER_OBJECT("RSS per object", "B", false);

  private final String label;
  private final String unit;
  private final boolean higherIsBetter;

  Metric(String label, String unit, boolean higherIsBetter) {
    this.label = label;
    this.unit = unit;
    this.higherIsBetter = higherIsBetter;
  }

  /** Words for the table header. */
  public String label() {
    return label;
  }

  /** The unit of the figures. */
  public String unit() {
    return unit;
  }

  /** Whether a larger figure is better. */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }
}
