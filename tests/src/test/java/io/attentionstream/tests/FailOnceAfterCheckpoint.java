package io.attentionstream.tests;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Passes records through, and throws once: on the first record after a checkpoint completed.
 * The flags are static because the function runs in the MiniCluster of the same JVM, and must
 * survive the restart of the task it fails.
 */
final class FailOnceAfterCheckpoint<T> implements MapFunction<T, T>, CheckpointListener {
    private static final long serialVersionUID = 1L;
    private static final Map<String, AtomicBoolean> CHECKPOINTED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();

    private final String name;

    FailOnceAfterCheckpoint(String name) {
        this.name = name;
        CHECKPOINTED.put(name, new AtomicBoolean());
        FAILURES.put(name, new AtomicInteger());
    }

    @Override
    public T map(T value) {
        if (CHECKPOINTED.get(name).get() && FAILURES.get(name).compareAndSet(0, 1)) {
            throw new IllegalStateException("Injected failure '" + name + "' after a completed checkpoint");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        CHECKPOINTED.get(name).set(true);
    }

    boolean checkpointed() {
        return CHECKPOINTED.get(name).get();
    }

    int failures() {
        return FAILURES.get(name).get();
    }
}
