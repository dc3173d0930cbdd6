package io.attentionstream.operators.incremental;

import io.attentionstream.core.incremental.IncrementalSignature;
import io.attentionstream.core.incremental.IncrementalConfig;
import io.attentionstream.core.incremental.IncrementalAttentionModel;
import io.attentionstream.core.incremental.IncrementalStep;
import io.attentionstream.core.incremental.IncrementalInference;
import io.attentionstream.core.incremental.IncrementalRecords;
import io.attentionstream.core.incremental.Waves;
import io.attentionstream.core.incremental.StepResult;
import io.attentionstream.core.incremental.KeyValueCache;

import io.attentionstream.operators.SideOutputs;
import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.operators.batch.BatchTimeout;
import io.attentionstream.operators.batch.BatchedAttention;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.core.model.InferenceException;
import io.attentionstream.core.model.ModelLoadException;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.EventChecks;
import io.attentionstream.operators.window.KeyTimers;
import io.attentionstream.core.window.Rejection;
import io.attentionstream.operators.window.SequenceWindower;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stride-1 sliding-window attention that computes only each event's own position: per key it keeps
 * the projected keys and values of the last {@code n − 1} events ({@link KeyValueCache}), so an
 * event costs {@code O(n·d + d²)} instead of a full window's {@code O(n²·d + n·d²)}. Runs on a keyed
 * stream ({@code keyBy(event -> event.key)}) in place of {@code SequenceWindower → BatchedAttention}.
 *
 * <p>Every accepted event yields one {@link AttentionOutput} (one row: the newest position) and,
 * unless weights are off, one {@link AttentionWeights} on {@link SideOutputs#WEIGHTS} (one query row per
 * head) for the window of the key's events since its last flush, at most {@code n}: equal to the
 * last row of the window model on that window. The first {@code n − 1} events of a key get shorter
 * windows, not none.
 *
 * <p>Events are checked on arrival with the rules of {@link SequenceWindower} (validation,
 * {@code OUT_OF_ORDER}, {@code LATE}) and wait, across keys, until {@code batchSize} wait, the
 * timeout passes, a watermark comes (so timers only ever see caches that are up to date), a
 * checkpoint barrier or the end of input. A batch runs in {@link Waves}, each key at most once per
 * model run, because a key's next event needs this one's key and value. Nothing waits across a
 * checkpoint, so all state is keyed:
 * <ul>
 *   <li>{@code cache}: the key's {@link KeyValueCache} (absent after a flush and before the first event);
 *   <li>{@code lastPosition}: the last accepted position, kept across flushes so a replay is
 *       still {@code OUT_OF_ORDER};
 *   <li>{@code latestTimestamp}: the newest accepted event time, which the idle-flush and TTL
 *       timers count from ({@link KeyTimers}).
 * </ul>
 * {@code end_of_sequence}, the idle flush and a failed inference drop the cache: the key's next
 * event starts a new window. The TTL drops everything, so the key may start again from position 0.
 *
 * <p>Rejected events and events the model fails on go to {@link DeadLetters#TAG}.
 */
public class IncrementalAttention extends AbstractStreamOperator<AttentionOutput>
        implements OneInputStreamOperator<Event, AttentionOutput>, Triggerable<String, VoidNamespace>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalAttention.class);



    /** Every reason this operator rejects an event for. */
    public static final Set<RejectReason> REASONS = reasons();

    /**
     * Native memory for caches kept in the model's input layout ({@link IncrementalAttentionModel#keepResident}):
     * 64 MiB is 256 keys at {@code n = 512} and {@code d = 64}.
     */
    static final long RESIDENT_BYTES = 64L << 20;

    private final IncrementalConfig config;
    /** The model travels with the operator, so task managers need no access to the file. */
    private final byte[] modelBytes;

    private transient IncrementalAttentionModel model;
    private transient IncrementalRecords records;
    private transient IncrementalMetrics metrics;
    private transient EventChecks checks;
    private transient ValueState<KeyValueCache> cache;
    private transient ValueState<Long> lastPosition;
    private transient ValueState<Long> latestTimestamp;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient List<Event> pending;
    private transient BatchTimeout timeout;

    public IncrementalAttention(IncrementalConfig config, byte[] modelBytes) {
        this.config = Objects.requireNonNull(config, "config");
        this.modelBytes = Objects.requireNonNull(modelBytes, "modelBytes");
    }

    @Override
    public void open() throws Exception {
        super.open();
        model = IncrementalAttentionModel.load(modelBytes, config.model(), config.names());
        IncrementalSignature signature = model.signature();
        if (signature.featureDim() != config.windower().featureDim()) {
            throw new ModelLoadException("The model takes " + signature.featureDim() + " features per event but the"
                    + " windower is set up for " + config.windower().featureDim() + ": build both from the same --model.");
        }
        model.keepResident(config.cacheLimit(), residentRows(config.batchSize(), config.cacheLimit(), signature.cacheWidth()));
        records = new IncrementalRecords(signature, model.sha256());
        metrics = new IncrementalMetrics(getMetricGroup(), REASONS);
        // Copies of caches into the model's resident rows: flat once every busy key is resident;
        // growing with the event count means more keys take turns than the rows hold.
        IncrementalAttentionModel running = model;
        getMetricGroup().gauge("residentCopies", (Gauge<Long>) running::residentCopies);
        checks = new EventChecks(config.windower());
        cache = getPartitionedState(new ValueStateDescriptor<>("cache", KeyValueCache.class));
        lastPosition = getPartitionedState(new ValueStateDescriptor<>("lastPosition", Long.class));
        latestTimestamp = getPartitionedState(new ValueStateDescriptor<>("latestTimestamp", Long.class));
        timers = getInternalTimerService("incremental-attention", VoidNamespaceSerializer.INSTANCE, this);
        pending = new ArrayList<>(config.batchSize());
        timeout = new BatchTimeout(getProcessingTimeService(), config.batchTimeoutMs(), () -> !pending.isEmpty(), this::flush);
        LOG.info("Incremental attention over windows of {} with {}, batches of {} or {} ms",
                config.windowSize(), signature, config.batchSize(), config.batchTimeoutMs());
    }

    @Override
    public void processElement(StreamRecord<Event> element) throws Exception {
        Event event = element.getValue();
        Rejection rejection = check(event, timers.currentWatermark());
        if (rejection != null) {
            reject(event, rejection);
        } else {
            accept(event);
        }
    }

    /** Runs what waits first: the timers this watermark fires must see every cache up to date. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        Long latest = latestTimestamp.value();
        if (latest == null) {
            return;
        }
        KeyTimers due = KeyTimers.of(latest, true, config.windower());
        // Both deadlines may share this timer: the flush only counts when there was a cache to drop.
        if (due.flushDue(timer.getTimestamp()) && cache.value() != null) {
            LOG.debug("Key {} idle for {} ms of event time: dropping its cache", timer.getKey(), config.windower().idleFlushMs());
            cache.clear();
            metrics.flushed();
        }
        if (due.expiryDue(timer.getTimestamp())) {
            LOG.debug("Key {} idle for {} ms of event time: dropping its state", timer.getKey(), config.windower().stateTtlMs());
            cache.clear();
            lastPosition.clear();
            latestTimestamp.clear();
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // No keyed processing-time timers: the batch timeout is a plain processing-time callback.
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // Waiting events are in no state: a snapshot taken with some would lose them on restore.
        if (pending != null && !pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " events wait for the model at a snapshot;"
                    + " prepareSnapshotPreBarrier must run them first.");
        }
        super.snapshotState(context);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (model != null) {
                model.close();
            }
        } finally {
            super.close();
        }
    }

    /** The key's cache as stored, or null; for tests of the state bounds. */
    @VisibleForTesting
    KeyValueCache cacheOf(String key) throws IOException {
        setCurrentKey(key);
        return cache.value();
    }

    /** Caches the model copied into its resident rows so far: once per cache unless evicted; for tests. */
    @VisibleForTesting
    long residentCopies() {
        return model.residentCopies();
    }

    private Rejection check(Event event, long watermark) throws IOException {
        return checks.check(event, lastPosition.value(), watermark);
    }

    /** Order and timers change now, so the next event is checked against this one; the cache when the batch runs. */
    private void accept(Event event) throws Exception {
        Long latest = latestTimestamp.value();
        // Event times may step back within the watermark's allowance; idleness counts from the newest.
        long newest = latest == null ? event.timestamp : Math.max(latest, event.timestamp);
        lastPosition.update(event.position);
        latestTimestamp.update(newest);
        boolean open = !event.endOfSequence && config.cacheLimit() > 0;
        // Whether the previous idle flush is still registered is not tracked: deleting a timer that
        // is not there does nothing.
        KeyTimers.of(latest, true, config.windower())
                .moveTo(KeyTimers.of(newest, open, config.windower()), KeyTimers.of(timers));

        // Kept until its batch runs: safe with object reuse, since a keyed input arrives over the
        // keyBy exchange, whose deserializer makes a new object per record.
        pending.add(event);
        if (pending.size() >= config.batchSize()) {
            flush();
        } else if (pending.size() == 1) {
            timeout.batchStarted();
        }
    }

    /** Runs every waiting event. Leaves the current key at the last event's: callers do no keyed work after it. */
    private void flush() throws Exception {
        if (pending == null || pending.isEmpty()) {
            return;
        }
        List<Event> batch = pending;
        pending = new ArrayList<>(config.batchSize());
        for (List<Event> wave : Waves.of(batch)) {
            runWave(wave);
        }
    }

    /** One model run for events of distinct keys, each with its key's cache as it is now. */
    private void runWave(List<Event> wave) throws Exception {
        List<KeyValueCache> caches = new ArrayList<>(wave.size());
        List<IncrementalStep> steps = new ArrayList<>(wave.size());
        for (Event event : wave) {
            setCurrentKey(event.key);
            KeyValueCache past = cache.value();
            if (past != null && past.id == 0) {
                // Restored from state written before caches had ids: name it, so that it can stay resident.
                past.id = KeyValueCache.newId();
            }
            caches.add(past);
            steps.add(new IncrementalStep(event.features, past));
        }
        IncrementalInference inference;
        long start = System.nanoTime();
        try {
            inference = model.run(steps);
        } catch (InferenceException | IllegalArgumentException e) {
            if (wave.size() == 1) {
                fail(wave.get(0), e.getMessage());
            } else {
                // One bad step must not take the others down: find it by running each alone.
                LOG.warn("Inference failed on {} events, retrying them one at a time: {}", wave.size(), e.getMessage());
                for (Event event : wave) {
                    runWave(List.of(event));
                }
            }
            return;
        }
        metrics.ran(wave.size(), (System.nanoTime() - start) / 1_000, inference);
        for (int i = 0; i < wave.size(); i++) {
            Event event = wave.get(i);
            setCurrentKey(event.key);
            advance(event, caches.get(i), inference.results().get(i));
        }
    }

    /** Emits the event's window and moves the key's cache on by one event. */
    private void advance(Event event, KeyValueCache past, StepResult result) throws IOException {
        if (!result.isFinite()) {
            fail(event, "The model produced a non-finite output, weight, key or value.");
            return;
        }
        // Records first: they read the window's start from the cache before it moves on.
        output.collect(new StreamRecord<>(records.output(event, past, result), event.timestamp));
        if (config.emitWeights()) {
            output.collect(SideOutputs.WEIGHTS, new StreamRecord<>(records.weights(event, past, result), event.timestamp));
        }
        metrics.emitted();
        if (event.endOfSequence) {
            cache.clear();
            metrics.flushed();
            return;
        }
        if (config.cacheLimit() == 0) {
            return;
        }
        KeyValueCache next = past != null ? past : KeyValueCache.create(config.cacheLimit(), model.signature().heads(), model.signature().headDim());
        next.append(event.position, event.timestamp, result.newKey(), result.newValue());
        cache.update(next);
    }

    /**
     * Sets an event the model failed on aside. Its key and value are unknown, so no later window can
     * hold it: the key's cache goes and its next event starts a new window, as after a flush.
     */
    private void fail(Event event, String message) throws IOException {
        setCurrentKey(event.key);
        cache.clear();
        metrics.rejected(RejectReason.INFERENCE_FAILED);
        Rejection rejection = new Rejection(RejectReason.INFERENCE_FAILED,
                "Event " + event.position + " of key " + event.key + ": " + message);
        LOG.debug("Inference failed on {}: {}", event, message);
        output.collect(SideOutputs.DEAD_LETTERS, new StreamRecord<>(deadLetter(event, rejection), event.timestamp));
    }

    private void reject(Event event, Rejection rejection) {
        metrics.rejected(rejection.reason());
        LOG.debug("Rejected {}: {}", event, rejection.message());
        output.collect(SideOutputs.DEAD_LETTERS, new StreamRecord<>(deadLetter(event, rejection), event.timestamp));
    }

    private RejectedRecord deadLetter(Event event, Rejection rejection) {
        // Processing time is the wall clock in a running job (and the harness's clock in tests).
        return rejection.deadLetter(event, getProcessingTimeService().getCurrentProcessingTime());
    }

    /**
     * Rows of resident caches: twice the batch, so keys that alternate between batches stay
     * resident, and at least 16; at most what {@link #RESIDENT_BYTES} holds.
     */
    static int residentRows(int batchSize, int cacheLimit, int cacheWidth) {
        long rowBytes = 2L * cacheLimit * cacheWidth * Float.BYTES + cacheLimit;
        long byMemory = Math.max(1, RESIDENT_BYTES / Math.max(1, rowBytes));
        return (int) Math.min(byMemory, Math.max(16, 2L * batchSize));
    }

    private static Set<RejectReason> reasons() {
        Set<RejectReason> reasons = EnumSet.copyOf(SequenceWindower.REASONS);
        reasons.add(RejectReason.INFERENCE_FAILED);
        return Collections.unmodifiableSet(reasons);
    }
}
