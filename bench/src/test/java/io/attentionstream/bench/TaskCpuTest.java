package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskCpuTest {

    @Test
    void namesATaskByItsThreadNameWithoutInstanceDetails() {
        assertThat(TaskCpu.task("SequenceWindower -> BatchedAttention -> (output-sink: Writer) (1/1)#0"))
                .isEqualTo("SequenceWindower -> BatchedAttention -> (output-sink: Writer)");
        assertThat(TaskCpu.task("kafka-producer-network-thread | producer-bench-n64-max-1-weights-0-1"))
                .isEqualTo("kafka-producer-network-thread");
        assertThat(TaskCpu.task("data-plane-kafka-request-handler-3")).isEqualTo("data-plane-kafka-request-handler");
        assertThat(TaskCpu.task("bench-output-reader")).isEqualTo("bench-output-reader");
        assertThat(TaskCpu.task("42")).isEqualTo("42");
        assertThat(TaskCpu.task(null)).isEqualTo("unnamed");
    }

    @Test
    void sumsThreadsOfOneTaskAndPutsTheRestOfTheProcessBeside() {
        TaskCpu.Snapshot before = new TaskCpu.Snapshot(
                Map.of(1L, 0L, 2L, 1_000_000_000L), Map.of(1L, "pool-1-thread-1", 2L, "pool-1-thread-2"), 0);
        TaskCpu.Snapshot after = new TaskCpu.Snapshot(
                Map.of(1L, 2_000_000_000L, 2L, 2_000_000_000L, 3L, 500_000_000L),
                Map.of(1L, "pool-1-thread-1", 2L, "pool-1-thread-2", 3L, "main"),
                4_000_000_000L);

        Map<String, Object> tasks = TaskCpu.between(before, after);

        assertThat(tasks)
                .containsExactly(
                        Map.entry("pool-1-thread", 3.0),
                        Map.entry(TaskCpu.OUTSIDE_JAVA_THREADS, 0.5),
                        Map.entry("main", 0.5));
    }

    @Test
    void snapshotsThisJvmsThreads() {
        TaskCpu.Snapshot snapshot = TaskCpu.snapshot();
        assertThat(snapshot.names()).containsValue(Thread.currentThread().getName());
        assertThat(snapshot.processCpuNanos()).isPositive();
    }
}
