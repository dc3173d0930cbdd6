package io.attentionstream.operators.batch;

import java.util.function.BooleanSupplier;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * The batch timeout of an operator that batches its input: a batch runs at the latest
 * {@code timeoutMs} of processing time after its first element arrived. One timer is registered
 * at a time, not one per batch: batches that fill before their timeout leave the armed timer in
 * place, and when it fires it either runs the waiting batch, if that one is due, or moves on to
 * its deadline.
 */
public final class BatchTimeout {
    private final ProcessingTimeService time;
    private final long timeoutMs;
    private final BooleanSupplier waiting;
    private final ThrowingRunnable<Exception> flush;
    /** Processing time at which the waiting batch's first element arrived. */
    private long firstArrived;

    private boolean armed;

    /**
     * @param waiting whether a batch waits now
     * @param flush runs the waiting batch
     */
    public BatchTimeout(
            ProcessingTimeService time, long timeoutMs, BooleanSupplier waiting, ThrowingRunnable<Exception> flush) {
        this.time = time;
        this.timeoutMs = timeoutMs;
        this.waiting = waiting;
        this.flush = flush;
    }

    /** Call when a batch gets its first element. */
    public void batchStarted() {
        firstArrived = time.getCurrentProcessingTime();
        if (!armed) {
            arm(firstArrived + timeoutMs);
        }
    }

    private void arm(long deadline) {
        armed = true;
        time.registerTimer(deadline, now -> {
            armed = false;
            if (!waiting.getAsBoolean()) {
                return;
            }
            long due = firstArrived + timeoutMs;
            if (now >= due) {
                flush.run();
            } else {
                arm(due);
            }
        });
    }
}
