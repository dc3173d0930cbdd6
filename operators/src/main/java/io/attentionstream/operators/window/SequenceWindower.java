package io.attentionstream.operators.window;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.EventValidator;
import io.attentionstream.core.window.KeyBuffer;
import io.attentionstream.core.window.Rejection;
import io.attentionstream.core.window.Window;
import io.attentionstream.core.window.WindowerConfig;
import io.attentionstream.operators.RecordCounters;
import io.attentionstream.operators.SideOutputs;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts each key's events into count windows of {@code n} with stride {@code s}, as in DESIGN.md's
 * window semantics; the counting itself lives in {@link KeyBuffer}, the key's order, timers and
 * expiry in {@link KeyLifecycle}.
 *
 * <p>Per key it keeps at most three state entries and two event-time timers:
 * <ul>
 *   <li>{@code buffer}: the events since the last flush not yet dropped (absent when none);
 *   <li>{@code lastPosition}: the last accepted position, kept across flushes so a replay is
 *       still {@code OUT_OF_ORDER};
 *   <li>{@code latestTimestamp}: the newest accepted event time, which both timers count from:
 *       the idle flush at {@code + idleFlushMs} while events are buffered, and the expiry of all
 *       state at {@code + stateTtlMs}.
 * </ul>
 * The end of a bounded input is a {@code Long.MAX_VALUE} watermark, which fires both timers.
 *
 * <p>Rejected events go to {@link DeadLetters#TAG} and change no state.
 */
public class SequenceWindower extends KeyedProcessFunction<String, Event, Window> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SequenceWindower.class);

    /** Every reason this function rejects an event for. */
    public static final Set<RejectReason> REASONS = allReasons();

    private final WindowerConfig config;

    private transient ValueState<KeyBuffer> buffer;
    private transient KeyLifecycle<KeyBuffer> lifecycle;
    private transient RecordCounters counters;

    public SequenceWindower(WindowerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        buffer = getRuntimeContext().getState(new ValueStateDescriptor<>("buffer", KeyBuffer.class));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        lifecycle = new KeyLifecycle<>(config, getRuntimeContext()::getState, buffer, metrics);
        counters = new RecordCounters(metrics, REASONS);
        LOG.info("Windowing with {}", config);
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Window> out) throws Exception {
        Rejection rejection = lifecycle.check(event, ctx.timerService().currentWatermark());
        if (rejection != null) {
            reject(event, rejection, ctx);
        } else {
            accept(event, ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Window> out) throws Exception {
        String key = ctx.getCurrentKey();
        lifecycle.onTimer(timestamp, key, keyBuffer -> flush(keyBuffer, key, out));
    }

    private void accept(Event event, Context ctx, Collector<Window> out) throws IOException {
        String key = ctx.getCurrentKey();
        KeyBuffer keyBuffer = buffer.value();
        boolean wasBuffering = keyBuffer != null;

        if (keyBuffer == null) {
            keyBuffer = KeyBuffer.forConfig(config);
        }
        Window full = keyBuffer.add(key, event, config.stride());
        if (full != null) {
            emit(full, out);
        }
        if (event.endOfSequence) {
            flush(keyBuffer, key, out);
            lifecycle.flushed();
        }
        // No buffer entry while nothing is buffered (after a flush, or a full window with stride n),
        // so that the state and the idle timer are there exactly when something could be flushed.
        boolean buffering = !keyBuffer.isEmpty();
        if (buffering) {
            buffer.update(keyBuffer);
        } else {
            buffer.clear();
        }
        lifecycle.accepted(event, wasBuffering, buffering, KeyTimers.of(ctx.timerService()));
    }

    /** Emits what the buffer has not emitted yet and empties it. */
    private void flush(KeyBuffer keyBuffer, String key, Collector<Window> out) {
        Window rest = keyBuffer.flush(key);
        if (rest != null) {
            emit(rest, out);
        }
    }

    private void emit(Window window, Collector<Window> out) {
        out.collect(window);
        counters.emitted();
    }

    private void reject(Event event, Rejection rejection, Context ctx) {
        counters.rejected(rejection.reason());
        LOG.debug("Rejected {}: {}", event, rejection.message());
        // Processing time is the wall clock in a running job (and the harness's clock in tests).
        long rejectedAt = ctx.timerService().currentProcessingTime();
        ctx.output(SideOutputs.DEAD_LETTERS, rejection.deadLetter(event, rejectedAt));
    }

    private static Set<RejectReason> allReasons() {
        Set<RejectReason> reasons = EnumSet.copyOf(EventValidator.REASONS);
        reasons.add(RejectReason.OUT_OF_ORDER);
        reasons.add(RejectReason.LATE);
        return Collections.unmodifiableSet(reasons);
    }
}
