package io.attentionstream.job;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import io.attentionstream.job.decode.DecodedRecord;
import io.attentionstream.job.decode.EventTime;
import io.attentionstream.job.decode.SplitRejected;
import io.attentionstream.job.kafka.KafkaConnections;
import io.attentionstream.operators.SideOutputs;
import io.attentionstream.operators.batch.BatchedAttention;
import io.attentionstream.operators.incremental.IncrementalAttention;
import io.attentionstream.operators.window.SequenceWindower;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The attention-stream pipeline:
 *
 * <pre>
 * source+decode ─┬─ keyBy(key) ─ SequenceWindower ─ BatchedAttention ─┬─ outputs
 *                  │                       │                          ├─ weights
 *                  └──────── dead letters ─┴──────────────────────────┴─ dead letters
 * </pre>
 *
 * <p>With {@code --mode incremental}, {@code IncrementalAttention} replaces the windower and the
 * batched model: it keeps each key's projected keys and values and runs the model per new event.
 *
 * <p>The job takes its source and sinks, so tests plug in others; {@link #kafka(JobSetup)} plugs
 * in the production ones.
 */
public final class AttentionJob {
    /** Source subtasks with no data for this long stop holding the watermark back. */
    static final Duration SOURCE_IDLENESS = Duration.ofSeconds(30);
    /** Alignment a checkpoint may take before it switches to unaligned. */
    static final Duration ALIGNED_CHECKPOINT_TIMEOUT = Duration.ofSeconds(1);

    private final JobSetup setup;
    private final Source<DecodedRecord, ?, ?> source;
    private final Sink<AttentionOutput> outputs;
    private final Sink<AttentionWeights> weights;
    private final Sink<RejectedRecord> deadLetters;
    private MapFunction<Window, Window> windowTap;
    private MapFunction<AttentionOutput, AttentionOutput> outputTap;

    public AttentionJob(
            JobSetup setup,
            Source<DecodedRecord, ?, ?> source,
            Sink<AttentionOutput> outputs,
            Sink<AttentionWeights> weights,
            Sink<RejectedRecord> deadLetters) {
        this.setup = Objects.requireNonNull(setup, "setup");
        this.source = Objects.requireNonNull(source, "source");
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    }

    /** The job on Kafka: the input topic in, the output, weights and dead-letter topics out. */
    public static AttentionJob kafka(JobSetup setup) {
        return new AttentionJob(
                setup,
                KafkaConnections.source(setup),
                KafkaConnections.outputSink(setup),
                KafkaConnections.weightsSink(setup),
                KafkaConnections.deadLetterSink(setup));
    }

    /**
     * Splices a function between windowing and inference: for failure tests and instrumentation.
     * It must return its input.
     */
    public AttentionJob withWindowTap(MapFunction<Window, Window> tap) {
        this.windowTap = Objects.requireNonNull(tap, "tap");
        return this;
    }

    /** Splices a function into the output sink's path, like {@link #withWindowTap}. */
    public AttentionJob withOutputTap(MapFunction<AttentionOutput, AttentionOutput> tap) {
        this.outputTap = Objects.requireNonNull(tap, "tap");
        return this;
    }

    public String name() {
        return "attention-stream " + setup.model().name() + " " + setup.config().inputTopic();
    }

    /** Builds the pipeline and runs it: blocks until a bounded job ends or the job fails. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(name());
    }

    /** Builds the pipeline and submits it without waiting: for unbounded runs that are stopped from outside. */
    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.executeAsync(name());
    }

    /** Adds the pipeline to the environment and configures checkpointing. */
    public void build(StreamExecutionEnvironment env) {
        var o = setup.config();
        env.enableCheckpointing(o.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
        // Under backpressure an aligned barrier waits behind every buffered event, each of which
        // costs a model run: after a second of alignment the checkpoint goes unaligned instead,
        // so checkpoints keep completing within their timeout.
        env.getCheckpointConfig().enableUnalignedCheckpoints();
        env.getCheckpointConfig().setAlignedCheckpointTimeout(ALIGNED_CHECKPOINT_TIMEOUT);
        if (o.parallelism() != null) {
            env.setParallelism(o.parallelism());
        }
        // Operators never keep a reference to a record after passing it on.
        env.getConfig().enableObjectReuse();

        // The source decodes and assigns event time, so each Kafka partition has its own watermark.
        SingleOutputStreamOperator<Event> events = env.fromSource(
                        source,
                        EventTime.watermarks(Duration.ofMillis(o.maxOutOfOrdernessMs()), SOURCE_IDLENESS),
                        "kafka-source")
                .uid("kafka-source")
                .process(new SplitRejected(), TypeInformation.of(Event.class))
                .uid("decode")
                .name("decode");

        KeyedStream<Event, String> byKey = events.keyBy(event -> event.key, TypeInformation.of(String.class));
        SingleOutputStreamOperator<AttentionOutput> attention;
        DataStream<RejectedRecord> rejected;
        if (setup.incremental()) {
            // One operator windows and infers: it owns the per-key key/value cache.
            attention = byKey.transform(
                            "IncrementalAttention",
                            SideOutputs.OUTPUT_TYPE,
                            new IncrementalAttention(setup.incrementalConfig(), setup.modelBytes()))
                    .uid("incremental-attention");
            rejected = events.getSideOutput(SideOutputs.DEAD_LETTERS)
                    .union(attention.getSideOutput(SideOutputs.DEAD_LETTERS));
        } else {
            SingleOutputStreamOperator<Window> windows = byKey.process(
                            new SequenceWindower(setup.windower()), TypeInformation.of(Window.class))
                    .uid("sequence-windower")
                    .name("SequenceWindower");
            DataStream<Window> toInfer = windowTap == null
                    ? windows
                    : windows.map(windowTap, TypeInformation.of(Window.class))
                            .uid("window-tap")
                            .name("window-tap");
            attention = toInfer.transform(
                            "BatchedAttention",
                            SideOutputs.OUTPUT_TYPE,
                            new BatchedAttention(setup.batching(), setup.modelBytes()))
                    .uid("batched-attention");
            rejected = events.getSideOutput(SideOutputs.DEAD_LETTERS)
                    .union(
                            windows.getSideOutput(SideOutputs.DEAD_LETTERS),
                            attention.getSideOutput(SideOutputs.DEAD_LETTERS));
        }

        DataStream<AttentionOutput> toOutput = outputTap == null
                ? attention
                : attention
                        .map(outputTap, SideOutputs.OUTPUT_TYPE)
                        .uid("output-tap")
                        .name("output-tap");
        toOutput.sinkTo(outputs).uid("output-sink").name("output-sink");
        attention
                .getSideOutput(SideOutputs.WEIGHTS)
                .sinkTo(weights)
                .uid("weights-sink")
                .name("weights-sink");
        rejected.sinkTo(deadLetters).uid("dlq-sink").name("dlq-sink");
    }
}
