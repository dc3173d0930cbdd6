package io.attentionstream.tests;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * A slow consumer that causes backpressure (it takes {@code delayMillis} per record) and counts the
 * checkpoints its task sees complete or abort. Counters are static: the MiniCluster shares the JVM.
 */
final class SlowCheckpointCounter<T> implements MapFunction<T, T>, CheckpointListener {
    private static final long serialVersionUID = 1L;
    private static final Map<String, AtomicInteger> COMPLETED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> ABORTED = new ConcurrentHashMap<>();

    private final String name;
    private final long delayMillis;

    SlowCheckpointCounter(String name, long delayMillis) {
        this.name = name;
        this.delayMillis = delayMillis;
        COMPLETED.put(name, new AtomicInteger());
        ABORTED.put(name, new AtomicInteger());
    }

    @Override
    public T map(T value) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(delayMillis));
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        COMPLETED.get(name).incrementAndGet();
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        ABORTED.get(name).incrementAndGet();
    }

    int completed() {
        return COMPLETED.get(name).get();
    }

    int aborted() {
        return ABORTED.get(name).get();
    }
}
