package io.attentionstream.job;

import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.incremental.IncrementalAttentionModel;
import io.attentionstream.core.incremental.IncrementalConfig;
import io.attentionstream.core.incremental.IncrementalSignature;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.ModelLoadException;
import io.attentionstream.core.model.ModelSignature;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.WindowerConfig;
import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.config.Mode;
import io.attentionstream.job.kafka.KafkaClientConfig;

/**
 * The job's settings, checked and resolved against the model before anything runs: the model
 * loads and fits the mode and input kind, the window and batch settings are in range. Every
 * failure is a {@link SetupException} naming the setting to change.
 */
public final class JobSetup {
    /**
     * What every mode's model tells the rest of the job.
     *
     * @param layers attention layers each weights record carries (1 in incremental mode)
     */
    public record ModelFacts(String name, InputKind kind, int heads, int layers, int outputDim, String description) {}

    private final JobConfig config;
    private final KafkaClientConfig kafka;
    private final byte[] modelBytes;
    private final ModelFacts model;
    private final String modelSha256;
    private final WindowerConfig windower;
    private final BatchingConfig batching;
    private final IncrementalConfig incremental;

    private JobSetup(
            JobConfig options,
            KafkaClientConfig kafka,
            byte[] modelBytes,
            ModelFacts model,
            String modelSha256,
            WindowerConfig windower,
            BatchingConfig batching,
            IncrementalConfig incremental) {
        this.config = options;
        this.kafka = kafka;
        this.modelBytes = modelBytes;
        this.model = model;
        this.modelSha256 = modelSha256;
        this.windower = windower;
        this.batching = batching;
        this.incremental = incremental;
    }

    /** Loads the model the configuration names and checks the settings against it. */
    public static JobSetup resolve(JobConfig options) {
        try {
            KafkaClientConfig kafka = options.kafka();
            ModelConfig loading = modelConfig(options)
                    .expectedSha256(options.modelSha256())
                    .expectedKind(options.inputKind())
                    .expectedFeatureDim(options.featureDim())
                    .build();
            byte[] bytes = AttentionModel.readModelFile(options.model());
            return options.mode() == Mode.INCREMENTAL
                    ? incremental(options, kafka, bytes, loading)
                    : full(options, kafka, bytes, loading);
        } catch (ModelLoadException | IllegalArgumentException e) {
            throw new SetupException(e.getMessage(), e);
        }
    }

    private static JobSetup full(JobConfig options, KafkaClientConfig kafka, byte[] bytes, ModelConfig loading) {
        ModelSignature signature;
        String sha256;
        int longest;
        try (AttentionModel model = AttentionModel.load(bytes, loading)) {
            signature = model.signature();
            sha256 = model.sha256();
            longest = model.longestWindow();
        }
        if (longest > 0 && options.windowSize() > longest) {
            throw new SetupException("--window-size " + options.windowSize() + " is longer than the model's position"
                    + " table, which holds " + signature.maxPositions() + " positions"
                    + (options.specialTokens() == null ? "" : " (2 of them taken by --special-tokens)")
                    + ": use --window-size " + longest + " or less.");
        }
        WindowerConfig windower = windower(options, signature.kind(), signature.featureDim(), signature.vocabSize());
        BatchingConfig batching = batching(options, sha256, signature.kind());
        ModelFacts facts = new ModelFacts(
                signature.name(),
                signature.kind(),
                signature.heads(),
                signature.emittedLayerCount(),
                signature.outputDim(),
                signature.toString());
        return new JobSetup(options, kafka, bytes, facts, sha256, windower, batching, null);
    }

    private static JobSetup incremental(JobConfig options, KafkaClientConfig kafka, byte[] bytes, ModelConfig loading) {
        IncrementalSignature signature;
        String sha256;
        try (IncrementalAttentionModel model = IncrementalAttentionModel.load(bytes, loading)) {
            signature = model.signature();
            sha256 = model.sha256();
        }
        options.weightsLayers().resolve(1); // the incremental contract has one layer
        if (options.specialTokens() != null) {
            throw new SetupException("--special-tokens does not fit --mode incremental, whose models take features.");
        }
        WindowerConfig windower = windower(options, signature.kind(), signature.featureDim(), 0);
        BatchingConfig batching = batching(options, sha256, signature.kind());
        IncrementalConfig incremental = IncrementalConfig.of(windower, batching);
        ModelFacts facts = new ModelFacts(
                signature.name(), signature.kind(), signature.heads(), 1, signature.outputDim(), signature.toString());
        return new JobSetup(options, kafka, bytes, facts, sha256, windower, batching, incremental);
    }

    private static WindowerConfig windower(JobConfig options, InputKind kind, int featureDim, int vocabSize) {
        return WindowerConfig.builder()
                .windowSize(options.windowSize())
                .stride(options.stride())
                .idleFlushMs(options.idleFlushMs())
                .stateTtlMs(options.stateTtlMs())
                .inputKind(kind)
                .featureDim(featureDim)
                .vocabSize(vocabSize)
                .build();
    }

    private static BatchingConfig batching(JobConfig options, String sha256, InputKind kind) {
        return new BatchingConfig(
                options.batchSize(),
                options.batchTimeoutMs(),
                options.weights(),
                options.effectiveOutputRows(),
                modelConfig(options).expectedSha256(sha256).expectedKind(kind).build());
    }

    /**
     * The model settings every load shares: `--tensor-name ROLE=NAME` (an unknown role is refused
     * naming the flag), the attention wanted and its layers, the threads.
     */
    private static ModelConfig.Builder modelConfig(JobConfig options) {
        ModelConfig.Builder builder = ModelConfig.builder()
                .fileName(options.model().getFileName().toString())
                .attentionWanted(options.weights() != WeightsMode.OFF)
                .weightsLayers(options.weightsLayers())
                .specialTokens(options.specialTokens())
                .intraOpThreads(options.intraOpThreads());
        options.tensorNames().forEach((role, name) -> {
            switch (role) {
                case "x" -> builder.featuresInput(name);
                case "tokens" -> builder.tokensInput(name);
                case "pad_mask" -> builder.padMaskInput(name);
                case "attention_mask" -> builder.attentionMaskInput(name);
                case "token_type_ids" -> builder.tokenTypeInput(name);
                case "out" -> builder.output(name);
                case "weights" -> builder.weightsOutput(name);
                default ->
                    throw new SetupException("--tensor-name " + role + "=" + name + " names an unknown role: use x,"
                            + " tokens, pad_mask, attention_mask, token_type_ids, out or weights.");
            }
        });
        return builder;
    }

    /** The settings as given (checked by {@link JobConfig.Builder#build()}). */
    public JobConfig config() {
        return config;
    }

    public KafkaClientConfig kafka() {
        return kafka;
    }

    public byte[] modelBytes() {
        return modelBytes.clone();
    }

    /** The model's name, kind, heads and output width, whatever the mode. */
    public ModelFacts model() {
        return model;
    }

    public String modelSha256() {
        return modelSha256;
    }

    public InputKind inputKind() {
        return model.kind();
    }

    public boolean incremental() {
        return incremental != null;
    }

    /** The output rows in effect. */
    public OutputRows outputRows() {
        return batching.outputRows();
    }

    public WindowerConfig windower() {
        return windower;
    }

    public BatchingConfig batching() {
        return batching;
    }

    /** The incremental operator's settings; only with --mode incremental. */
    public IncrementalConfig incrementalConfig() {
        if (incremental == null) {
            throw new IllegalStateException("Not in --mode incremental.");
        }
        return incremental;
    }
}
