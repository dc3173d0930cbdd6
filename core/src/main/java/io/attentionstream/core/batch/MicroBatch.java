package io.attentionstream.core.batch;

import io.attentionstream.core.model.InferenceException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The items that wait for one model run, and how a run fails safely: when the model fails on a
 * run of several items, each is run again alone, so one bad item becomes one dead letter and the
 * others go on. Plain Java; the Flink operator decides when to {@link #drain} (count, timeout,
 * barrier, end of input).
 *
 * @param <T> what waits: a window, an event
 * @param <R> what a run returns
 */
public final class MicroBatch<T, R> {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatch.class);

    /** What a run of items does. Only {@link #infer} may fail an item; its failures are isolated. */
    public interface Runner<T, R> {
        /**
         * Runs the model on the items.
         *
         * @throws InferenceException or {@link IllegalArgumentException} when the model fails on them
         */
        R infer(List<T> items) throws Exception;

        /** Takes the result of a run that succeeded; {@code micros} is how long {@link #infer} took. */
        void ran(List<T> items, R result, long micros) throws Exception;

        /** Sets aside an item the model fails on alone. */
        void failed(T item, String message) throws Exception;
    }

    private final int size;
    private final Runner<T, R> runner;
    private List<T> pending;

    /** @param size items at which the batch is full */
    public MicroBatch(int size, Runner<T, R> runner) {
        if (size < 1) {
            throw new IllegalArgumentException("A batch holds at least one item, not " + size + ".");
        }
        this.size = size;
        this.runner = runner;
        this.pending = new ArrayList<>(size);
    }

    /** Adds an item; true when it is the first of its batch (the batch's timeout starts with it). */
    public boolean add(T item) {
        pending.add(item);
        return pending.size() == 1;
    }

    public boolean isFull() {
        return pending.size() >= size;
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    public int waiting() {
        return pending.size();
    }

    /** The waiting items, in arrival order; the batch is empty afterwards. */
    public List<T> drain() {
        List<T> batch = pending;
        pending = new ArrayList<>(size);
        return batch;
    }

    /** Runs the items as one run, or, when the model fails on them, each alone. */
    public void run(List<T> items) throws Exception {
        R result;
        long start = System.nanoTime();
        try {
            result = runner.infer(items);
        } catch (InferenceException | IllegalArgumentException e) {
            if (items.size() == 1) {
                runner.failed(items.get(0), e.getMessage());
            } else {
                // One bad item must not take the others down: find it by running each alone.
                LOG.warn(
                        "Inference failed on a run of {} items, retrying them one at a time: {}",
                        items.size(),
                        e.getMessage());
                for (T item : items) {
                    run(List.of(item));
                }
            }
            return;
        }
        runner.ran(items, result, (System.nanoTime() - start) / 1_000);
    }
}
