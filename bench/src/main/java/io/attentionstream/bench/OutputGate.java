package io.attentionstream.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the outputs a job's sink hands over and lets one benchmark thread wait for a count. The
 * sink wakes the waiter only once the count it waits for is reached, not per output: a wake-up per
 * output (as a semaphore released per output would give) costs a context switch each, which on a
 * small machine takes CPU from the very task being measured.
 */
final class OutputGate {
    private final AtomicLong count = new AtomicLong();
    private volatile long awaited = Long.MAX_VALUE;
    private volatile Thread waiter;

    /** Sink side: one more output. */
    void arrived() {
        if (count.incrementAndGet() >= awaited) {
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    long count() {
        return count.get();
    }

    /** Waits until {@code target} outputs have arrived in all; false if {@code timeout} ran out first. */
    boolean awaitCount(long target, long timeout, TimeUnit unit) {
        waiter = Thread.currentThread();
        // Written before the count is read: an output arriving in between sees it and wakes us.
        awaited = target;
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (count.get() < target) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, left);
        }
        return true;
    }
}
