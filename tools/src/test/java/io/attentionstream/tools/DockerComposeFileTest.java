package io.attentionstream.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.attentionstream.job.cli.RunCommand;
import io.attentionstream.tools.cli.AttentionStreamCli;
import io.attentionstream.tools.cli.ProduceCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * No Docker engine runs in the build, so this test reads docker-compose.yml and checks it against
 * the build: image versions against the parent pom, mounted jars against what the job and tools
 * modules make (the cluster gets the job jar, the producer the tools' CLI jar beside the image's
 * Flink lib/), topics against the defaults the CLI declares, and the settings the cluster needs (ONNX Runtime parent-first,
 * Prometheus, one-node transactions). {@link #everyCheckCatchesWhatItGuards} breaks a copy of the
 * file (or of what the poms say) on purpose, to show each check fails when it should.
 */
class DockerComposeFileTest {
    private static final List<String> TOPIC_FLAGS =
            List.of("--input-topic", "--output-topic", "--weights-topic", "--dlq-topic");
    private static final String BROKER = "kafka";
    private static final String PARENT_FIRST = "classloader.parent-first-patterns.additional";
    private static final String TASK_OFF_HEAP = "taskmanager.memory.task.off-heap.size";
    private static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    private static final Pattern TOPIC_FLAG = Pattern.compile("--topic\\s+(\\S+)");
    private static final Pattern BOOTSTRAP_FLAG = Pattern.compile("--bootstrap-server\\s+(\\S+)");

    private static Path repoRoot;
    private static JsonNode composeFile;
    private static Build pomBuild;
    /** The job's default topics by flag, as `run` declares them. */
    private static Map<String, String> jobTopics;

    private static final String FLINK_LIB = "/opt/flink/lib/*";

    /** What the poms say the build makes: jar names as they appear under job/target and tools/target. */
    record Build(String flinkVersion, String kafkaVersion, String jobJar, String toolsJar, String onnxRuntimeJar) {
        Build withFlink(String version) {
            return new Build(version, kafkaVersion, jobJar, toolsJar, onnxRuntimeJar);
        }

        Build withKafka(String version) {
            return new Build(flinkVersion, version, jobJar, toolsJar, onnxRuntimeJar);
        }

        Build withJobJar(String name) {
            return new Build(flinkVersion, kafkaVersion, name, toolsJar, onnxRuntimeJar);
        }

        Build withToolsJar(String name) {
            return new Build(flinkVersion, kafkaVersion, jobJar, name, onnxRuntimeJar);
        }
    }

    @BeforeAll
    static void readFiles() throws Exception {
        repoRoot = repositoryRoot();
        composeFile =
                new YAMLMapper().readTree(repoRoot.resolve("docker-compose.yml").toFile());
        pomBuild = readBuild(repoRoot);
        jobTopics = defaultTopics();
    }

    @Test
    void imagesAreTheVersionsTheBuildUses() {
        checkImages(composeFile, pomBuild);
    }

    @Test
    void mountedBuildOutputsAreWhatTheJobModuleMakes() {
        checkMounts(composeFile, pomBuild, repoRoot);
    }

    @Test
    void topicsCreatedAreTheTopicsTheJobAndProducerUse() {
        checkTopics(composeFile, jobTopics);
    }

    @Test
    void runAndProduceDefaultToTheSameInputTopic() {
        String produceDefault = CommandSpec.forAnnotatedObject(new ProduceCommand())
                .findOption("--input-topic")
                .defaultValue();

        assertThat(produceDefault).isEqualTo(jobTopics.get("--input-topic"));
    }

    @Test
    void argumentsGivenToTheCliParse() {
        checkCliArguments(composeFile);
    }

    @Test
    void everyServiceHasAnImageAndACommand() {
        checkCommands(composeFile);
    }

    @Test
    void flinkLoadsOnnxRuntimeParentFirstAndPublishesPrometheus() {
        checkFlinkCluster(composeFile);
    }

    @Test
    void kafkaRunsTransactionsOnOneNode() {
        checkKafka(composeFile);
    }

    /** One of the checks below, on a compose file, the build the poms describe and the repository root. */
    @FunctionalInterface
    interface Check {
        void run(JsonNode compose, Build build, Path root);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void everyCheckCatchesWhatItGuards(
            String breakage, Consumer<ObjectNode> breakFile, UnaryOperator<Build> changeBuild, Check check) {
        check.run(composeFile, pomBuild, repoRoot);
        ObjectNode broken = composeFile.deepCopy();
        breakFile.accept(broken);

        assertThatThrownBy(() -> check.run(broken, changeBuild.apply(pomBuild), repoRoot))
                .isInstanceOf(AssertionError.class);
    }

    static Stream<Arguments> breakages() {
        Check images = (c, b, r) -> checkImages(c, b);
        Check mounts = DockerComposeFileTest::checkMounts;
        Check topics = (c, b, r) -> checkTopics(c, jobTopics);
        Check commands = (c, b, r) -> checkCommands(c);
        Check cli = (c, b, r) -> checkCliArguments(c);
        Check flink = (c, b, r) -> checkFlinkCluster(c);
        Check kafka = (c, b, r) -> checkKafka(c);
        return Stream.of(
                newBuild("the build moves to another Flink", b -> b.withFlink("9.9.9"), images),
                newBuild("the build moves to another Kafka", b -> b.withKafka("9.9.9"), images),
                newBuild(
                        "the project version changes",
                        b -> b.withJobJar("attention-stream-job-9.9.9-flink.jar"),
                        mounts),
                newBuild(
                        "the tools jar gets another classifier",
                        b -> b.withToolsJar("attention-stream-tools-0.1.0-SNAPSHOT-all.jar"),
                        mounts),
                broken(
                        "one TaskManager on another Flink image",
                        c -> service(c, "taskmanager-2").put("image", "flink:2.1.0-scala_2.12-java17"),
                        images),
                broken(
                        "the topic creator on another Kafka image",
                        c -> service(c, "topics").put("image", "apache/kafka:4.1.0"),
                        images),
                broken(
                        "a jar name the build does not make",
                        c -> firstBind(c, "jobmanager", "attention-stream-job").put("source", "./job/target/job.jar"),
                        mounts),
                broken(
                        "ONNX Runtime mounted from elsewhere",
                        c -> firstBind(c, "taskmanager-1", "onnxruntime")
                                .put("source", "./job/target/lib/onnxruntime.jar"),
                        mounts),
                broken(
                        "the producer given the job jar, which has no CLI any more",
                        c -> firstBind(c, "producer", "attention-stream-tools")
                                .put("source", "./job/target/" + pomBuild.jobJar()),
                        mounts),
                broken(
                        "the producer without Flink's lib/ on its class path",
                        c -> replaceArg(
                                c,
                                "producer",
                                producerClassPath(c),
                                producerClassPath(c).replace(FLINK_LIB + ":", "")),
                        mounts),
                broken(
                        "the producer's class path missing its jar",
                        c -> replaceArg(c, "producer", producerClassPath(c), FLINK_LIB),
                        mounts),
                broken(
                        "a TaskManager without the job jar",
                        c -> firstBind(c, "taskmanager-2", "attention-stream-job")
                                .put("type", "volume"),
                        mounts),
                broken(
                        "a model the models folder lacks",
                        c -> replaceArg(
                                c,
                                "job",
                                "/opt/attention-stream/models/feature_attention.onnx",
                                "/opt/attention-stream/models/missing.onnx"),
                        mounts),
                broken(
                        "a topic left uncreated",
                        c -> service(c, "topics")
                                .set(
                                        "command",
                                        TextNode.valueOf(service(c, "topics")
                                                .get("command")
                                                .get(0)
                                                .asText()
                                                .replaceAll("(?m)^.*attention\\.dlq\\s*$", ""))),
                        topics),
                broken(
                        "a topic created without --if-not-exists",
                        c -> service(c, "topics")
                                .set(
                                        "command",
                                        TextNode.valueOf(service(c, "topics")
                                                .get("command")
                                                .get(0)
                                                .asText()
                                                .replaceFirst(" --if-not-exists", ""))),
                        topics),
                broken(
                        "the job writing dead letters elsewhere",
                        c -> replaceArg(c, "job", "attention.dlq", "attention.deadletters"),
                        topics),
                broken(
                        "the producer writing to another topic",
                        c -> replaceArg(c, "producer", "attention.input", "attention.in"),
                        topics),
                broken(
                        "the job given a broker address Kafka does not advertise",
                        c -> replaceArg(c, "job", "kafka:9092", "localhost:9092"),
                        topics),
                broken(
                        "a misspelt flag given to run",
                        c -> replaceArg(c, "job", "--window-size", "--window-sise"),
                        cli),
                broken("a flag value run cannot parse", c -> replaceArg(c, "job", "10000", "ten seconds"), cli),
                broken(
                        "a misspelt command given to the producer",
                        c -> replaceArg(c, "producer", "produce", "prodcue"),
                        cli),
                broken(
                        "the producer running the job jar's old CLI class",
                        c -> replaceArg(
                                c,
                                "producer",
                                AttentionStreamCli.class.getName(),
                                "io.attentionstream.job.cli.AttentionStreamCli"),
                        cli),
                broken(
                        "the producer without a command",
                        c -> service(c, "producer").remove("command"),
                        commands),
                broken("a service without an image", c -> service(c, "job").remove("image"), commands),
                broken(
                        "the cluster loading ONNX Runtime child-first",
                        c -> flinkCluster(c)
                                .forEach(s -> editFlinkProperties(c, s, PARENT_FIRST + ": ai.onnxruntime.", "")),
                        flink),
                broken(
                        "the cluster without task off-heap memory for direct buffers",
                        c -> flinkCluster(c).forEach(s -> editFlinkProperties(c, s, TASK_OFF_HEAP + ": 256m", "")),
                        flink),
                broken(
                        "the cluster without the Prometheus reporter",
                        c -> flinkCluster(c)
                                .forEach(s -> editFlinkProperties(c, s, PROMETHEUS_FACTORY, "org.example.Nothing")),
                        flink),
                broken(
                        "one TaskManager's settings drifting from the JobManager's",
                        c -> editFlinkProperties(c, "taskmanager-1", "numberOfTaskSlots: 2", "numberOfTaskSlots: 3"),
                        flink),
                broken(
                        "a TaskManager not publishing its metrics port",
                        c -> service(c, "taskmanager-2").remove("ports"),
                        flink),
                broken(
                        "two TaskManagers publishing metrics on one host port",
                        c -> ((ArrayNode) service(c, "taskmanager-2").get("ports"))
                                .set(0, TextNode.valueOf("127.0.0.1:9250:9249")),
                        flink),
                broken(
                        "Kafka's transaction log needing three replicas",
                        c -> environmentOf(c, BROKER).put("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", 3),
                        kafka),
                broken(
                        "Kafka's transaction log needing two in-sync replicas",
                        c -> environmentOf(c, BROKER).put("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 2),
                        kafka));
    }

    private static Arguments broken(String breakage, Consumer<ObjectNode> breakFile, Check check) {
        return Arguments.of(breakage, breakFile, UnaryOperator.<Build>identity(), check);
    }

    private static Arguments newBuild(String breakage, UnaryOperator<Build> changeBuild, Check check) {
        return Arguments.of(breakage, (Consumer<ObjectNode>) c -> {}, changeBuild, check);
    }

    // ---- the checks ------------------------------------------------------------------------

    static void checkImages(JsonNode compose, Build build) {
        String flinkImage = "flink:" + build.flinkVersion() + "-scala_2.12-java17";
        String kafkaImage = "apache/kafka:" + build.kafkaVersion();
        services(compose).forEach((name, service) -> {
            String image = service.path("image").asText();
            if (image.startsWith("flink:")) {
                assertThat(image)
                        .as("image of %s (flink.version in pom.xml)", name)
                        .isEqualTo(flinkImage);
            } else {
                assertThat(image)
                        .as("image of %s (kafka.version in pom.xml)", name)
                        .isEqualTo(kafkaImage);
            }
        });
        assertThat(service(compose, BROKER).path("image").asText()).isEqualTo(kafkaImage);
        assertThat(service(compose, "jobmanager").path("image").asText()).isEqualTo(flinkImage);
    }

    static void checkMounts(JsonNode compose, Build build, Path root) {
        String jobJar = "./job/target/" + build.jobJar();
        String toolsJar = "./tools/target/" + build.toolsJar();
        String onnxRuntime = "./job/target/flink-lib/" + build.onnxRuntimeJar();
        services(compose)
                .forEach((name, service) -> binds(service).forEach((source, target) -> {
                    if (source.startsWith("./job/target/")) {
                        assertThat(source)
                                .as("build output mounted into %s", name)
                                .isIn(jobJar, onnxRuntime);
                    } else if (source.startsWith("./tools/target/")) {
                        assertThat(source)
                                .as("build output mounted into %s", name)
                                .isEqualTo(toolsJar);
                    } else {
                        assertThat(root.resolve(source))
                                .as("host path mounted into %s", name)
                                .exists();
                    }
                }));
        List<String> cluster = flinkCluster(compose);
        for (String name : cluster) {
            assertThat(binds(service(compose, name)))
                    .as("mounts of %s", name)
                    .containsEntry(onnxRuntime, "/opt/flink/lib/onnxruntime.jar")
                    .containsKey(jobJar)
                    .containsKey("./models");
        }
        String jarInContainer = binds(service(compose, "job")).get(jobJar);
        assertThat(jarInContainer).as("job jar mounted into the submitter").isNotNull();
        assertThat(command(service(compose, "job")))
                .as("jar the submitter runs")
                .contains(jarInContainer);
        // The CLI jar holds what Flink's lib/ lacks: the producer needs both on its class path.
        String toolsInContainer = binds(service(compose, "producer")).get(toolsJar);
        assertThat(toolsInContainer)
                .as("tools' CLI jar mounted into the producer")
                .isNotNull();
        assertThat(producerClassPath(compose).split(":"))
                .as("producer class path")
                .containsExactly(FLINK_LIB, toolsInContainer);

        String model = flag(command(service(compose, "job")), "--model");
        String modelsInContainer = binds(service(compose, "job")).get("./models");
        assertThat(model).as("--model lies in the mounted models folder").startsWith(modelsInContainer + "/");
        assertThat(root.resolve("models").resolve(model.substring(modelsInContainer.length() + 1)))
                .as("model file on the host")
                .isRegularFile();
    }

    static void checkTopics(JsonNode compose, Map<String, String> defaultTopics) {
        Set<String> advertised = advertisedAddresses(service(compose, BROKER));
        String script = String.join("\n", command(service(compose, "topics")));
        List<String> created = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (line.contains("kafka-topics.sh")) {
                assertThat(line).as("topic creation").contains("--create", "--if-not-exists");
                assertThat(value(BOOTSTRAP_FLAG, line))
                        .as("brokers in: %s", line)
                        .isIn(advertised);
                created.add(value(TOPIC_FLAG, line));
            }
        }
        assertThat(created)
                .as("topics the topics service creates (the job's defaults)")
                .containsExactlyInAnyOrderElementsOf(defaultTopics.values());

        List<String> run = command(service(compose, "job"));
        Map<String, String> passed = new LinkedHashMap<>();
        TOPIC_FLAGS.forEach(flag -> passed.put(flag, flag(run, flag)));
        assertThat(passed).as("topics passed to run (the job's defaults)").isEqualTo(defaultTopics);
        assertThat(flag(command(service(compose, "producer")), "--input-topic"))
                .as("topic passed to produce")
                .isEqualTo(defaultTopics.get("--input-topic"));

        assertThat(flag(run, "--bootstrap-servers")).as("job's brokers").isIn(advertised);
        assertThat(flag(command(service(compose, "producer")), "--bootstrap-servers"))
                .as("producer's brokers")
                .isIn(advertised);
    }

    /**
     * What the submitter passes after the jar parses as the job jar's main class ({@link RunCommand},
     * which takes a leading {@code run}) parses it, and what the producer passes after the main class
     * parses as the tools' CLI.
     */
    static void checkCliArguments(JsonNode compose) {
        List<String> submit = command(service(compose, "job"));
        List<String> produce = command(service(compose, "producer"));
        int jar = indexOf(submit, s -> s.endsWith(".jar"), "the job jar");
        int mainClass = produce.indexOf(AttentionStreamCli.class.getName());
        assertThat(mainClass)
                .as("producer runs %s", AttentionStreamCli.class.getName())
                .isNotNegative();
        List<String> jobArgs = new ArrayList<>(submit.subList(jar + 1, submit.size()));
        if (!jobArgs.isEmpty() && jobArgs.get(0).equals("run")) {
            jobArgs.remove(0);
        }
        parses(new CommandLine(new RunCommand()), jobArgs);
        parses(AttentionStreamCli.commandLine(), produce.subList(mainClass + 1, produce.size()));
    }

    private static void parses(CommandLine cli, List<String> args) {
        try {
            cli.parseArgs(args.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            fail("The CLI rejects " + args + ": " + e.getMessage());
        }
    }

    static void checkCommands(JsonNode compose) {
        services(compose).forEach((name, service) -> {
            assertThat(service.path("image").asText()).as("image of %s", name).isNotBlank();
            if (!name.equals(BROKER)) {
                assertThat(service.has("command") || service.has("entrypoint"))
                        .as("%s has a command or entrypoint", name)
                        .isTrue();
            }
        });
        assertThat(command(service(compose, "job")))
                .as("submitter")
                .startsWith("flink", "run", "-m", "jobmanager:8081", "-d");
        assertThat(command(service(compose, "producer")))
                .as("producer")
                .contains("io.attentionstream.tools.cli.AttentionStreamCli", "produce");
    }

    static void checkFlinkCluster(JsonNode compose) {
        List<String> cluster = flinkCluster(compose);
        assertThat(cluster).as("Flink services").contains("jobmanager").hasSizeGreaterThanOrEqualTo(3);
        Map<String, String> first = flinkProperties(service(compose, cluster.get(0)));
        Set<String> hostPorts = new HashSet<>();
        for (String name : cluster) {
            JsonNode service = service(compose, name);
            Map<String, String> properties = flinkProperties(service);
            assertThat(properties)
                    .as("FLINK_PROPERTIES of %s equal those of %s", name, cluster.get(0))
                    .isEqualTo(first);
            assertThat(properties.getOrDefault(PARENT_FIRST, "").split(";"))
                    .as("%s in %s", PARENT_FIRST, name)
                    .contains("ai.onnxruntime.");
            // Tensor buffers and incremental mode's resident rows are direct memory, which
            // Flink caps at its off-heap sizes; task off-heap defaults to 0.
            assertThat(properties).as("%s of %s", TASK_OFF_HEAP, name).containsKey(TASK_OFF_HEAP);
            assertThat(properties)
                    .as("Prometheus reporter of %s", name)
                    .containsEntry("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY)
                    .containsKey("metrics.reporter.prom.port");
            String promPort = properties.get("metrics.reporter.prom.port");
            Map<String, String> published = publishedPorts(service);
            assertThat(published).as("ports %s publishes", name).containsValue(promPort);
            published.forEach((host, container) -> {
                if (container.equals(promPort)) {
                    assertThat(hostPorts.add(host))
                            .as("host port %s is published once", host)
                            .isTrue();
                }
            });
            assertThat(properties)
                    .as("JobManager address of %s", name)
                    .containsEntry("jobmanager.rpc.address", "jobmanager");
            String checkpoints =
                    properties.getOrDefault("execution.checkpointing.dir", "").replaceFirst("^file://", "");
            assertThat(namedVolumes(service))
                    .as("shared checkpoint volume of %s", name)
                    .containsValue(checkpoints);
        }
    }

    static void checkKafka(JsonNode compose) {
        Map<String, String> env = environment(service(compose, BROKER));
        assertThat(env)
                .as("environment of %s", BROKER)
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
        assertThat(service(compose, BROKER).has("healthcheck"))
                .as("%s has a healthcheck", BROKER)
                .isTrue();
    }

    // ---- reading docker-compose.yml --------------------------------------------------------

    private static Map<String, JsonNode> services(JsonNode compose) {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        compose.path("services").properties().forEach(e -> services.put(e.getKey(), e.getValue()));
        assertThat(services).as("services").isNotEmpty();
        return services;
    }

    private static ObjectNode service(JsonNode compose, String name) {
        JsonNode service = compose.path("services").get(name);
        if (service == null || !service.isObject()) {
            fail("docker-compose.yml has no service " + name);
        }
        return (ObjectNode) service;
    }

    /** Services that run a Flink JobManager or TaskManager. */
    private static List<String> flinkCluster(JsonNode compose) {
        List<String> names = new ArrayList<>();
        services(compose).forEach((name, service) -> {
            List<String> command = command(service);
            if (command.equals(List.of("jobmanager")) || command.equals(List.of("taskmanager"))) {
                names.add(name);
            }
        });
        return names;
    }

    /** command (or entrypoint) as a list; a string command is one element. */
    private static List<String> command(JsonNode service) {
        JsonNode node = service.has("command") ? service.get("command") : service.path("entrypoint");
        List<String> parts = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(part -> parts.add(part.asText()));
        } else if (node.isTextual()) {
            parts.add(node.asText());
        }
        return parts;
    }

    private static int indexOf(List<String> command, Predicate<String> test, String what) {
        for (int i = 0; i < command.size(); i++) {
            if (test.test(command.get(i))) {
                return i;
            }
        }
        throw new AssertionError("No " + what + " in " + command);
    }

    private static String value(Pattern flag, String line) {
        Matcher matcher = flag.matcher(line);
        assertThat(matcher.find()).as("%s in: %s", flag, line).isTrue();
        return matcher.group(1);
    }

    private static String flag(List<String> command, String flag) {
        int at = command.indexOf(flag);
        assertThat(at).as("%s in %s", flag, command).isNotNegative().isLessThan(command.size() - 1);
        return command.get(at + 1);
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isObject()) {
            node.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        } else if (node.isArray()) {
            node.forEach(entry -> {
                String[] kv = entry.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        }
        return env;
    }

    /** FLINK_PROPERTIES, read the way the Flink image's entrypoint reads it: `key: value` per line. */
    private static Map<String, String> flinkProperties(JsonNode service) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String line :
                environment(service).getOrDefault("FLINK_PROPERTIES", "").split("\n")) {
            int colon = line.indexOf(':');
            if (!line.isBlank() && colon > 0) {
                properties.put(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim());
            }
        }
        return properties;
    }

    /** Bind mounts, host source to container target, in short (`a:b:ro`) or long syntax. */
    private static Map<String, String> binds(JsonNode service) {
        return mounts(service, "bind");
    }

    private static Map<String, String> namedVolumes(JsonNode service) {
        return mounts(service, "volume");
    }

    private static Map<String, String> mounts(JsonNode service, String type) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode volume : service.path("volumes")) {
            if (volume.isTextual()) {
                String[] parts = volume.asText().split(":");
                boolean bind = parts[0].startsWith(".") || parts[0].startsWith("/");
                if (parts.length >= 2 && bind == type.equals("bind")) {
                    mounts.put(parts[0], parts[1]);
                }
            } else if (type.equals(volume.path("type").asText())) {
                mounts.put(volume.path("source").asText(), volume.path("target").asText());
            }
        }
        return mounts;
    }

    private static ObjectNode firstBind(JsonNode compose, String service, String sourceContaining) {
        for (JsonNode volume : service(compose, service).path("volumes")) {
            if (volume.isObject() && volume.path("source").asText().contains(sourceContaining)) {
                return (ObjectNode) volume;
            }
        }
        throw new AssertionError("no long-syntax bind of " + sourceContaining + " in " + service);
    }

    /** The producer's {@code -cp} value. */
    private static String producerClassPath(JsonNode compose) {
        return flag(command(service(compose, "producer")), "-cp");
    }

    /** Published ports, host side ("127.0.0.1:9250" or "9250") to container port. */
    private static Map<String, String> publishedPorts(JsonNode service) {
        Map<String, String> ports = new LinkedHashMap<>();
        for (JsonNode port : service.path("ports")) {
            if (port.isObject()) {
                ports.put(
                        port.path("host_ip").asText("") + ":"
                                + port.path("published").asText(),
                        port.path("target").asText());
            } else {
                String spec = port.asText().replaceFirst("/(tcp|udp)$", "");
                int last = spec.lastIndexOf(':');
                ports.put(last < 0 ? spec : spec.substring(0, last), spec.substring(last + 1));
            }
        }
        return ports;
    }

    /** host:port of each advertised listener of the broker. */
    private static Set<String> advertisedAddresses(JsonNode broker) {
        Set<String> addresses = new HashSet<>();
        for (String listener : environment(broker)
                .getOrDefault("KAFKA_ADVERTISED_LISTENERS", "")
                .split(",")) {
            int scheme = listener.indexOf("://");
            if (scheme > 0) {
                addresses.add(listener.substring(scheme + 3).trim());
            }
        }
        return addresses;
    }

    // ---- breaking a copy of the file -------------------------------------------------------

    private static void replaceArg(JsonNode compose, String service, String from, String to) {
        ArrayNode command = (ArrayNode) service(compose, service).get("command");
        for (int i = 0; i < command.size(); i++) {
            if (command.get(i).asText().equals(from)) {
                command.set(i, TextNode.valueOf(to));
                return;
            }
        }
        throw new AssertionError(service + " has no argument " + from);
    }

    private static ObjectNode environmentOf(JsonNode compose, String service) {
        return (ObjectNode) service(compose, service).get("environment");
    }

    private static void editFlinkProperties(JsonNode compose, String service, String from, String to) {
        ObjectNode env = (ObjectNode) service(compose, service).get("environment");
        String properties = env.get("FLINK_PROPERTIES").asText();
        if (!properties.contains(from)) {
            throw new AssertionError(service + "'s FLINK_PROPERTIES lack " + from);
        }
        env.put("FLINK_PROPERTIES", properties.replace(from, to));
    }

    // ---- reading the build -----------------------------------------------------------------

    /** The default of each topic flag of `run`, read from the CLI's own declarations. */
    private static Map<String, String> defaultTopics() {
        CommandSpec run = new CommandLine(new RunCommand()).getCommandSpec();
        Map<String, String> defaults = new LinkedHashMap<>();
        TOPIC_FLAGS.forEach(flag -> defaults.put(flag, run.findOption(flag).defaultValue()));
        assertThat(defaults.values()).as("default topics of run").doesNotContainNull();
        return defaults;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docker-compose.yml")) && Files.isRegularFile(d.resolve("job/pom.xml"))) {
                return d;
            }
        }
        throw new AssertionError("No docker-compose.yml next to job/pom.xml above " + dir);
    }

    private static Build readBuild(Path root) throws Exception {
        XPath xpath = XPathFactory.newInstance().newXPath();
        Document parent = parseXml(root.resolve("pom.xml"));
        Document job = parseXml(root.resolve("job/pom.xml"));
        Document tools = parseXml(root.resolve("tools/pom.xml"));
        String projectVersion = text(xpath, parent, "/project/version");
        String jobJar = shadedJar(xpath, job, projectVersion);
        String toolsJar = shadedJar(xpath, tools, projectVersion);
        assertThat(text(xpath, job, "//plugin[artifactId='maven-shade-plugin']//mainClass"))
                .as("main class of the job jar, which `flink run` starts")
                .isEqualTo(RunCommand.class.getName());
        String flinkLib = "//plugin[artifactId='maven-dependency-plugin']//execution[id='flink-lib']";
        assertThat(text(xpath, job, flinkLib + "//outputDirectory")).isEqualTo("${project.build.directory}/flink-lib");
        assertThat(text(xpath, job, flinkLib + "//stripVersion")).isEqualTo("true");
        String onnxRuntimeJar = text(xpath, job, flinkLib + "//artifactItem/artifactId") + ".jar";

        return new Build(
                text(xpath, parent, "/project/properties/flink.version"),
                text(xpath, parent, "/project/properties/kafka.version"),
                jobJar,
                toolsJar,
                onnxRuntimeJar);
    }

    /** The name of a module's shaded jar: attached beside its own jar, with a classifier. */
    private static String shadedJar(XPath xpath, Document module, String projectVersion) throws Exception {
        String artifactId = text(xpath, module, "/project/artifactId");
        assertThat(text(xpath, module, "/project/parent/version"))
                .as("%s's parent version", artifactId)
                .isEqualTo(projectVersion);
        String shade = "//plugin[artifactId='maven-shade-plugin']";
        assertThat(text(xpath, module, shade + "//shadedArtifactAttached"))
                .as("%s's shaded jar is attached", artifactId)
                .isEqualTo("true");
        assertThat(xpath.evaluate(shade + "//finalName", module).trim())
                .as("%s's shaded jar keeps Maven's name", artifactId)
                .isEmpty();
        return artifactId + "-" + projectVersion + "-" + text(xpath, module, shade + "//shadedClassifierName") + ".jar";
    }

    private static Document parseXml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try {
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("Cannot read " + file, e);
        }
    }

    private static String text(XPath xpath, Document document, String expression) throws Exception {
        String value = xpath.evaluate(expression, document).trim();
        assertThat(value).as("%s in the pom", expression).isNotEmpty();
        return value;
    }
}
