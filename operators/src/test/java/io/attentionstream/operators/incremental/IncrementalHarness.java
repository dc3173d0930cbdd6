package io.attentionstream.operators.incremental;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.golden.GoldenCase;
import io.attentionstream.core.incremental.IncrementalConfig;
import io.attentionstream.core.incremental.IncrementalGolden;
import io.attentionstream.core.incremental.IncrementalNames;
import io.attentionstream.core.incremental.KeyValueCache;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.WindowerConfig;
import io.attentionstream.operators.MetricCapture;
import io.attentionstream.operators.SideOutputs;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * An {@link IncrementalAttention} on Flink's keyed operator harness, keyed by event key as in the
 * job, with its metrics captured; plus the stream fixtures the tests share.
 */
final class IncrementalHarness implements AutoCloseable {
    static final int DIM = 64;
    static final long IDLE = 100;
    static final long TTL = 1_000;
    static final long T0 = 10_000;
    static final long NO_TIMEOUT = BatchingConfig.MAX_BATCH_TIMEOUT_MS;

    private static final byte[] MODEL = AttentionModel.readModelFile(GoldenCase.modelFile(IncrementalGolden.MODEL));

    private final MetricCapture metrics = new MetricCapture();
    private final MockEnvironment environment;
    private final KeyedOneInputStreamOperatorTestHarness<String, Event, AttentionOutput> harness;
    private final IncrementalAttention operator;

    private IncrementalHarness(IncrementalConfig config, OperatorSubtaskState restored) throws Exception {
        environment = metrics.environment("incremental");
        operator = new IncrementalAttention(config, MODEL.clone());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, event -> event.key, Types.STRING, environment);
        if (restored != null) {
            harness.setup();
            harness.initializeState(restored);
        }
        harness.open();
    }

    static IncrementalHarness open(IncrementalConfig config) throws Exception {
        return new IncrementalHarness(config, null);
    }

    /** A new operator restored from a snapshot, as after a restart. */
    static IncrementalHarness restore(IncrementalConfig config, OperatorSubtaskState snapshot) throws Exception {
        return new IncrementalHarness(config, snapshot);
    }

    static WindowerConfig windower(int windowSize) {
        return WindowerConfig.builder()
                .windowSize(windowSize)
                .stride(1)
                .idleFlushMs(IDLE)
                .stateTtlMs(TTL)
                .inputKind(InputKind.FEATURES)
                .featureDim(DIM)
                .build();
    }

    static IncrementalConfig config(int windowSize, int batchSize) {
        return config(windowSize, batchSize, NO_TIMEOUT, true);
    }

    static IncrementalConfig config(int windowSize, int batchSize, long timeoutMs, boolean weights) {
        return new IncrementalConfig(
                windower(windowSize),
                new BatchingConfig(
                        batchSize,
                        timeoutMs,
                        (weights ? WeightsMode.LAST_ROW : WeightsMode.OFF),
                        OutputRows.LAST,
                        ModelConfig.defaults()),
                IncrementalNames.defaults());
    }

    static long ts(long position) {
        return T0 + 10 * position;
    }

    /** Standard normal features, fixed per key and position, so a window can be rebuilt from positions. */
    static float[] features(String key, long position) {
        Random random = new Random(31L * key.hashCode() + position);
        float[] x = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    static Event event(String key, long position) {
        return Event.ofFeatures(key, position, ts(position), features(key, position));
    }

    IncrementalHarness send(Event... events) throws Exception {
        for (Event event : events) {
            harness.processElement(event, event.timestamp);
        }
        return this;
    }

    IncrementalHarness send(List<Event> events) throws Exception {
        return send(events.toArray(new Event[0]));
    }

    void watermark(long time) throws Exception {
        harness.processWatermark(time);
    }

    void endInput() throws Exception {
        harness.endInput();
    }

    void setProcessingTime(long time) throws Exception {
        harness.setProcessingTime(time);
    }

    /** Checkpoint: the barrier first (runs what waits), then the snapshot. */
    OperatorSubtaskState checkpoint(long id) throws Exception {
        harness.prepareSnapshotPreBarrier(id);
        return harness.snapshot(id, id);
    }

    OperatorSubtaskState snapshotWithoutBarrier(long id) throws Exception {
        return harness.snapshot(id, id);
    }

    List<AttentionOutput> outputs() {
        return harness.extractOutputValues();
    }

    List<AttentionWeights> weights() {
        return values(harness.getSideOutput(SideOutputs.WEIGHTS));
    }

    List<RejectedRecord> deadLetters() {
        return values(harness.getSideOutput(SideOutputs.DEAD_LETTERS));
    }

    KeyValueCache cacheOf(String key) throws Exception {
        return operator.cacheOf(key);
    }

    long residentCopies() {
        return operator.residentCopies();
    }

    int stateEntries() {
        return harness.numKeyedStateEntries();
    }

    int timers() {
        return harness.numEventTimeTimers();
    }

    Metric metric(String name) {
        return metrics.metric(name);
    }

    private static <T> List<T> values(Queue<StreamRecord<T>> records) {
        return records == null
                ? List.of()
                : records.stream().map(StreamRecord::getValue).toList();
    }

    @Override
    public void close() throws Exception {
        try {
            harness.close();
        } finally {
            environment.close();
        }
    }
}
