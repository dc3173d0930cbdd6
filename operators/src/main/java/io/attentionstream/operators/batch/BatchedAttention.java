package io.attentionstream.operators.batch;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectReason;
import io.attentionstream.core.batch.AttentionRecords;
import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.core.model.AttentionEntropy;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.BatchInference;
import io.attentionstream.core.model.ModelSignature;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.model.WindowInference;
import io.attentionstream.core.window.Window;
import io.attentionstream.operators.SideOutputs;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs the model on windows of many keys as one batch ({@link MicroBatchingOperator}: by count or
 * timeout, flushed before every barrier, so it needs no state).
 *
 * <p>Emits {@link AttentionOutput} on the main output, {@link AttentionWeights} on {@link SideOutputs#WEIGHTS}
 * and windows the model fails on (or answers with non-finite values) as {@code INFERENCE_FAILED}
 * on {@link DeadLetters#TAG}; the job goes on.
 */
public class BatchedAttention extends MicroBatchingOperator<Window, AttentionModel, BatchInference> {
    private static final long serialVersionUID = 1L;

    private final BatchingConfig config;

    private transient AttentionRecords records;

    public BatchedAttention(BatchingConfig config, byte[] modelBytes) {
        super(Objects.requireNonNull(config, "config").batchSize(), config.batchTimeoutMs(), modelBytes);
        this.config = config;
    }

    @Override
    protected AttentionModel load(byte[] modelBytes) {
        AttentionModel loaded = AttentionModel.load(modelBytes, config.model());
        ModelSignature signature = loaded.signature();
        records = new AttentionRecords(
                signature.name(), loaded.sha256(), signature.outputDim(), signature.heads(), signature.emittedLayers());
        return loaded;
    }

    @Override
    protected Set<RejectReason> reasons() {
        return EnumSet.of(RejectReason.INFERENCE_FAILED);
    }

    @Override
    protected BatchInference infer(List<Window> windows) {
        return model.run(windows, config.outputRows(), config.weights());
    }

    @Override
    protected double paddingRatio(BatchInference inference) {
        return inference.paddingRatio();
    }

    /** Over every emitted attention row of the batch. */
    @Override
    protected double attentionEntropy(List<Window> windows, BatchInference inference) {
        AttentionEntropy entropy = new AttentionEntropy();
        for (int i = 0; i < windows.size(); i++) {
            entropy.add(inference.results().get(i).weights(), windows.get(i).length);
        }
        return entropy.mean();
    }

    @Override
    protected void emit(List<Window> windows, BatchInference inference) {
        for (int i = 0; i < windows.size(); i++) {
            emit(windows.get(i), inference.results().get(i));
        }
    }

    private void emit(Window w, WindowInference r) {
        if (!r.isFinite()) {
            failed(
                    w,
                    "The model produced a non-finite output or weight for window " + w.startPosition + ".."
                            + w.endPosition + ".");
            return;
        }
        collect(
                records.output(w, r),
                config.weights() != WeightsMode.OFF ? records.weights(w, r) : null,
                w.endTimestamp);
    }

    @Override
    protected void failed(Window w, String message) {
        deadLetter(
                DeadLetters.forWindow(
                        w.key,
                        RejectReason.INFERENCE_FAILED,
                        "Window " + w.startPosition + ".." + w.endPosition + " of key " + w.key + ": " + message,
                        System.currentTimeMillis()),
                w.endTimestamp);
    }
}
