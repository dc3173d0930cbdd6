package io.attentionstream.operators.batch;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.batch.MicroBatch;
import io.attentionstream.core.model.OnnxModel;
import io.attentionstream.operators.RecordCounters;
import io.attentionstream.operators.SideOutputs;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * An operator that runs an ONNX model on micro-batches of its input, across keys: a batch runs when
 * {@code batchSize} items wait or {@code batchTimeoutMs} has passed since its first one
 * ({@link BatchTimeout}), before every checkpoint barrier, at the end of input and at finish. So
 * nothing waits across a checkpoint, and a restored job neither loses nor repeats an item.
 *
 * <p>When the model fails on a run, each of its items is run alone, and the one it still fails on
 * becomes an {@code INFERENCE_FAILED} dead letter ({@link MicroBatch}); the job goes on. The model
 * travels with the operator as bytes, so task managers need no access to the file, and is closed
 * with it. Subclasses say how to load and run the model and what to emit.
 *
 * @param <IN> what waits for the model
 * @param <M> the model
 * @param <R> what one model run returns
 */
public abstract class MicroBatchingOperator<IN, M extends OnnxModel<?>, R>
        extends AbstractStreamOperator<AttentionOutput>
        implements OneInputStreamOperator<IN, AttentionOutput>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final int batchSize;
    private final long batchTimeoutMs;
    private final byte[] modelBytes;

    protected transient M model;
    protected transient RecordCounters counters;
    private transient InferenceMetrics metrics;
    private transient MicroBatch<IN, R> batch;
    private transient BatchTimeout timeout;

    protected MicroBatchingOperator(int batchSize, long batchTimeoutMs, byte[] modelBytes) {
        this.batchSize = batchSize;
        this.batchTimeoutMs = batchTimeoutMs;
        this.modelBytes = Objects.requireNonNull(modelBytes, "modelBytes");
    }

    /** Loads and checks the model; called once per subtask, in {@link #open}. */
    protected abstract M load(byte[] modelBytes) throws Exception;

    /** Every reason this operator rejects an item for. */
    protected abstract Set<RejectReason> reasons();

    /** Runs the model once on the items; see {@link MicroBatch.Runner#infer}. */
    protected abstract R infer(List<IN> items) throws Exception;

    protected abstract double paddingRatio(R result);

    /** The mean entropy of the run's attention rows (NaN when it has none), for a sampled run. */
    protected abstract double attentionEntropy(List<IN> items, R result);

    /** Emits what a successful run gave for its items. */
    protected abstract void emit(List<IN> items, R result) throws Exception;

    /** Sets aside an item the model fails on alone, as a dead letter ({@link #deadLetter}). */
    protected abstract void failed(IN item, String message) throws Exception;

    @Override
    public void open() throws Exception {
        super.open();
        model = load(modelBytes);
        counters = new RecordCounters(getMetricGroup(), reasons());
        metrics = new InferenceMetrics(getMetricGroup());
        batch = new MicroBatch<>(batchSize, new Runs());
        timeout = new BatchTimeout(getProcessingTimeService(), batchTimeoutMs, () -> !batch.isEmpty(), this::flush);
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        enqueue(element.getValue());
    }

    /** Adds an item to the batch, and runs the batch when it is full. */
    protected final void enqueue(IN item) throws Exception {
        boolean first = batch.add(item);
        if (batch.isFull()) {
            flush();
        } else if (first) {
            timeout.batchStarted();
        }
    }

    /** Runs every waiting item. */
    protected final void flush() throws Exception {
        if (batch == null || batch.isEmpty()) {
            return;
        }
        runBatch(batch.drain());
    }

    /** Runs a drained batch; one run unless a subclass cuts it into several ({@link #run}). */
    protected void runBatch(List<IN> items) throws Exception {
        run(items);
    }

    /** One model run over the items, failures isolated. */
    protected final void run(List<IN> items) throws Exception {
        batch.run(items);
    }

    /** Emits one item's records, the weights unless null, stamped with the item's time. */
    protected final void collect(AttentionOutput out, AttentionWeights weights, long timestamp) {
        output.collect(new StreamRecord<>(out, timestamp));
        if (weights != null) {
            output.collect(SideOutputs.WEIGHTS, new StreamRecord<>(weights, timestamp));
        }
        counters.emitted();
    }

    /** Counts a dead letter by its reason and sends it to {@link SideOutputs#DEAD_LETTERS}. */
    protected final void deadLetter(RejectedRecord dead, long timestamp) {
        counters.rejected(dead.getReason());
        output.collect(SideOutputs.DEAD_LETTERS, new StreamRecord<>(dead, timestamp));
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // Waiting items are in no state: a snapshot taken with some would lose them on restore.
        if (batch != null && !batch.isEmpty()) {
            throw new IllegalStateException(batch.waiting() + " items wait for the model at a snapshot;"
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

    /** The batch's view of this operator. */
    private final class Runs implements MicroBatch.Runner<IN, R> {
        @Override
        public R infer(List<IN> items) throws Exception {
            return MicroBatchingOperator.this.infer(items);
        }

        @Override
        public void ran(List<IN> items, R result, long micros) throws Exception {
            if (metrics.ran(items.size(), micros, paddingRatio(result))) {
                metrics.entropy(attentionEntropy(items, result));
            }
            emit(items, result);
        }

        @Override
        public void failed(IN item, String message) throws Exception {
            MicroBatchingOperator.this.failed(item, message);
        }
    }
}
