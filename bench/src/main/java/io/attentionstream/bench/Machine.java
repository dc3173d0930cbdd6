package io.attentionstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine a benchmark ran on and the peak FP32 FLOP/s it assumes: cores × GHz × FLOPs per
 * cycle per core, the last taken from the CPU flags (two FMA units of the widest vector: 64 with
 * AVX-512, 32 with AVX2 + FMA, 16 with AVX, 8 otherwise). A peak, never reached; CPUs with one
 * AVX-512 FMA unit reach half of it at most.
 *
 * @param cores processors this JVM may use
 * @param cpuModel {@code model name} of /proc/cpuinfo
 * @param ghz clock from the model name ("@ 2.20GHz") when it has one, else the highest {@code cpu MHz}
 * @param ghzSource where {@code ghz} came from
 * @param simd the widest vector extension found, e.g. "AVX-512"
 * @param flopsPerCycle FP32 FLOPs per cycle per core assumed for {@code simd}
 * @param memoryBytes physical memory
 * @param javaVersion {@code java.version} and VM name
 */
public record Machine(
        int cores,
        String cpuModel,
        double ghz,
        String ghzSource,
        String simd,
        int flopsPerCycle,
        long memoryBytes,
        String javaVersion) {

    private static final Pattern NOMINAL_GHZ = Pattern.compile("@\\s*([0-9.]+)\\s*GHz");

    /** This machine. */
    public static Machine detect() {
        String cpuinfo;
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            cpuinfo = "";
        }
        return fromCpuInfo(
                cpuinfo,
                Runtime.getRuntime().availableProcessors(),
                ProcessCpu.totalMemoryBytes(),
                System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    }

    /** Reads the model, clock and flags from the text of /proc/cpuinfo. */
    public static Machine fromCpuInfo(String cpuinfo, int cores, long memoryBytes, String javaVersion) {
        String model = "unknown";
        double maxMhz = 0;
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "model name" -> model = "unknown".equals(model) ? value : model;
                case "cpu MHz" -> maxMhz = Math.max(maxMhz, parseOrZero(value));
                case "flags" -> flags = flags.isEmpty() ? Set.of(value.split("\\s+")) : flags;
                default -> {}
            }
        }
        Matcher nominal = NOMINAL_GHZ.matcher(model);
        double ghz;
        String source;
        if (nominal.find()) {
            ghz = parseOrZero(nominal.group(1));
            source = "model name";
        } else if (maxMhz > 0) {
            ghz = maxMhz / 1000.0;
            source = "cpu MHz";
        } else {
            ghz = Double.NaN;
            source = "unknown";
        }
        String simd;
        int perCycle;
        if (flags.contains("avx512f")) {
            simd = "AVX-512";
            perCycle = 64;
        } else if (flags.contains("avx2") && flags.contains("fma")) {
            simd = "AVX2+FMA";
            perCycle = 32;
        } else if (flags.contains("avx")) {
            simd = "AVX";
            perCycle = 16;
        } else {
            simd = "SSE";
            perCycle = 8;
        }
        return new Machine(cores, model, ghz, source, simd, perCycle, memoryBytes, javaVersion);
    }

    private static double parseOrZero(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Peak FP32 FLOP/s of all cores; NaN when the clock is unknown. */
    public double peakFlops() {
        return cores * ghz * 1e9 * flopsPerCycle;
    }

    /** Peak FP32 FLOP/s of one core. */
    public double peakFlopsPerCore() {
        return ghz * 1e9 * flopsPerCycle;
    }

    /**
     * Peak FP32 FLOP/s of the cores {@code threads} ONNX Runtime intra-op threads can use: one core
     * each, at most all of them.
     */
    public double peakFlopsOfThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads + ".");
        }
        return Math.min(threads, cores) * peakFlopsPerCore();
    }

    /** One line for the console: what the peak is made of. */
    public String describePeak() {
        return String.format(
                Locale.ROOT,
                "peak FP32 = %d cores × %.2f GHz (%s) × %d FLOPs/cycle (%s) = %.1f GFLOP/s",
                cores,
                ghz,
                ghzSource,
                flopsPerCycle,
                simd,
                peakFlops() / 1e9);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", cores);
        m.put("cpu_model", cpuModel);
        m.put("ghz", ghz);
        m.put("ghz_source", ghzSource);
        m.put("simd", simd);
        m.put("fp32_flops_per_cycle_per_core", flopsPerCycle);
        m.put("peak_gflops", peakFlops() / 1e9);
        m.put(
                "peak_formula",
                "cores × GHz × FP32 FLOPs/cycle (64 with AVX-512, 32 with AVX2+FMA, 16 with AVX, 8 otherwise)");
        m.put("memory_bytes", memoryBytes);
        m.put("java_version", javaVersion);
        return m;
    }
}
