package io.attentionstream.bench;

import io.attentionstream.operators.SideOutputs;
import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.tools.LocalRun;
import io.attentionstream.operators.batch.BatchedAttention;
import io.attentionstream.core.batch.BatchingConfig;
import io.attentionstream.core.deadletter.DeadLetters;
import io.attentionstream.operators.incremental.IncrementalAttention;
import io.attentionstream.core.incremental.IncrementalConfig;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.window.Event;
import io.attentionstream.operators.window.SequenceWindower;
import io.attentionstream.core.window.Window;
import io.attentionstream.core.window.WindowerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The {@code operator} path: the job's operators without Kafka. Pre-generated events (stamped
 * with the wall clock as they leave the source) → event time → keyBy → {@link SequenceWindower} →
 * {@link BatchedAttention} → discarding sinks, on a MiniCluster in this JVM, with object reuse as
 * in the job. No checkpoints: nothing here needs them, and BatchedAttention would cut a batch
 * short at each barrier.
 */
final class OperatorBench {
    /** Events of one run at most: a bound on how long a run can take when the rate guess is far too high. */
    private static final long MAX_EVENTS = 40_000_000;

    private OperatorBench() {}

    /**
     * Runs the job on enough events to keep it busy for the warm-up and the measured interval at
     * {@code expectedWindowsPerSecond} (the bare path's rate: the operator cannot beat it).
     */
    static PathResult run(Path modelFile, int heads, int n, BenchSettings s, Machine machine,
                          double expectedWindowsPerSecond) throws Exception {
        return run(BenchPath.OPERATOR, modelFile, heads, n, s, machine, expectedWindowsPerSecond, Map.of());
    }

    /**
     * The {@code incremental} path: the same events through {@link IncrementalAttention} (the job's
     * {@code --mode incremental}), which emits one output per event: the newest position's row.
     */
    static PathResult runIncremental(Path modelFile, int heads, int n, BenchSettings s, Machine machine,
                                     double fullWindowsPerSecond) throws Exception {
        // The model alone on resident caches bounds this path's rate from above, so a stream sized
        // from it lasts at least the warm-up and the measured interval; the probe measures the rate.
        double bound = IncrementalModelRate.eventsPerSecond(modelFile, n, s.keys(), s.incrementalBatchSize(), s.threads());
        // Reported too: the ceiling that the operator's own work per event is measured against.
        return run(BenchPath.INCREMENTAL, modelFile, heads, n, s, machine, Math.max(fullWindowsPerSecond, bound),
                Map.of("model_alone_events_per_s", Math.round(bound)));
    }

    private static PathResult run(BenchPath path, Path modelFile, int heads, int n, BenchSettings s, Machine machine,
                                  double expectedWindowsPerSecond, Map<String, Object> extraSettings) throws Exception {
        boolean incremental = path == BenchPath.INCREMENTAL;
        // A fifth more, so that noise in the estimate does not cut the measured interval short.
        long windowsWanted = (long) Math.ceil(expectedWindowsPerSecond * (s.warmupS() + s.durationS()) * 1.2);
        long eventCount = Math.min(MAX_EVENTS, windowsWanted + (long) s.keys() * (n - 1));
        long expected = incremental ? eventCount : SyntheticStream.windowsOf(eventCount, s.keys(), n);
        String runId = path.cliName() + "-" + n + "-" + UUID.randomUUID();
        OperatorProbe probe = OperatorProbe.register(runId, new SyntheticStream(s.dim(), 11), s.keys(), expected, Duration.ofSeconds(s.warmupS()).toNanos());
        try {
            StreamExecutionEnvironment env = LocalRun.environment(s.parallelism());
            build(env, runId, eventCount, modelFile, n, s, incremental);
            env.execute("attention-stream bench " + path.cliName() + " n=" + n);
        } finally {
            OperatorProbe.unregister(runId);
        }
        if (probe.count() != expected || probe.rejected() != 0) {
            throw new IllegalStateException("The " + path.cliName() + " path emitted " + probe.count() + " windows and "
                    + probe.rejected() + " dead letters for " + eventCount + " events; expected " + expected
                    + " windows and none.");
        }
        double seconds = probe.measuredSeconds();
        long windows = probe.measuredWindows();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", modelFile.getFileName().toString());
        settings.put("batch_size", incremental ? s.incrementalBatchSize() : s.batchSize());
        settings.put("batch_timeout_ms", s.batchTimeoutMs());
        settings.put("intra_op_threads", s.threads());
        settings.put("parallelism", s.parallelism());
        settings.put("weights", s.weights().cliName());
        settings.put("output_rows", s.outputRows().cliName());
        settings.put("keys", s.keys());
        settings.put("events", eventCount);
        settings.put("checkpointing", "off");
        settings.put("mode", incremental ? "incremental" : "full");
        settings.putAll(extraSettings);
        return new PathResult(path.cliName(), n, s.dim(), heads, windows, seconds,
                probe.latencies().percentileMillis(0.50), probe.latencies().percentileMillis(0.99),
                "event leaves the source → its window's output reaches the sink, at saturation (ms clock)",
                probe.measuredCpuSeconds(),
                incremental
                        ? windows / seconds * AttentionFlops.perIncrementalEvent(n, s.dim()) / machine.peakFlops()
                        : AttentionFlops.fractionOfPeak(windows / seconds, n, s.dim(), machine.peakFlops()), 0, settings,
                probe.cpuBreakdown());
    }

    private static void build(StreamExecutionEnvironment env, String runId, long eventCount, Path modelFile,
                              int n, BenchSettings s, boolean incremental) {
        env.getConfig().enableObjectReuse();
        // One source subtask, so that each key's events stay in position order.
        DataStream<Event> events = env.fromSequence(0, eventCount - 1).setParallelism(1).name("pre-generated-events")
                .map(new OperatorProbe.EventAt(runId), TypeInformation.of(Event.class)).setParallelism(1).name("event-at")
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
                .featureDim(s.dim())
                .build();
        BatchingConfig batching = new BatchingConfig(incremental ? s.incrementalBatchSize() : s.batchSize(), s.batchTimeoutMs(), s.weights(), s.outputRows(),
                ModelConfig.builder().expectedKind(InputKind.FEATURES).intraOpThreads(s.threads()).build());

        SingleOutputStreamOperator<AttentionOutput> attention;
        DataStream<RejectedRecord> rejected;
        if (incremental) {
            attention = events
                    .keyBy(event -> event.key, Types.STRING)
                    .transform("IncrementalAttention", SideOutputs.OUTPUT_TYPE,
                            new IncrementalAttention(IncrementalConfig.of(windower, batching), AttentionModel.readModelFile(modelFile)));
            rejected = attention.getSideOutput(SideOutputs.DEAD_LETTERS);
        } else {
            SingleOutputStreamOperator<Window> windows = events
                    .keyBy(event -> event.key, Types.STRING)
                    .process(new SequenceWindower(windower), TypeInformation.of(Window.class))
                    .name("SequenceWindower");
            attention = windows
                    .transform("BatchedAttention", SideOutputs.OUTPUT_TYPE,
                            new BatchedAttention(batching, AttentionModel.readModelFile(modelFile)));
            rejected = windows.getSideOutput(SideOutputs.DEAD_LETTERS).union(attention.getSideOutput(SideOutputs.DEAD_LETTERS));
        }
        attention.map(new OperatorProbe.OutputClock(runId), SideOutputs.OUTPUT_TYPE).name("output-clock")
                .sinkTo(new DiscardingSink<>()).name("discard-outputs");
        attention.getSideOutput(SideOutputs.WEIGHTS).sinkTo(new DiscardingSink<>()).name("discard-weights");
        rejected
                .map(new OperatorProbe.RejectCounter(runId), SideOutputs.DEAD_LETTERS.getTypeInfo())
                .sinkTo(new DiscardingSink<>())
                .name("discard-dead-letters");
    }
}
