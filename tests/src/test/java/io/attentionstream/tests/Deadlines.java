package io.attentionstream.tests;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling with a deadline: how the tests wait, instead of sleeping. */
final class Deadlines {
    static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private Deadlines() {}

    /** Polls the condition until it holds, or fails with the description after the timeout. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            pause();
        }
    }

    /** Polls the supplier until its value passes the test; returns that value. */
    static <T> T awaitValue(String what, Duration timeout, Supplier<T> supplier, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = supplier.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last value: " + value);
            }
            pause();
            value = supplier.get();
        }
        return value;
    }

    /** The interval between two polls: short against the deadlines, long enough to leave the CPU to the job. */
    private static void pause() {
        LockSupport.parkNanos(POLL_INTERVAL.toNanos());
    }
}
