package io.attentionstream.operators.window;

import io.attentionstream.core.window.WindowerConfig;
import java.util.Objects;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * The event-time timers one key needs, counted from its newest accepted event time:
 * {@code flushAt} while it has an open window (idle flush) and {@code expireAt} while it has any
 * state (TTL); null when not needed. Shared by every windowing operator.
 *
 * <p>Flink keeps one timer per key and timestamp, so both deadlines may share one timer; moving
 * from one set to the next therefore deletes only timestamps the next set no longer needs.
 * Deleting a timer that already fired does nothing.
 */
public record KeyTimers(Long flushAt, Long expireAt) {

    static final KeyTimers NONE = new KeyTimers(null, null);

    /** Where timers go: a function's {@link TimerService} or an operator's internal one. */
    public interface Timers {
        void register(long timestamp);

        void delete(long timestamp);
    }

    /** The timers for a key whose newest accepted event time is {@code latestTimestamp}. */
    public static KeyTimers of(Long latestTimestamp, boolean open, WindowerConfig config) {
        if (latestTimestamp == null) {
            return NONE;
        }
        Long flushAt = open ? saturatedSum(latestTimestamp, config.idleFlushMs()) : null;
        return new KeyTimers(flushAt, saturatedSum(latestTimestamp, config.stateTtlMs()));
    }

    /** Registers the timers of {@code next} and deletes those of this set that {@code next} lacks. */
    public void moveTo(KeyTimers next, Timers timers) {
        deleteUnless(flushAt, next, timers);
        deleteUnless(expireAt, next, timers);
        registerUnless(next.flushAt, this, timers);
        registerUnless(next.expireAt, this, timers);
    }

    public boolean flushDue(long time) {
        return flushAt != null && time >= flushAt;
    }

    public boolean expiryDue(long time) {
        return expireAt != null && time >= expireAt;
    }

    public static Timers of(TimerService service) {
        return new Timers() {
            @Override
            public void register(long timestamp) {
                service.registerEventTimeTimer(timestamp);
            }

            @Override
            public void delete(long timestamp) {
                service.deleteEventTimeTimer(timestamp);
            }
        };
    }

    public static Timers of(InternalTimerService<VoidNamespace> service) {
        return new Timers() {
            @Override
            public void register(long timestamp) {
                service.registerEventTimeTimer(VoidNamespace.INSTANCE, timestamp);
            }

            @Override
            public void delete(long timestamp) {
                service.deleteEventTimeTimer(VoidNamespace.INSTANCE, timestamp);
            }
        };
    }

    private boolean contains(Long timestamp) {
        return Objects.equals(timestamp, flushAt) || Objects.equals(timestamp, expireAt);
    }

    private static void deleteUnless(Long timestamp, KeyTimers stillNeeded, Timers timers) {
        if (timestamp != null && !stillNeeded.contains(timestamp)) {
            timers.delete(timestamp);
        }
    }

    private static void registerUnless(Long timestamp, KeyTimers alreadyRegistered, Timers timers) {
        if (timestamp != null && !alreadyRegistered.contains(timestamp)) {
            timers.register(timestamp);
        }
    }

    /** Timestamps near Long.MAX_VALUE must not wrap into the past. */
    private static long saturatedSum(long timestamp, long delay) {
        return timestamp > Long.MAX_VALUE - delay ? Long.MAX_VALUE : timestamp + delay;
    }
}
