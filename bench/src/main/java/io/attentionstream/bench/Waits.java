package io.attentionstream.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waiting for conditions and instants in the benchmark's control thread: polls with a deadline. */
final class Waits {
    private static final Duration POLL = Duration.ofMillis(10);

    private Waits() {}

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        if (!awaitQuietly(timeout, condition)) {
            throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what + ".");
        }
    }

    /** Whether {@code condition} came true within {@code timeout}. */
    static boolean awaitQuietly(Duration timeout, BooleanSupplier condition) {
        if (condition.getAsBoolean()) {
            return true;
        }
        try {
            Awaitility.await()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL)
                    .atMost(timeout)
                    .until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** Waits until {@code deadlineNanos} (System.nanoTime) or until {@code done}, whichever comes first. */
    static void awaitUntil(long deadlineNanos, BooleanSupplier done) {
        awaitQuietly(
                Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())),
                () -> done.getAsBoolean() || System.nanoTime() >= deadlineNanos);
    }

    /** Waits until the wall clock reaches {@code millis}. */
    static void awaitWallClock(long millis) {
        awaitQuietly(
                Duration.ofMillis(Math.max(0, millis - System.currentTimeMillis()) + 1000),
                () -> System.currentTimeMillis() >= millis);
    }

    /**
     * Checks that {@code condition} holds throughout {@code period}: that a count stays put, for
     * instance. Returns false as soon as it does not.
     */
    static boolean holdsDuring(Duration period, BooleanSupplier condition) {
        try {
            Awaitility.await()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL)
                    .during(period)
                    .atMost(period.plusSeconds(5))
                    .until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
