package io.attentionstream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one JMH benchmark of this module at one set of parameters through the JMH Runner, in forked
 * JVMs that get this JVM's arguments and class path, plus the module openings Flink needs. Warm-up
 * and measurement are iterations of one second: {@code --warmup-s} of them per fork, and
 * {@code --duration-s} of them spread over the forks. JMH's own report of each run goes to
 * {@code jmh/<path>-n<n>.txt} beside results.json.
 */
final class JmhRuns {
    private static final Logger LOG = LoggerFactory.getLogger(JmhRuns.class);
    /** The module openings Flink needs, declared once in the parent pom and put on the tools' classpath. */
    private static final String JVM_OPTIONS = "io/attentionstream/tools/jvm.options";
    /** Forks of a full run: a second fork shows when one JVM's JIT profile was unlucky. */
    static final int FULL_FORKS = 2;

    static final int QUICK_FORKS = 1;

    private final BenchSettings s;

    JmhRuns(BenchSettings settings) {
        this.s = settings;
    }

    int forks() {
        return s.quick() ? QUICK_FORKS : FULL_FORKS;
    }

    /** Measurement iterations per fork: the path's seconds shared by the forks, one at least. */
    int measurementIterations() {
        return Math.max(1, s.durationS() / forks());
    }

    /** Runs {@code benchmark.method} with {@code params}; {@code label} names its JMH report file. */
    RunResult run(Class<?> benchmark, String method, Map<String, String> params, String label)
            throws RunnerException, IOException {
        return run(benchmark, method, params, label, s.warmupS());
    }

    /** As {@link #run(Class, String, Map, String)}, with its own number of one-second warm-up iterations per fork. */
    RunResult run(Class<?> benchmark, String method, Map<String, String> params, String label, int warmupIterations)
            throws RunnerException, IOException {
        Path log = s.out().resolve("jmh").resolve(label + ".txt");
        Files.createDirectories(log.getParent());
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName() + "." + method) + "$")
                .forks(forks())
                .threads(1)
                .warmupIterations(warmupIterations)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(measurementIterations())
                .measurementTime(TimeValue.seconds(1))
                .timeout(TimeValue.minutes(3))
                .jvmArgsAppend(jvmOptions())
                .shouldFailOnError(true)
                .verbosity(VerboseMode.NORMAL)
                .output(log.toString());
        params.forEach(options::param);
        LOG.info("JMH: {} with {}", benchmark.getSimpleName(), params);
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.size() != 1) {
            throw new IllegalStateException("JMH ran " + results.size() + " benchmarks for " + label
                    + " where one was expected; its report is in " + log + ".");
        }
        return results.iterator().next();
    }

    /** A secondary result of {@link CpuCounters}, summed over the measured iterations. */
    static double counter(RunResult result, String name) {
        Result<?> r = result.getSecondaryResults().get(name);
        if (r == null) {
            throw new IllegalStateException(
                    "JMH returned no '" + name + "' counter: is CpuCounters a parameter of the benchmark?");
        }
        return r.getScore();
    }

    /** The parameters every model-level benchmark shares. */
    static Map<String, String> params(Object... namesAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], String.valueOf(namesAndValues[i + 1]));
        }
        return m;
    }

    static String[] jvmOptions() throws IOException {
        try (InputStream in = JmhRuns.class.getClassLoader().getResourceAsStream(JVM_OPTIONS)) {
            if (in == null) {
                throw new IllegalStateException(
                        JVM_OPTIONS + " is not on the class path: rebuild with bin/attention-stream.");
            }
            List<String> tokens = new ArrayList<>(Arrays.asList(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+")));
            tokens.removeIf(String::isEmpty);
            return tokens.toArray(new String[0]);
        }
    }
}
