package io.attentionstream.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting for conditions and instants in the benchmark's control thread. */
final class Waits {
    private static final long POLL_MILLIS = 10;

    private Waits() {}

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        if (!awaitQuietly(timeout, condition)) {
            throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what + ".");
        }
    }

    static boolean awaitQuietly(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        return true;
    }

    /** Waits until {@code deadlineNanos} (System.nanoTime) or until {@code done}. */
    static void awaitUntil(long deadlineNanos, BooleanSupplier done) throws InterruptedException {
        while (System.nanoTime() < deadlineNanos && !done.getAsBoolean()) {
            TimeUnit.MILLISECONDS.sleep(Math.max(1, Math.min(50, (deadlineNanos - System.nanoTime()) / 1_000_000)));
        }
    }

    static void awaitWallClock(long millis) throws InterruptedException {
        long wait = millis - System.currentTimeMillis();
        if (wait > 0) {
            TimeUnit.MILLISECONDS.sleep(wait);
        }
    }
}
