package io.attentionstream.tests.cluster;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by asking again until a deadline, so that no test sleeps for a guessed
 * time. A check that throws {@link UncheckedIOException} (a REST endpoint not up yet, a refused
 * connection) is asked again; any other exception ends the wait at once.
 */
public final class Polling {
    /** Between two checks: short against the seconds a cluster takes, long enough not to busy-spin. */
    private static final Duration PAUSE = Duration.ofMillis(200);

    private Polling() {}

    /** Waits until {@code check} holds; fails naming {@code what} and the last diagnostics after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier check, Supplier<String> diagnostics) {
        await(what, timeout, () -> check.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), diagnostics);
    }

    /** Returns the first answer {@code check} gives; fails naming {@code what} and the last diagnostics after {@code timeout}. */
    public static <T> T await(
            String what, Duration timeout, Supplier<Optional<T>> check, Supplier<String> diagnostics) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        UncheckedIOException lastError = null;
        while (true) {
            try {
                Optional<T> answer = check.get();
                if (answer.isPresent()) {
                    return answer.get();
                }
                lastError = null;
            } catch (UncheckedIOException e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                String error = lastError == null ? "" : "; last error: " + lastError.getMessage();
                throw new AssertionError(
                        "Timed out after " + timeout.toSeconds() + " s waiting for " + what + error + "; "
                                + diagnostics.get(),
                        lastError);
            }
            LockSupport.parkNanos(PAUSE.toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what + ".");
            }
        }
    }
}
