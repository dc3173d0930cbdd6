package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void groupsThreadsByWhatTheirNamesSay() {
        assertThat(ThreadCpu.group("SequenceWindower -> BatchedAttention -> (output-sink: Writer) (1/1)#0"))
                .startsWith("task: windower + inference");
        assertThat(ThreadCpu.group("IncrementalAttention -> (output-clock -> discard-outputs: Writer) (1/1)#0"))
                .startsWith("task: incremental attention");
        assertThat(ThreadCpu.group("Source Data Fetcher for Source: kafka-source -> decode (1/1)#0")).isEqualTo("task: Kafka source fetcher");
        assertThat(ThreadCpu.group("Source: kafka-source -> decode -> event-time (1/1)#0")).isEqualTo("task: source + decode");
        assertThat(ThreadCpu.group("kafka-producer-network-thread | producer-bench-n64-max-1-weights-0-1"))
                .isEqualTo("Kafka clients: sink producers' I/O");
        assertThat(ThreadCpu.group("kafka-producer-network-thread | producer-1")).isEqualTo("Kafka clients: bench producer I/O");
        assertThat(ThreadCpu.group("kafka-admin-client-thread | adminclient-3")).isEqualTo("Kafka clients: admin and coordinators");
        assertThat(ThreadCpu.group("data-plane-kafka-request-handler-3")).isEqualTo("Kafka broker (in-process)");
        assertThat(ThreadCpu.group("TxnMarkerSenderThread-0")).isEqualTo("Kafka broker (in-process)");
        assertThat(ThreadCpu.group("AsyncOperations-thread-1")).startsWith("Flink runtime");
        assertThat(ThreadCpu.group("bench-output-reader")).isEqualTo("bench: producer and output reader");
        assertThat(ThreadCpu.group("something else")).isEqualTo("other threads");
    }

    @Test
    void readsCpuTicksAndTellsJvmThreadsApart() {
        // utime 250 and stime 50 ticks; the name holds a space and a parenthesis.
        String stat = "4242 (C2 CompilerThre) S 1 1 1 0 -1 4194368 0 0 0 0 250 50 0 0 20 0 1 0 100 0 0";
        assertThat(ThreadCpu.ticks(stat)).isEqualTo(300);
        assertThat(ThreadCpu.ticks("7 (odd (name) x) R 1 1 1 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 1 0 0")).isEqualTo(7);
        assertThat(ThreadCpu.jvmThreadKind("C2 CompilerThre")).isZero();
        assertThat(ThreadCpu.jvmThreadKind("C1 CompilerThre")).isZero();
        assertThat(ThreadCpu.jvmThreadKind("GC Thread#1")).isEqualTo(1);
        assertThat(ThreadCpu.jvmThreadKind("G1 Conc#0")).isEqualTo(1);
        assertThat(ThreadCpu.jvmThreadKind("SequenceWindowe")).isEqualTo(-1);
    }

    @Test
    void splitsAnIntervalsCpuByGroupAndKeepsTheRestAsOther() {
        ThreadCpu.Snapshot before = new ThreadCpu.Snapshot(
                Map.of(1L, 1_000_000_000L, 2L, 0L), Map.of(1L, "data-plane-kafka-request-handler-0", 2L, "bench-output-reader"), 1_000_000_000L, 100_000_000L, 10_000_000L);
        ThreadCpu.Snapshot after = new ThreadCpu.Snapshot(
                Map.of(1L, 1_500_000_000L, 2L, 250_000_000L, 3L, 2_000_000_000L),
                Map.of(1L, "data-plane-kafka-request-handler-0", 2L, "bench-output-reader", 3L, "SequenceWindower (1/1)#0"),
                5_000_000_000L, 700_000_000L, 210_000_000L);
        Map<String, Object> groups = ThreadCpu.between(before, after);
        assertThat(groups.keySet()).containsExactly("task: windower + inference (+ chained sinks)", "JVM: JIT compilers",
                "Kafka broker (in-process)", "other (ended threads, VM)", "bench: producer and output reader",
                "JVM: garbage collection");
        assertThat((Double) groups.get("task: windower + inference (+ chained sinks)")).isEqualTo(2.0);
        assertThat((Double) groups.get("Kafka broker (in-process)")).isEqualTo(0.5);
        assertThat((Double) groups.get("JVM: JIT compilers")).isEqualTo(0.6);
        assertThat((Double) groups.get("JVM: garbage collection")).isEqualTo(0.2);
        // 4 s of process CPU - 2.75 s in threads - 0.8 s in JIT and GC.
        assertThat((Double) groups.get("other (ended threads, VM)")).isCloseTo(0.45, within(1e-9));
    }
}
