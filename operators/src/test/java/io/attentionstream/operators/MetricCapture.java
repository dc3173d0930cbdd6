package io.attentionstream.operators;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/** A harness environment whose metrics the test can read by name. Shared by the operator tests. */
public final class MetricCapture {
    private final Map<String, Metric> metrics = new HashMap<>();

    /** A mock task environment for a task named {@code task}; every metric registered in it is captured. */
    public MockEnvironment environment(String task) {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> metrics.put(group.getMetricIdentifier(name), metric))
                .build();
        TaskMetricGroup taskMetrics = TaskManagerMetricGroup.createTaskManagerMetricGroup(
                        registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "job")
                .addTask(ExecutionAttemptID.randomId(), task);
        return new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build();
    }

    /** The one captured metric whose identifier ends with {@code .name}, e.g. {@code rejected.LATE}. */
    public Metric metric(String name) {
        List<Metric> found = metrics.entrySet().stream()
                .filter(e -> e.getKey().endsWith("." + name))
                .map(Map.Entry::getValue)
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(
                    "Expected one metric " + name + ", found " + found.size() + " in " + metrics.keySet());
        }
        return found.get(0);
    }
}
