package io.attentionstream.tests.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The class path of a Flink distribution's {@code lib/}, made from this test JVM's class path: the
 * cluster processes get Flink's runtime and its dependencies, but nothing the job jar ships, so
 * the job's classes, the Kafka connector and client, Avro and picocli come from the submitted jar
 * through Flink's user class loader, as on a real cluster. ONNX Runtime comes first, from the jar
 * the build makes for a cluster's {@code lib/} (loaded parent-first, see README "Deploying").
 */
public final class FlinkLibClasspath {
    /**
     * Jar name prefixes the job jar brings itself (or that only the local broker needs), and the
     * Maven ONNX Runtime jar, replaced by job/target/flink-lib/onnxruntime.jar.
     */
    private static final List<String> SHIPPED_BY_THE_JOB_JAR = List.of(
            "attention-stream-",
            "flink-connector-kafka-",
            "flink-avro-",
            "avro-",
            "kafka-",
            "kafka_",
            "onnxruntime-",
            "picocli-");
    /** Test support that a distribution's lib/ never has; its service files would change what Flink loads. */
    private static final List<String> TEST_SUPPORT = List.of("flink-test-utils");

    private FlinkLibClasspath() {}

    /** {@code libJars} followed by the jars of {@code testClasspath} a Flink distribution would hold. */
    public static String of(String testClasspath, List<Path> libJars) {
        for (Path jar : libJars) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build it first with `mvn -B install -DskipTests`.");
            }
        }
        List<String> entries = new ArrayList<>();
        libJars.forEach(jar -> entries.add(jar.toAbsolutePath().toString()));
        Arrays.stream(testClasspath.split(File.pathSeparator))
                .filter(FlinkLibClasspath::belongsInLib)
                .forEach(entries::add);
        return String.join(File.pathSeparator, entries);
    }

    /** Only jars (class folders are this build's own code), and none a distribution would not have. */
    private static boolean belongsInLib(String entry) {
        if (entry.isBlank() || !entry.endsWith(".jar")) {
            return false;
        }
        String name = Path.of(entry).getFileName().toString();
        return !name.endsWith("-tests.jar")
                && SHIPPED_BY_THE_JOB_JAR.stream().noneMatch(name::startsWith)
                && TEST_SUPPORT.stream().noneMatch(name::startsWith);
    }
}
