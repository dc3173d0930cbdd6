package io.attentionstream.operators.incremental;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.core.incremental.IncrementalAttentionModel;
import io.attentionstream.core.incremental.IncrementalConfig;
import io.attentionstream.core.incremental.IncrementalInference;
import io.attentionstream.core.incremental.IncrementalRecords;
import io.attentionstream.core.incremental.IncrementalSignature;
import io.attentionstream.core.incremental.IncrementalStep;
import io.attentionstream.core.incremental.KeyValueCache;
import io.attentionstream.core.incremental.StepResult;
import io.attentionstream.core.incremental.Waves;
import io.attentionstream.core.model.AttentionEntropy;
import io.attentionstream.core.model.ModelLoadException;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Rejection;
import io.attentionstream.operators.SideOutputs;
import io.attentionstream.operators.batch.MicroBatchingOperator;
import io.attentionstream.operators.window.KeyLifecycle;
import io.attentionstream.operators.window.KeyTimers;
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
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
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
 * {@code OUT_OF_ORDER}, {@code LATE}; the key's order, timers and expiry are its {@link KeyLifecycle})
 * and wait, across keys ({@link MicroBatchingOperator}), until {@code batchSize} wait, the
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
public class IncrementalAttention
        extends MicroBatchingOperator<Event, IncrementalAttentionModel, IncrementalAttention.Wave>
        implements Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IncrementalAttention.class);

    /** Every reason this operator rejects an event for. */
    public static final Set<RejectReason> REASONS = allReasons();

    /**
     * Native memory for caches kept in the model's input layout ({@link IncrementalAttentionModel#keepResident}):
     * 64 MiB is 256 keys at {@code n = 512} and {@code d = 64}.
     */
    static final long RESIDENT_BYTES = 64L << 20;

    private final IncrementalConfig config;

    private transient IncrementalRecords records;
    private transient ValueState<KeyValueCache> cache;
    private transient KeyLifecycle<KeyValueCache> lifecycle;
    private transient KeyTimers.Timers timers;
    private transient InternalTimerService<VoidNamespace> timerService;

    /** One model run: events of distinct keys, with the steps (and so the caches) they ran with. */
    record Wave(List<IncrementalStep> steps, IncrementalInference inference) {}

    public IncrementalAttention(IncrementalConfig config, byte[] modelBytes) {
        super(Objects.requireNonNull(config, "config").batchSize(), config.batchTimeoutMs(), modelBytes);
        this.config = config;
    }

    @Override
    protected IncrementalAttentionModel load(byte[] modelBytes) {
        IncrementalAttentionModel loaded = IncrementalAttentionModel.load(modelBytes, config.model(), config.names());
        IncrementalSignature signature = loaded.signature();
        if (signature.featureDim() != config.windower().featureDim()) {
            loaded.close();
            throw new ModelLoadException("The model takes " + signature.featureDim() + " features per event but the"
                    + " windower is set up for " + config.windower().featureDim()
                    + ": build both from the same --model.");
        }
        loaded.keepResident(
                config.cacheLimit(), residentRows(config.batchSize(), config.cacheLimit(), signature.cacheWidth()));
        records = new IncrementalRecords(signature, loaded.sha256());
        return loaded;
    }

    @Override
    protected Set<RejectReason> reasons() {
        return REASONS;
    }

    @Override
    public void open() throws Exception {
        super.open();
        // Copies of caches into the model's resident rows: flat once every busy key is resident;
        // growing with the event count means more keys take turns than the rows hold.
        IncrementalAttentionModel running = model;
        getMetricGroup().gauge("residentCopies", (Gauge<Long>) running::residentCopies);
        cache = getPartitionedState(new ValueStateDescriptor<>("cache", KeyValueCache.class));
        lifecycle = new KeyLifecycle<>(config.windower(), this::getPartitionedState, cache, getMetricGroup());
        timerService = getInternalTimerService("incremental-attention", VoidNamespaceSerializer.INSTANCE, this);
        timers = KeyTimers.of(timerService);
        LOG.info(
                "Incremental attention over windows of {} with {}, batches of {} or {} ms",
                config.windowSize(),
                model.signature(),
                config.batchSize(),
                config.batchTimeoutMs());
    }

    @Override
    public void processElement(StreamRecord<Event> element) throws Exception {
        Event event = element.getValue();
        Rejection rejection = lifecycle.check(event, timerService.currentWatermark());
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
        // An idle flush only drops the cache: every event already had its output.
        lifecycle.onTimer(timer.getTimestamp(), timer.getKey(), past -> {});
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // No keyed processing-time timers: the batch timeout is a plain processing-time callback.
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

    /** Order and timers change now, so the next event is checked against this one; the cache when the batch runs. */
    private void accept(Event event) throws Exception {
        // Whether the previous idle flush is still registered is not tracked: deleting a timer that
        // is not there does nothing.
        lifecycle.accepted(event, true, !event.endOfSequence && config.cacheLimit() > 0, timers);
        // Kept until its batch runs: safe with object reuse, since a keyed input arrives over the
        // keyBy exchange, whose deserializer makes a new object per record.
        enqueue(event);
    }

    /** Runs every waiting event in waves. Leaves the current key at the last event's: callers do no keyed work after it. */
    @Override
    protected void runBatch(List<Event> batch) throws Exception {
        for (List<Event> wave : Waves.of(batch)) {
            run(wave);
        }
    }

    /** One model run for events of distinct keys, each with its key's cache as it is now. */
    @Override
    protected Wave infer(List<Event> wave) throws Exception {
        List<IncrementalStep> steps = new ArrayList<>(wave.size());
        for (Event event : wave) {
            setCurrentKey(event.key);
            KeyValueCache past = cache.value();
            if (past != null && past.id == 0) {
                // Restored from state written before caches had ids: name it, so that it can stay resident.
                past.id = KeyValueCache.newId();
            }
            steps.add(new IncrementalStep(event.features, past));
        }
        return new Wave(steps, model.run(steps));
    }

    @Override
    protected double paddingRatio(Wave wave) {
        return wave.inference().paddingRatio();
    }

    /**
     * Over the first step's rows only: a step costs only {@code O(n·d)}, so the logarithms of every
     * row of every run would cost as much as the model.
     */
    @Override
    protected double attentionEntropy(List<Event> events, Wave wave) {
        AttentionEntropy entropy = new AttentionEntropy();
        if (!wave.inference().results().isEmpty()) {
            StepResult first = wave.inference().results().get(0);
            entropy.add(first.weights(), first.length());
        }
        return entropy.mean();
    }

    @Override
    protected void emit(List<Event> wave, Wave run) throws IOException {
        for (int i = 0; i < wave.size(); i++) {
            Event event = wave.get(i);
            setCurrentKey(event.key);
            advance(event, run.steps().get(i).past(), run.inference().results().get(i));
        }
    }

    /** Emits the event's window and moves the key's cache on by one event. */
    private void advance(Event event, KeyValueCache past, StepResult result) throws IOException {
        if (!result.isFinite()) {
            failed(event, "The model produced a non-finite output, weight, key or value.");
            return;
        }
        // Records first: they read the window's start from the cache before it moves on.
        collect(
                records.output(event, past, result),
                config.emitWeights() ? records.weights(event, past, result) : null,
                event.timestamp);
        if (event.endOfSequence) {
            cache.clear();
            lifecycle.flushed();
            return;
        }
        if (config.cacheLimit() == 0) {
            return;
        }
        KeyValueCache next = past != null
                ? past
                : KeyValueCache.create(
                        config.cacheLimit(),
                        model.signature().heads(),
                        model.signature().headDim());
        next.append(event.position, event.timestamp, result.newKey(), result.newValue());
        cache.update(next);
    }

    /**
     * Sets an event the model failed on aside. Its key and value are unknown, so no later window can
     * hold it: the key's cache goes and its next event starts a new window, as after a flush.
     */
    @Override
    protected void failed(Event event, String message) throws IOException {
        setCurrentKey(event.key);
        cache.clear();
        Rejection rejection = new Rejection(
                RejectReason.INFERENCE_FAILED, "Event " + event.position + " of key " + event.key + ": " + message);
        LOG.debug("Inference failed on {}: {}", event, message);
        deadLetter(deadLetter(event, rejection), event.timestamp);
    }

    private void reject(Event event, Rejection rejection) {
        LOG.debug("Rejected {}: {}", event, rejection.message());
        deadLetter(deadLetter(event, rejection), event.timestamp);
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

    private static Set<RejectReason> allReasons() {
        Set<RejectReason> reasons = EnumSet.copyOf(SequenceWindower.REASONS);
        reasons.add(RejectReason.INFERENCE_FAILED);
        return Collections.unmodifiableSet(reasons);
    }
}
