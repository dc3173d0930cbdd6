package io.attentionstream.operators.incremental;

import io.attentionstream.operators.window.WindowerConfig;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * The event-time deadlines of one key, counted from its newest accepted event time: the idle flush
 * ({@code + idleFlushMs}) while its window is open, so a cache is dropped after the key falls
 * silent, and the expiry of all its state ({@code + stateTtlMs}). The same rules as
 * {@code SequenceWindower}'s.
 *
 * @param flushAt when the cache is dropped, or null when the window is closed (after
 *     {@code end_of_sequence}, or with window size 1 where nothing is cached)
 * @param expireAt when all of the key's state goes
 */
record KeyDeadlines(Long flushAt, long expireAt) {

    static KeyDeadlines of(long latestTimestamp, boolean open, WindowerConfig config) {
        return new KeyDeadlines(open ? saturatedSum(latestTimestamp, config.idleFlushMs()) : null,
                saturatedSum(latestTimestamp, config.stateTtlMs()));
    }

    /**
     * Moves the key's timers from the deadlines of its previous newest event time to these. Whether
     * the previous idle flush is still registered (it may have fired, or the window was closed) is
     * not tracked: deleting a timer that is not there does nothing, and Flink keeps one timer per key
     * and timestamp, so registering one twice does too.
     */
    void replace(Long previousLatest, WindowerConfig config, InternalTimerService<VoidNamespace> timers) {
        if (previousLatest != null) {
            KeyDeadlines before = of(previousLatest, true, config);
            deleteUnlessKept(before.flushAt, timers);
            deleteUnlessKept(before.expireAt, timers);
        }
        if (flushAt != null) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, flushAt);
        }
        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, expireAt);
    }

    boolean flushDue(long time) {
        return flushAt != null && time >= flushAt;
    }

    boolean expiryDue(long time) {
        return time >= expireAt;
    }

    private void deleteUnlessKept(long timestamp, InternalTimerService<VoidNamespace> timers) {
        if (timestamp != expireAt && (flushAt == null || timestamp != flushAt)) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, timestamp);
        }
    }

    /** Timestamps near Long.MAX_VALUE must not wrap into the past. */
    private static long saturatedSum(long timestamp, long delay) {
        return timestamp > Long.MAX_VALUE - delay ? Long.MAX_VALUE : timestamp + delay;
    }
}
