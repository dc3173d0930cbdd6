package io.attentionstream.operators.window;

import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.EventChecks;
import io.attentionstream.core.window.Rejection;
import io.attentionstream.core.window.WindowerConfig;
import java.io.IOException;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one key in a windowing operator, whatever the operator keeps as the key's open
 * window ({@code W}: a buffer of events, a cache of keys and values):
 * <ul>
 *   <li>{@code lastPosition}: the last accepted position, kept across flushes so a replay is
 *       still {@code OUT_OF_ORDER} ({@link EventChecks});
 *   <li>{@code latestTimestamp}: the newest accepted event time, which both timers count from
 *       ({@link KeyTimers}): the idle flush while the window is open, the expiry of all state
 *       ({@code --state-ttl-ms}) while the key has any;
 *   <li>the {@code flushes} metric.
 * </ul>
 * Methods work on the operator's current key. Works for a {@code KeyedProcessFunction} and a keyed
 * {@code AbstractStreamOperator} alike: they differ only in how state is made and timers are set.
 *
 * @param <W> the key's open window, absent from state while there is none
 */
public final class KeyLifecycle<W> {
    private static final Logger LOG = LoggerFactory.getLogger(KeyLifecycle.class);

    /** How the operator makes keyed state: {@code getRuntimeContext()::getState} or {@code this::getPartitionedState}. */
    @FunctionalInterface
    public interface KeyedStates {
        <T> ValueState<T> get(ValueStateDescriptor<T> descriptor) throws Exception;
    }

    /** What a due idle flush does with the key's open window before it is dropped. */
    @FunctionalInterface
    public interface Flush<W> {
        void flush(W window) throws Exception;
    }

    private final WindowerConfig config;
    private final EventChecks checks;
    private final ValueState<W> window;
    private final ValueState<Long> lastPosition;
    private final ValueState<Long> latestTimestamp;
    private final Counter flushes;

    /** @param window the operator's own state of the key's open window, dropped with the rest */
    public KeyLifecycle(WindowerConfig config, KeyedStates states, ValueState<W> window, MetricGroup metrics)
            throws Exception {
        this.config = config;
        this.checks = new EventChecks(config);
        this.window = window;
        this.lastPosition = states.get(new ValueStateDescriptor<>("lastPosition", Long.class));
        this.latestTimestamp = states.get(new ValueStateDescriptor<>("latestTimestamp", Long.class));
        this.flushes = metrics.counter("flushes");
    }

    /** Null when the key accepts the event, else why not; changes nothing. */
    public Rejection check(Event event, long watermark) throws IOException {
        return checks.check(event, lastPosition.value(), watermark);
    }

    /**
     * Records an accepted event: the next event is checked against it, and the key's timers count
     * from its newest event time.
     *
     * @param wasOpen whether the key had an open window before the event (the idle timer was set)
     * @param open whether it has one after it
     */
    public void accepted(Event event, boolean wasOpen, boolean open, KeyTimers.Timers timers) throws IOException {
        Long latest = latestTimestamp.value();
        // Event times may step back within the watermark's allowance; idleness counts from the newest.
        long newest = latest == null ? event.timestamp : Math.max(latest, event.timestamp);
        lastPosition.update(event.position);
        latestTimestamp.update(newest);
        KeyTimers.of(latest, wasOpen, config).moveTo(KeyTimers.of(newest, open, config), timers);
    }

    /** Counts a flush of the key's window (end of sequence, idle). */
    public void flushed() {
        flushes.inc();
    }

    /**
     * Handles the key's event-time timer: a due idle flush flushes and drops the open window, a due
     * expiry drops all of the key's state. Both deadlines may share this timer: the flush goes
     * first, so that expiry never drops unsent events.
     */
    public void onTimer(long time, Object key, Flush<W> flush) throws Exception {
        W open = window.value();
        KeyTimers due = KeyTimers.of(latestTimestamp.value(), open != null, config);
        if (due.flushDue(time)) {
            LOG.debug("Key {} idle for {} ms of event time: flushing its window", key, config.idleFlushMs());
            flush.flush(open);
            window.clear();
            flushed();
        }
        if (due.expiryDue(time)) {
            LOG.debug("Key {} idle for {} ms of event time: dropping its state", key, config.stateTtlMs());
            window.clear();
            lastPosition.clear();
            latestTimestamp.clear();
        }
    }
}
