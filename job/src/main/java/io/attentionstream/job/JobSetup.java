package io.attentionstream.job;

import io.attentionstream.job.cli.JobOptions;
import io.attentionstream.job.kafka.KafkaClientConfig;
import io.attentionstream.operators.batch.BatchingConfig;
import io.attentionstream.operators.model.AttentionModel;
import io.attentionstream.operators.model.InputKind;
import io.attentionstream.operators.model.ModelConfig;
import io.attentionstream.operators.model.ModelLoadException;
import io.attentionstream.operators.model.ModelSignature;
import io.attentionstream.operators.window.WindowerConfig;

/**
 * The job's settings, checked and resolved against the model before anything runs: the model
 * loads and fits, the window and batch settings are in range. Every failure is a
 * {@link SetupException} naming the setting to change.
 */
public final class JobSetup {
    public static final long MIN_CHECKPOINT_INTERVAL_MS = 100;

    private final JobOptions options;
    private final KafkaClientConfig kafka;
    private final byte[] modelBytes;
    private final ModelSignature signature;
    private final String modelSha256;
    private final WindowerConfig windower;
    private final BatchingConfig batching;

    private JobSetup(JobOptions options, KafkaClientConfig kafka, byte[] modelBytes, ModelSignature signature,
                     String modelSha256, WindowerConfig windower, BatchingConfig batching) {
        this.options = options;
        this.kafka = kafka;
        this.modelBytes = modelBytes;
        this.signature = signature;
        this.modelSha256 = modelSha256;
        this.windower = windower;
        this.batching = batching;
    }

    public static JobSetup resolve(JobOptions options) {
        try {
            KafkaClientConfig kafka = options.kafka.clientConfig();
            checkRuntimeSettings(options);
            ModelConfig modelConfig = ModelConfig.builder()
                    .expectedSha256(options.modelSha256)
                    .expectedKind(options.inputKind)
                    .expectedFeatureDim(options.featureDim)
                    .intraOpThreads(options.intraOpThreads)
                    .build();
            byte[] bytes = AttentionModel.readModelFile(options.model);
            ModelSignature signature;
            String sha256;
            try (AttentionModel model = AttentionModel.load(bytes, modelConfig)) {
                signature = model.signature();
                sha256 = model.sha256();
            }
            WindowerConfig windower = WindowerConfig.builder()
                    .windowSize(options.windowSize)
                    .stride(options.stride)
                    .idleFlushMs(options.idleFlushMs)
                    .stateTtlMs(options.stateTtlMs)
                    .inputKind(signature.kind())
                    .featureDim(signature.featureDim())
                    .vocabSize(signature.vocabSize())
                    .build();
            BatchingConfig batching = new BatchingConfig(
                    options.batchSize, options.batchTimeoutMs, options.weights, options.outputRows,
                    ModelConfig.builder()
                            .expectedSha256(sha256)
                            .expectedKind(signature.kind())
                            .intraOpThreads(options.intraOpThreads)
                            .build());
            return new JobSetup(options, kafka, bytes, signature, sha256, windower, batching);
        } catch (ModelLoadException | IllegalArgumentException e) {
            throw new SetupException(e.getMessage(), e);
        }
    }

    private static void checkRuntimeSettings(JobOptions o) {
        if (o.maxOutOfOrdernessMs < 0) {
            throw new SetupException("--max-out-of-orderness-ms must be 0 or more, got " + o.maxOutOfOrdernessMs + ".");
        }
        if (o.checkpointIntervalMs < MIN_CHECKPOINT_INTERVAL_MS) {
            throw new SetupException("--checkpoint-interval-ms must be at least " + MIN_CHECKPOINT_INTERVAL_MS
                    + ", got " + o.checkpointIntervalMs + ".");
        }
        if (o.transactionTimeoutMs <= o.checkpointIntervalMs) {
            throw new SetupException("--transaction-timeout-ms (" + o.transactionTimeoutMs
                    + ") must be above --checkpoint-interval-ms (" + o.checkpointIntervalMs
                    + "), or transactions expire before their checkpoint commits them.");
        }
        if (o.parallelism != null && (o.parallelism < 1 || o.parallelism > 32768)) {
            throw new SetupException("--parallelism must be between 1 and 32768, got " + o.parallelism + ".");
        }
        if (o.maxRecordBytes < 1) {
            throw new SetupException("--max-record-bytes must be positive, got " + o.maxRecordBytes + ".");
        }
        requireText(o.inputTopic, "--input-topic");
        requireText(o.outputTopic, "--output-topic");
        requireText(o.weightsTopic, "--weights-topic");
        requireText(o.dlqTopic, "--dlq-topic");
        requireText(o.groupId, "--group-id");
        requireText(o.transactionalIdPrefix, "--transactional-id-prefix");
    }

    private static void requireText(String value, String flag) {
        if (value == null || value.isBlank()) {
            throw new SetupException(flag + " must not be empty.");
        }
    }

    public JobOptions options() {
        return options;
    }

    public KafkaClientConfig kafka() {
        return kafka;
    }

    public byte[] modelBytes() {
        return modelBytes.clone();
    }

    public ModelSignature signature() {
        return signature;
    }

    public String modelSha256() {
        return modelSha256;
    }

    public InputKind inputKind() {
        return signature.kind();
    }

    public WindowerConfig windower() {
        return windower;
    }

    public BatchingConfig batching() {
        return batching;
    }
}
