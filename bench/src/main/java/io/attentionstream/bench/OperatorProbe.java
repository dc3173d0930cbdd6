package io.attentionstream.bench;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.RejectedRecord;
import io.attentionstream.core.window.Event;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * The in-memory ends of the operator path's job, which runs on a MiniCluster in this JVM: the
 * generated events it reads (made as the source asks for them, from a pool of vectors, so a long
 * run costs no memory), and the clock at its end. Functions find their run's probe by id,
 * since Flink ships them serialized.
 *
 * <p>The measured interval starts at the first output after the warm-up and ends at the last
 * expected output; CPU time is read at both ends. Latencies are those of the measured interval.
 */
final class OperatorProbe {
    private static final Map<String, OperatorProbe> RUNS = new ConcurrentHashMap<>();

    private final SyntheticStream stream;
    private final int keys;
    private final long expectedWindows;
    private final long warmupNanos;
    private final AtomicLong rejected = new AtomicLong();
    private Latencies latencies = new Latencies();
    private boolean warm;
    private long count;
    private long firstNanos = -1;
    private long startNanos = -1;
    private long startCount;
    private long startCpu;
    private ThreadCpu.Snapshot startThreads;
    private long endNanos = -1;
    private long endCpu;
    private ThreadCpu.Snapshot endThreads;

    private OperatorProbe(SyntheticStream stream, int keys, long expectedWindows, long warmupNanos) {
        this.stream = stream;
        this.keys = keys;
        this.expectedWindows = expectedWindows;
        this.warmupNanos = warmupNanos;
    }

    static OperatorProbe register(String runId, SyntheticStream stream, int keys, long expectedWindows, long warmupNanos) {
        OperatorProbe probe = new OperatorProbe(stream, keys, expectedWindows, warmupNanos);
        RUNS.put(runId, probe);
        return probe;
    }

    static void unregister(String runId) {
        RUNS.remove(runId);
    }

    private static OperatorProbe of(String runId) {
        OperatorProbe probe = RUNS.get(runId);
        if (probe == null) {
            throw new IllegalStateException("No operator benchmark run " + runId + " in this JVM.");
        }
        return probe;
    }

    private synchronized void output(long windowEndMillis) {
        long now = System.nanoTime();
        count++;
        if (firstNanos < 0) {
            // Until the warm-up is over, the interval counts from the first output: a run too short
            // for its warm-up is still measured, warm-up included.
            firstNanos = now;
            startNanos = now;
            startCount = count;
            startCpu = ProcessCpu.nanos();
        } else if (!warm && now - firstNanos >= warmupNanos) {
            warm = true;
            startNanos = now;
            startCount = count;
            startCpu = ProcessCpu.nanos();
            startThreads = ThreadCpu.snapshot();
            latencies = new Latencies();
        } else {
            latencies.add((System.currentTimeMillis() - windowEndMillis) * 1_000_000L);
        }
        if (count == expectedWindows) {
            endNanos = now;
            endCpu = ProcessCpu.nanos();
            endThreads = ThreadCpu.snapshot();
        }
    }

    synchronized long count() {
        return count;
    }

    long rejected() {
        return rejected.get();
    }

    /** Windows after the warm-up (after the first output if the run ended before the warm-up did). */
    synchronized long measuredWindows() {
        return endNanos < 0 ? 0 : count - startCount;
    }

    synchronized double measuredSeconds() {
        return endNanos < 0 ? Double.NaN : (endNanos - startNanos) / 1e9;
    }

    synchronized double measuredCpuSeconds() {
        return endNanos < 0 ? Double.NaN : (endCpu - startCpu) / 1e9;
    }

    /** CPU by thread group over the measured interval; empty when the warm-up never ended. */
    synchronized Map<String, Object> cpuBreakdown() {
        return startThreads == null || endThreads == null ? Map.of() : ThreadCpu.between(startThreads, endThreads);
    }

    synchronized Latencies latencies() {
        return latencies;
    }

    /** Source side: event {@code i} of the generated stream, stamped with the time it leaves the source. */
    static final class EventAt implements MapFunction<Long, Event> {
        private static final long serialVersionUID = 1L;
        private final String runId;
        private transient OperatorProbe probe;

        EventAt(String runId) {
            this.runId = runId;
        }

        @Override
        public Event map(Long i) {
            if (probe == null) {
                probe = of(runId);
            }
            return probe.stream.event(i, probe.keys, System.currentTimeMillis());
        }
    }

    /** Sink side: counts outputs and takes the latency of each from its window's last event. */
    static final class OutputClock implements MapFunction<AttentionOutput, AttentionOutput> {
        private static final long serialVersionUID = 1L;
        private final String runId;
        private transient OperatorProbe probe;

        OutputClock(String runId) {
            this.runId = runId;
        }

        @Override
        public AttentionOutput map(AttentionOutput output) {
            if (probe == null) {
                probe = of(runId);
            }
            probe.output(output.getWindowEndTimestamp());
            return output;
        }
    }

    /** Counts dead letters: generated streams have none, so any is a bug in the benchmark. */
    static final class RejectCounter implements MapFunction<RejectedRecord, RejectedRecord> {
        private static final long serialVersionUID = 1L;
        private final String runId;

        RejectCounter(String runId) {
            this.runId = runId;
        }

        @Override
        public RejectedRecord map(RejectedRecord record) {
            of(runId).rejected.incrementAndGet();
            return record;
        }
    }
}
