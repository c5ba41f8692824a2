package dev.cairn.disk;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Shares fsyncs among concurrent writers. Writers append, then wait here until their log
 * position is durable. The first waiter becomes the leader and syncs everything appended so
 * far; the others wait and are released together. While a leader syncs, new writers queue up
 * and the next leader syncs them all with one call: the more writers, the more writes per
 * fsync. Thread-safe.
 */
final class GroupCommit {
  /** Syncs the log and returns the position up to which it is now durable. */
  interface Syncer {
    long sync() throws IOException;
  }

  private final Object lock = new Object();
  private final Syncer syncer;
  private long durable;
  private boolean syncing;
  private long syncs;

  GroupCommit(Syncer syncer) {
    this.syncer = syncer;
  }

  /** Returns once everything up to {@code position} is durable. */
  void awaitDurable(long position) throws IOException {
    while (true) {
      synchronized (lock) {
        while (durable < position && syncing) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a group commit");
          }
        }
        if (durable >= position) {
          return;
        }
        syncing = true;
      }
      long reached = -1;
      try {
        reached = syncer.sync();
      } finally {
        synchronized (lock) {
          syncing = false;
          if (reached > durable) {
            durable = reached;
          }
          syncs++;
          lock.notifyAll();
        }
      }
    }
  }

  /** Records that everything up to {@code position} was made durable by other means. */
  void markDurable(long position) {
    synchronized (lock) {
      if (position > durable) {
        durable = position;
        lock.notifyAll();
      }
    }
  }

  /** How many syncs leaders have made, for measurements. */
  long syncCount() {
    synchronized (lock) {
      return syncs;
    }
  }
}
