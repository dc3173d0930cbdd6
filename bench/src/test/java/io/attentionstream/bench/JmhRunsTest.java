package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;

class JmhRunsTest {

    @Test
    void theAnnotationProcessorListedEveryBenchmarkOfTheModule() {
        Set<String> names = BenchmarkList.defaultList().getAll(null, java.util.List.of()).stream()
                .map(BenchmarkListEntry::getUsername)
                .collect(Collectors.toSet());

        assertThat(names)
                .contains(
                        ModelRunBenchmark.class.getName() + ".run",
                        NaiveBenchmark.class.getName() + ".run",
                        IncrementalModelBenchmark.class.getName() + ".run",
                        OperatorBenchmark.class.getName() + ".outputs",
                        EncoderRunBenchmark.class.getName() + ".run");
    }

    @Test
    void forksGetTheModuleOpeningsFlinkNeeds() throws Exception {
        assertThat(JmhRuns.jvmOptions())
                .contains("--add-opens=java.base/java.util=ALL-UNNAMED")
                .doesNotContain("");
    }

    @Test
    void paramsKeepTheirOrderAsText() {
        assertThat(JmhRuns.params("n", 64, "weights", "last-row"))
                .containsExactly(java.util.Map.entry("n", "64"), java.util.Map.entry("weights", "last-row"));
    }
}
