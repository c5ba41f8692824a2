package dev.cairn.disk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shares fsyncs among concurrent writers. Writers append, then wait here until their log position
 * is durable. The first waiter becomes the leader and syncs everything appended so far; the others
 * wait and are released together. While a leader syncs, new writers queue up and the next leader
 * syncs them all with one call: the more writers, the more writes per fsync. Thread-safe.
 *
 * <p>A sync releases its whole group at once, and those writers come back (with their next write) a
 * little later, one by one as they get a CPU. A leader that synced at once would catch only the
 * first of them, and the group would shrink to a couple of writers per fsync. So the next leader
 * first gathers: it waits until as many writers wait as the last sync released, or for half as long
 * as the last sync took, whichever comes first. A lone writer (a group of one) never waits, and
 * with fewer writers the target drops to what actually arrives.
 */
final class GroupCommit {
  /** Syncs the log and returns the position up to which it is now durable. */
  interface Syncer {
    long sync() throws IOException;
  }

  /** The longest a leader gathers, whatever the last sync took. */
  private static final long MAX_GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when {@link #durable} advances or a sync ends. */
  private final Condition synced = lock.newCondition();

  /** Signalled when a writer starts waiting, for a gathering leader. */
  private final Condition arrived = lock.newCondition();

  private final Syncer syncer;
  private long durable;
  private boolean syncing;
  private long syncs;

  /** Writers in {@link #awaitDurable}, the leader included. */
  private int waiting;

  /** How many writers the last sync covered. */
  private int lastGroup = 1;

  /** How long the last sync took. */
  private long lastSyncNanos;

  GroupCommit(Syncer syncer) {
    this.syncer = syncer;
  }

  /** Returns once everything up to {@code position} is durable. */
  void awaitDurable(long position) throws IOException {
    lock.lock();
    try {
      waiting++;
      arrived.signal();
      while (true) {
        while (durable < position && syncing) {
          awaitUninterrupted(synced);
        }
        if (durable >= position) {
          return;
        }
        syncing = true;
        int group;
        long started;
        try {
          gather();
          group = waiting;
          started = System.nanoTime();
        } catch (InterruptedIOException e) {
          syncing = false;
          synced.signalAll();
          throw e;
        }
        lock.unlock();
        long reached = -1;
        try {
          reached = syncer.sync();
        } finally {
          lock.lock();
          syncing = false;
          if (reached > durable) {
            durable = reached;
          }
          syncs++;
          lastGroup = group; // at least the leader
          lastSyncNanos = System.nanoTime() - started;
          synced.signalAll();
        }
      }
    } finally {
      waiting--;
      lock.unlock();
    }
  }

  /** As the leader, waits for the group to fill; see the class comment. Holds the lock. */
  private void gather() throws InterruptedIOException {
    long remaining = Math.min(lastSyncNanos / 2, MAX_GATHER_NANOS);
    while (waiting < lastGroup && remaining > 0) {
      try {
        remaining = arrived.awaitNanos(remaining);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while gathering a group commit");
      }
    }
  }

  private static void awaitUninterrupted(Condition condition) throws InterruptedIOException {
    try {
      condition.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a group commit");
    }
  }

  /** Records that everything up to {@code position} was made durable by other means. */
  void markDurable(long position) {
    lock.lock();
    try {
      if (position > durable) {
        durable = position;
        synced.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** How many syncs leaders have made, for measurements. */
  long syncCount() {
    lock.lock();
    try {
      return syncs;
    } finally {
      lock.unlock();
    }
  }
}
