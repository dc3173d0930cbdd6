package io.attentionstream.bench;

import io.attentionstream.tools.local.LocalKafka;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.execution.JobClient;

/**
 * The {@code pipeline} path: the whole job as {@code run} builds it ({@code AttentionJob.kafka}:
 * Kafka source, Avro decoding, windowing, batched inference, exactly-once Kafka sinks; or, with
 * {@code --sinks}, the same job with other sink settings, see {@link SinkMode}) against the
 * in-process broker, on a MiniCluster in this JVM, with a downstream {@code read_committed}
 * consumer. Two runs per window size, each on fresh topics and a fresh job:
 * <ol>
 *   <li>max rate: the input topic is filled first, then the job drains it; windows/s is the rate at
 *       which committed outputs reach the consumer;
 *   <li>half load: the producer sends at half that rate while the job runs; latency is from each
 *       window's last event being sent to its output being visible to the consumer.
 * </ol>
 * CPU time is the whole process's: broker, producer and consumer included.
 */
final class PipelineBench {
    private static final Duration FIRST_OUTPUT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** The two runs at one window size. */
    record Runs(PathResult maxRate, PathResult halfLoad) {}

    private PipelineBench() {}

    static Runs run(
            LocalKafka kafka, int heads, int n, BenchSettings s, Machine machine, double expectedWindowsPerSecond)
            throws Exception {
        PathResult max = maxRate(kafka, heads, n, s, machine, expectedWindowsPerSecond);
        PathResult half = halfLoad(kafka, heads, n, s, machine, max.windowsPerSecond() / 2);
        return new Runs(max, half);
    }

    private static PathResult maxRate(
            LocalKafka kafka, int heads, int n, BenchSettings s, Machine machine, double expectedWindowsPerSecond)
            throws Exception {
        String prefix = "bench-n" + n + "-max-" + RUNS.incrementAndGet();
        PipelineJobs.Prepared prepared = PipelineJobs.prepare(kafka, prefix, n, s);
        // More than the job can drain in the warm-up and the measured interval, if it ran at the bare rate.
        long events = (long) Math.ceil(expectedWindowsPerSecond * (s.pipelineWarmupS() + s.durationS()) * 1.25)
                + (long) s.keys() * (n - 1);
        long expected = SyntheticStream.windowsOf(events, s.keys(), n);
        Properties props = kafka.clientProperties();
        SendTimeProducer.send(props, prepared.inputTopic(), new SyntheticStream(s.dim(), 13), s.keys(), 0, events, 0);

        long windows;
        double seconds;
        double cpuSeconds;
        Map<String, Object> breakdown;
        try (CommittedOutputReader reader = new CommittedOutputReader(props, prepared.outputTopic()).start()) {
            JobClient job = PipelineJobs.start(prepared, s.sinks());
            try {
                Waits.await("the first committed output", FIRST_OUTPUT_TIMEOUT, () -> reader.received() > 0);
                long firstNanos = reader.lastArrivalNanos();
                long firstCount = reader.received();
                long firstCpu = ProcessCpu.nanos();
                BooleanSupplier drained = () -> reader.received() >= expected;
                Waits.awaitUntil(firstNanos + TimeUnit.SECONDS.toNanos(s.pipelineWarmupS()), drained);
                long c0 = reader.received();
                long t0 = System.nanoTime();
                long cpu0 = ProcessCpu.nanos();
                TaskCpu.Snapshot threads0 = TaskCpu.snapshot();
                if (drained.getAsBoolean()) {
                    // The backlog ran out during the warm-up: measure from the first output instead.
                    c0 = firstCount;
                    t0 = firstNanos;
                    cpu0 = firstCpu;
                } else {
                    Waits.awaitUntil(t0 + TimeUnit.SECONDS.toNanos(s.durationS()), drained);
                }
                long c1 = reader.received();
                long t1 = drained.getAsBoolean() ? reader.lastArrivalNanos() : System.nanoTime();
                cpuSeconds = (ProcessCpu.nanos() - cpu0) / 1e9;
                breakdown = TaskCpu.between(threads0, TaskCpu.snapshot());
                windows = c1 - c0;
                seconds = (t1 - t0) / 1e9;
            } finally {
                PipelineJobs.cancel(job);
            }
        }
        Map<String, Object> settings = PipelineJobs.settings(prepared, s);
        settings.put("input", "pre-filled: " + events + " events, then drained by the job");
        return new PathResult(
                BenchPath.PIPELINE.cliName(),
                n,
                s.dim(),
                heads,
                windows,
                seconds,
                Double.NaN,
                Double.NaN,
                "not measured at max rate (input pre-filled); see pipeline_half_load",
                cpuSeconds,
                AttentionFlops.fractionOfPeak(windows / seconds, n, s.dim(), machine.peakFlops()),
                0,
                settings,
                breakdown);
    }

    private static PathResult halfLoad(
            LocalKafka kafka, int heads, int n, BenchSettings s, Machine machine, double rate) throws Exception {
        String prefix = "bench-n" + n + "-half-" + RUNS.incrementAndGet();
        PipelineJobs.Prepared prepared = PipelineJobs.prepare(kafka, prefix, n, s);
        Properties props = kafka.clientProperties();
        String input = prepared.inputTopic();
        SyntheticStream stream = new SyntheticStream(s.dim(), 17);
        // Each key's first n−1 events make no window: send them at once, then pace the rest.
        long fill = (long) s.keys() * (n - 1);
        long paced = (long) Math.ceil(rate * (s.pipelineWarmupS() + s.durationS()));
        long expected = SyntheticStream.windowsOf(fill + paced, s.keys(), n);

        long committed;
        double cpuSeconds;
        Map<String, Object> breakdown;
        Histogram latencies;
        AtomicReference<Histogram> lateness = new AtomicReference<>();
        try (CommittedOutputReader reader = new CommittedOutputReader(props, prepared.outputTopic()).start()) {
            JobClient job = PipelineJobs.start(prepared, s.sinks());
            try {
                SendTimeProducer.send(props, input, stream, s.keys(), 0, fill, 0);
                long sendStart = System.currentTimeMillis();
                long measureFrom = sendStart + TimeUnit.SECONDS.toMillis(s.pipelineWarmupS());
                long measureTo = measureFrom + TimeUnit.SECONDS.toMillis(s.durationS());
                reader.measureBetween(measureFrom, measureTo);
                Thread producer = new Thread(
                        () -> lateness.set(SendTimeProducer.send(props, input, stream, s.keys(), fill, paced, rate)),
                        "bench-paced-producer");
                producer.start();
                Waits.awaitWallClock(measureFrom);
                long cpu0 = ProcessCpu.nanos();
                TaskCpu.Snapshot threads0 = TaskCpu.snapshot();
                Waits.awaitWallClock(measureTo);
                cpuSeconds = (ProcessCpu.nanos() - cpu0) / 1e9;
                breakdown = TaskCpu.between(threads0, TaskCpu.snapshot());
                producer.join();
                Waits.awaitQuietly(DRAIN_TIMEOUT, () -> reader.received() >= expected);
                // Two more checkpoints' worth of time, so that a duplicate would show too.
                Waits.holdsDuring(Duration.ofMillis(2 * s.checkpointIntervalMs()), () -> reader.received() <= expected);
                committed = reader.received();
                latencies = reader.latencies();
            } finally {
                PipelineJobs.cancel(job);
            }
        }
        Map<String, Object> settings = PipelineJobs.settings(prepared, s);
        settings.put("producer_rate_events_per_s", rate);
        settings.put("windows_expected", expected);
        settings.put("windows_committed", committed);
        settings.put("exactly_the_expected_windows", committed == expected);
        Histogram late = lateness.get();
        if (late != null && late.getTotalCount() > 0) {
            settings.put("producer_lateness_p99_ms", late.getValueAtPercentile(99) / 1000.0);
            settings.put("producer_lateness_max_ms", late.getMaxValue() / 1000.0);
        }
        long windows = latencies.getTotalCount();
        double seconds = s.durationS();
        return new PathResult(
                "pipeline-half-load",
                n,
                s.dim(),
                heads,
                windows,
                seconds,
                millisAt(latencies, 50),
                millisAt(latencies, 99),
                "last event of the window due to be sent (paced schedule: corrected for coordinated omission)"
                        + " → output visible to a read_committed consumer (ms clock)",
                cpuSeconds,
                AttentionFlops.fractionOfPeak(windows / seconds, n, s.dim(), machine.peakFlops()),
                0,
                settings,
                breakdown);
    }

    /** The percentile of a histogram of microseconds, in ms; NaN when it is empty. */
    static double millisAt(Histogram micros, double percentile) {
        return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(percentile) / 1000.0;
    }
}
