package io.attentionstream.operators.batch;

import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.batch.AttentionRecords;

import io.attentionstream.operators.SideOutputs;
import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.BatchInference;
import io.attentionstream.core.model.InferenceException;
import io.attentionstream.core.model.ModelSignature;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.model.WindowInference;
import io.attentionstream.core.window.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects windows across keys within a subtask and runs the model on them as one batch when
 * {@code batchSize} windows wait or {@code batchTimeoutMs} has passed since the first one.
 *
 * <p>Nothing is held across a checkpoint: the batch is flushed before every checkpoint barrier
 * ({@link #prepareSnapshotPreBarrier}) and at the end of input, so the operator needs no state
 * and a restored job neither loses nor repeats a window.
 *
 * <p>Emits {@link AttentionOutput} on the main output, {@link AttentionWeights} on {@link SideOutputs#WEIGHTS}
 * and windows the model fails on (or answers with non-finite values) as {@code INFERENCE_FAILED}
 * on {@link DeadLetters#TAG}; the job goes on.
 */
public class BatchedAttention extends AbstractStreamOperator<AttentionOutput>
        implements OneInputStreamOperator<Window, AttentionOutput>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchedAttention.class);



    private final BatchingConfig config;
    /** The model travels with the operator, so task managers need no access to the file. */
    private final byte[] modelBytes;

    private transient AttentionModel model;
    private transient AttentionRecords records;
    private transient AttentionMetrics metrics;
    private transient List<Window> pending;
    private transient BatchTimeout timeout;

    public BatchedAttention(BatchingConfig config, byte[] modelBytes) {
        this.config = Objects.requireNonNull(config, "config");
        this.modelBytes = Objects.requireNonNull(modelBytes, "modelBytes");
    }

    @Override
    public void open() throws Exception {
        super.open();
        model = AttentionModel.load(modelBytes, config.model());
        ModelSignature signature = model.signature();
        records = new AttentionRecords(signature.name(), model.sha256(), signature.outputDim(), signature.heads());
        metrics = new AttentionMetrics(getMetricGroup());
        pending = new ArrayList<>(config.batchSize());
        timeout = new BatchTimeout(getProcessingTimeService(), config.batchTimeoutMs(), () -> !pending.isEmpty(), this::flush);
    }

    @Override
    public void processElement(StreamRecord<Window> element) {
        pending.add(element.getValue());
        if (pending.size() >= config.batchSize()) {
            flush();
        } else if (pending.size() == 1) {
            timeout.batchStarted();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void endInput() {
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

    private void flush() {
        if (pending == null || pending.isEmpty()) {
            return;
        }
        List<Window> batch = pending;
        pending = new ArrayList<>(config.batchSize());
        runAndEmit(batch);
    }

    private void runAndEmit(List<Window> batch) {
        BatchInference inference;
        long start = System.nanoTime();
        try {
            inference = model.run(batch, config.outputRows(), config.weights());
        } catch (InferenceException | IllegalArgumentException e) {
            if (batch.size() == 1) {
                reject(batch.get(0), e.getMessage());
            } else {
                // One bad window must not take the others down: find it by running each alone.
                LOG.warn("Inference failed on a batch of {} windows, retrying them one at a time: {}", batch.size(), e.getMessage());
                for (Window w : batch) {
                    runAndEmit(List.of(w));
                }
            }
            return;
        }
        metrics.batchRan(batch, (System.nanoTime() - start) / 1_000, inference);
        for (int i = 0; i < batch.size(); i++) {
            emit(batch.get(i), inference.results().get(i));
        }
    }

    private void emit(Window w, WindowInference r) {
        if (!r.isFinite()) {
            reject(w, "The model produced a non-finite output or weight for window " + w.startPosition + ".." + w.endPosition + ".");
            return;
        }
        output.collect(new StreamRecord<>(records.output(w, r), w.endTimestamp));
        if (config.weights() != WeightsMode.OFF) {
            output.collect(SideOutputs.WEIGHTS, new StreamRecord<>(records.weights(w, r), w.endTimestamp));
        }
        metrics.emitted();
    }

    private void reject(Window w, String message) {
        metrics.failed();
        RejectedRecord dead = DeadLetters.forWindow(
                w.key, RejectReason.INFERENCE_FAILED,
                "Window " + w.startPosition + ".." + w.endPosition + " of key " + w.key + ": " + message,
                System.currentTimeMillis());
        output.collect(SideOutputs.DEAD_LETTERS, new StreamRecord<>(dead, w.endTimestamp));
    }
}
