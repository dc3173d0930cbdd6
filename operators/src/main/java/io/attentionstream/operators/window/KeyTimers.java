package io.attentionstream.operators.window;

import java.util.Objects;
import org.apache.flink.streaming.api.TimerService;

/**
 * The event-time timers one key needs: {@code flushAt} while it buffers events (idle flush) and
 * {@code expireAt} while it has any state (TTL); null when not needed.
 *
 * <p>Flink keeps one timer per key and timestamp, so both deadlines may share one timer; moving
 * from one set to the next therefore deletes only timestamps the next set no longer needs.
 */
record KeyTimers(Long flushAt, Long expireAt) {

    static final KeyTimers NONE = new KeyTimers(null, null);

    /** The timers for a key whose newest accepted event time is {@code latestTimestamp}. */
    static KeyTimers of(Long latestTimestamp, boolean buffering, WindowerConfig config) {
        if (latestTimestamp == null) {
            return NONE;
        }
        Long flushAt = buffering ? saturatedSum(latestTimestamp, config.idleFlushMs()) : null;
        return new KeyTimers(flushAt, saturatedSum(latestTimestamp, config.stateTtlMs()));
    }

    /** Registers the timers of {@code next} and deletes those of this set that {@code next} lacks. */
    void moveTo(KeyTimers next, TimerService timers) {
        deleteUnless(flushAt, next, timers);
        deleteUnless(expireAt, next, timers);
        registerUnless(next.flushAt, this, timers);
        registerUnless(next.expireAt, this, timers);
    }

    private boolean contains(Long timestamp) {
        return Objects.equals(timestamp, flushAt) || Objects.equals(timestamp, expireAt);
    }

    private static void deleteUnless(Long timestamp, KeyTimers stillNeeded, TimerService timers) {
        if (timestamp != null && !stillNeeded.contains(timestamp)) {
            timers.deleteEventTimeTimer(timestamp);
        }
    }

    private static void registerUnless(Long timestamp, KeyTimers alreadyRegistered, TimerService timers) {
        if (timestamp != null && !alreadyRegistered.contains(timestamp)) {
            timers.registerEventTimeTimer(timestamp);
        }
    }

    /** Timestamps near Long.MAX_VALUE must not wrap into the past. */
    private static long saturatedSum(long timestamp, long delay) {
        return timestamp > Long.MAX_VALUE - delay ? Long.MAX_VALUE : timestamp + delay;
    }
}
