package io.attentionstream.bench;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.incremental.IncrementalConfig;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import io.attentionstream.core.window.WindowerConfig;
import io.attentionstream.operators.SideOutputs;
import io.attentionstream.operators.batch.BatchedAttention;
import io.attentionstream.operators.incremental.IncrementalAttention;
import io.attentionstream.operators.window.SequenceWindower;
import io.attentionstream.tools.LocalRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The {@code operator} and {@code incremental} paths: the job's operators without Kafka, on a
 * MiniCluster in the forked JVM, with object reuse as in the job. Generated events (made as the
 * source asks for them, from a pool of vectors) → event time → keyBy → {@link SequenceWindower} →
 * {@link BatchedAttention} (or {@link IncrementalAttention}, {@code --mode incremental}, one output
 * per event) → discarding sinks. No checkpoints: nothing here needs them, and BatchedAttention
 * would cut a batch short at each barrier.
 *
 * <p>The job runs for the whole trial, its source never ends and backpressure paces it; one
 * benchmark operation is one output reaching the sink, so JMH's throughput is outputs/s at
 * saturation, without the job's start and end in it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OperatorBenchmark {
    /** Outputs waited for per invocation: enough that handing them over costs nothing, few enough to end an iteration on time. */
    static final int OUTPUTS_PER_INVOCATION = 128;
    /** How long the benchmark waits for outputs before it calls the job stuck. */
    private static final long STALL_TIMEOUT_S = 120;
    /** Outputs seen by each run's sink, by run id: the functions are shipped serialized, so they find it by id. */
    private static final Map<String, OutputGate> OUTPUTS = new ConcurrentHashMap<>();

    private static final Map<String, AtomicLong> DEAD_LETTERS = new ConcurrentHashMap<>();

    @Param("models/feature_attention.onnx")
    public String model;
    /** {@code full} (windower + batched attention) or {@code incremental}. */
    @Param("full")
    public String mode;

    @Param("64")
    public int n;

    @Param("64")
    public int dim;

    @Param("8")
    public int batchSize;

    @Param("1")
    public int threads;

    @Param("last-row")
    public String weights;

    @Param("last")
    public String outputRows;

    @Param("16")
    public int keys;

    @Param("1")
    public int parallelism;

    @Param("10")
    public long batchTimeoutMs;

    private final String runId = UUID.randomUUID().toString();
    private OutputGate outputs;
    private long awaited;
    private JobClient job;

    @Setup(Level.Trial)
    public void startJob() throws Exception {
        outputs = new OutputGate();
        OUTPUTS.put(runId, outputs);
        DEAD_LETTERS.put(runId, new AtomicLong());
        StreamExecutionEnvironment env = LocalRun.environment(parallelism);
        build(env);
        job = env.executeAsync("attention-stream bench " + mode + " n=" + n);
    }

    @Benchmark
    @OperationsPerInvocation(OUTPUTS_PER_INVOCATION)
    public void outputs(CpuCounters counters) throws InterruptedException {
        awaited += OUTPUTS_PER_INVOCATION;
        if (!outputs.awaitCount(awaited, STALL_TIMEOUT_S, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The " + mode + " job at n=" + n + " emitted no " + OUTPUTS_PER_INVOCATION
                    + " outputs in " + STALL_TIMEOUT_S + " s; see target/attention-stream.log for why.");
        }
        counters.windows += OUTPUTS_PER_INVOCATION;
    }

    @TearDown(Level.Trial)
    public void stopJob() throws Exception {
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
        } finally {
            OUTPUTS.remove(runId);
        }
        long rejected = DEAD_LETTERS.remove(runId).get();
        if (rejected != 0) {
            throw new IllegalStateException("The " + mode + " job at n=" + n + " sent " + rejected
                    + " dead letters for generated events, which are all valid: a bug to look at.");
        }
    }

    private void build(StreamExecutionEnvironment env) {
        boolean incremental = "incremental".equals(mode);
        env.getConfig().enableObjectReuse();
        // One source subtask, so that each key's events stay in position order.
        DataStream<Event> events = env.fromSequence(0, Long.MAX_VALUE)
                .setParallelism(1)
                .name("generated-events")
                .map(new EventAt(dim, keys), TypeInformation.of(Event.class))
                .setParallelism(1)
                .name("event-at")
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                        .withTimestampAssigner((event, previous) -> event.timestamp))
                .setParallelism(1)
                .name("event-time");

        WindowerConfig windower = WindowerConfig.builder()
                .windowSize(n)
                .stride(BenchSettings.STRIDE)
                .idleFlushMs(60_000)
                .stateTtlMs(3_600_000)
                .inputKind(InputKind.FEATURES)
                .featureDim(dim)
                .build();
        BatchingConfig batching = new BatchingConfig(
                batchSize,
                batchTimeoutMs,
                WeightsMode.fromCliName(weights),
                OutputRows.fromCliName(outputRows),
                ModelConfig.builder()
                        .expectedKind(InputKind.FEATURES)
                        .intraOpThreads(threads)
                        .build());
        byte[] modelBytes = readModel();

        SingleOutputStreamOperator<AttentionOutput> attention;
        DataStream<RejectedRecord> rejected;
        if (incremental) {
            attention = events.keyBy(event -> event.key, Types.STRING)
                    .transform(
                            "IncrementalAttention",
                            SideOutputs.OUTPUT_TYPE,
                            new IncrementalAttention(IncrementalConfig.of(windower, batching), modelBytes));
            rejected = attention.getSideOutput(SideOutputs.DEAD_LETTERS);
        } else {
            SingleOutputStreamOperator<Window> windows = events.keyBy(event -> event.key, Types.STRING)
                    .process(new SequenceWindower(windower), TypeInformation.of(Window.class))
                    .name("SequenceWindower");
            attention = windows.transform(
                    "BatchedAttention", SideOutputs.OUTPUT_TYPE, new BatchedAttention(batching, modelBytes));
            rejected = windows.getSideOutput(SideOutputs.DEAD_LETTERS)
                    .union(attention.getSideOutput(SideOutputs.DEAD_LETTERS));
        }
        attention
                .map(new OutputCounter(runId), SideOutputs.OUTPUT_TYPE)
                .name("output-counter")
                .sinkTo(new DiscardingSink<>())
                .name("discard-outputs");
        attention
                .getSideOutput(SideOutputs.WEIGHTS)
                .sinkTo(new DiscardingSink<>())
                .name("discard-weights");
        rejected.map(new RejectCounter(runId), SideOutputs.DEAD_LETTERS.getTypeInfo())
                .sinkTo(new DiscardingSink<>())
                .name("discard-dead-letters");
    }

    private byte[] readModel() {
        try {
            return AttentionModel.readModelFile(Path.of(model));
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "The benchmark cannot read the model " + model + ": " + e.getMessage(), e);
        }
    }

    /** Source side: event {@code i} of the generated stream, stamped with the time it leaves the source. */
    static final class EventAt implements MapFunction<Long, Event> {
        private static final long serialVersionUID = 1L;
        private final int dim;
        private final int keys;
        private transient SyntheticStream stream;

        EventAt(int dim, int keys) {
            this.dim = dim;
            this.keys = keys;
        }

        @Override
        public Event map(Long i) {
            if (stream == null) {
                stream = new SyntheticStream(dim, 11);
            }
            return stream.event(i, keys, System.currentTimeMillis());
        }
    }

    /** Sink side: hands each output to the waiting benchmark thread. */
    static final class OutputCounter implements MapFunction<AttentionOutput, AttentionOutput> {
        private static final long serialVersionUID = 1L;
        private final String runId;
        private transient OutputGate outputs;

        OutputCounter(String runId) {
            this.runId = runId;
        }

        @Override
        public AttentionOutput map(AttentionOutput output) {
            if (outputs == null) {
                outputs = OUTPUTS.get(runId);
            }
            outputs.arrived();
            return output;
        }
    }

    /** Counts dead letters: the generated events are all valid, so any is a bug. */
    static final class RejectCounter implements MapFunction<RejectedRecord, RejectedRecord> {
        private static final long serialVersionUID = 1L;
        private final String runId;

        RejectCounter(String runId) {
            this.runId = runId;
        }

        @Override
        public RejectedRecord map(RejectedRecord record) {
            DEAD_LETTERS.get(runId).incrementAndGet();
            return record;
        }
    }
}
