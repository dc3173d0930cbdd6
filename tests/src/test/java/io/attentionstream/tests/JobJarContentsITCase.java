package io.attentionstream.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.golden.GoldenCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jar users submit with `flink run` holds the job and its dependencies, nothing else: no
 * tools, no benchmarks, no in-process broker, no Flink runtime, and ONNX Runtime unrelocated. The
 * ONNX protobuf classes that edit graphs at load travel relocated, with only their generated part.
 */
class JobJarContentsITCase {

    @Test
    void theJobJarHoldsTheJobAndNoTools() throws IOException {
        List<String> entries = entries(shadedJobJar());

        assertThat(entries)
                .as("the job, its operators and core")
                .contains(
                        "io/attentionstream/job/cli/RunCommand.class",
                        "io/attentionstream/operators/batch/BatchedAttention.class",
                        "io/attentionstream/core/model/AttentionModel.class",
                        "ai/onnxruntime/OrtSession.class",
                        "io/attentionstream/shaded/ai/onnx/proto/OnnxMl.class",
                        "io/attentionstream/shaded/com/google/protobuf/Message.class");
        assertThat(entries)
                .as("protobuf only under our name, and none of tribuo besides the ONNX protobuf classes")
                .noneMatch(e -> e.startsWith("com/google/protobuf/")
                        || e.startsWith("ai/onnx/proto/")
                        || e.startsWith("org/tribuo/"));
        assertThat(entries)
                .as("tools, benchmarks, the local broker and the cluster's own classes")
                .noneMatch(e -> e.startsWith("io/attentionstream/tools/")
                        || e.startsWith("io/attentionstream/bench/")
                        || e.startsWith("org/openjdk/jmh/")
                        || e.startsWith("kafka/server/")
                        || e.startsWith("org/apache/kafka/common/test/")
                        || e.startsWith("org/apache/flink/runtime/")
                        || e.startsWith("org/apache/flink/streaming/api/environment/"));
        assertThat(mainClass(shadedJobJar())).isEqualTo("io.attentionstream.job.cli.RunCommand");
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(e -> e.getName()).toList();
        }
    }

    private static String mainClass(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }

    /** job/target/attention-stream-job-VERSION-flink.jar, as the reactor's package phase leaves it. */
    private static Path shadedJobJar() throws IOException {
        Path target = GoldenCase.modelsDir().getParent().resolve("job").resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("attention-stream-job-.*-flink\\.jar"))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("No shaded job jar in " + target + ": run mvn -B verify."));
        }
    }
}
