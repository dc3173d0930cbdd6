package io.attentionstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a measured interval's CPU time went, by thread group: the CPU time of every live Java
 * thread at the start and at the end, grouped by what the thread's name says it does. The JIT
 * compilers and the garbage collector run in JVM threads that Java does not list: on Linux their CPU
 * time is read from {@code /proc/self/task}. What the process spent beyond all that (threads that
 * ended in between, anything unaccounted) is "other".
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds per thread id, and the threads' names. */
    record Snapshot(Map<Long, Long> cpuNanos, Map<Long, String> names, long processCpuNanos, long compileNanos,
                    long gcNanos) {}

    /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final long TICKS_PER_SECOND = 100;

    private ThreadCpu() {}

    static Snapshot snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = THREADS.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadId(), nanos);
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
        long[] jvm = jvmThreadsCpuNanos();
        return new Snapshot(cpu, names, ProcessCpu.nanos(), jvm[0], jvm[1]);
    }

    /** CPU seconds per group between the two snapshots, largest first. */
    static Map<String, Object> between(Snapshot before, Snapshot after) {
        Map<String, Double> groups = new TreeMap<>();
        double threads = 0;
        for (Map.Entry<Long, Long> e : after.cpuNanos().entrySet()) {
            long start = before.cpuNanos().getOrDefault(e.getKey(), 0L);
            double seconds = (e.getValue() - start) / 1e9;
            groups.merge(group(after.names().get(e.getKey())), seconds, Double::sum);
            threads += seconds;
        }
        double jit = (after.compileNanos() - before.compileNanos()) / 1e9;
        double gc = (after.gcNanos() - before.gcNanos()) / 1e9;
        groups.merge("JVM: JIT compilers", jit, Double::sum);
        groups.merge("JVM: garbage collection", gc, Double::sum);
        groups.merge("other (ended threads, VM)",
                Math.max(0, (after.processCpuNanos() - before.processCpuNanos()) / 1e9 - threads - jit - gc), Double::sum);
        Map<String, Object> sorted = new LinkedHashMap<>();
        groups.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .filter(e -> e.getValue() >= 0.005)
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** CPU nanoseconds of the JIT compiler threads and of the GC threads, from /proc; zeros elsewhere. */
    private static long[] jvmThreadsCpuNanos() {
        long[] nanos = new long[2];
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    int kind = jvmThreadKind(Files.readString(task.resolve("comm")).trim());
                    if (kind >= 0) {
                        nanos[kind] += ticks(Files.readString(task.resolve("stat"))) * (1_000_000_000L / TICKS_PER_SECOND);
                    }
                } catch (IOException e) {
                    // The thread ended while we looked: its time is in "other".
                }
            }
        } catch (IOException e) {
            // No /proc: JIT and GC time stay in "other".
        }
        return nanos;
    }

    /** 0 for a JIT compiler thread, 1 for a garbage collector thread, −1 for any other (by its 15-character name). */
    static int jvmThreadKind(String comm) {
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return 0;
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("GC ")) {
            return 1;
        }
        return -1;
    }

    /** utime + stime of a /proc/.../stat line; the name in parentheses may hold spaces. */
    static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The group of a thread, from its name (Flink names task threads after their operator chain). */
    static String group(String name) {
        if (name == null) {
            return "unnamed";
        }
        if (name.startsWith("SequenceWindower")) {
            return "task: windower + inference (+ chained sinks)";
        }
        if (name.startsWith("IncrementalAttention")) {
            return "task: incremental attention (+ chained sinks)";
        }
        if (name.startsWith("Source Data Fetcher")) {
            return "task: Kafka source fetcher";
        }
        if (name.startsWith("Source:")) {
            return "task: source + decode";
        }
        if (name.startsWith("dlq-sink")) {
            return "task: dead-letter sink";
        }
        if (name.startsWith("kafka-admin-client") || name.startsWith("kafka-coordinator")) {
            return "Kafka clients: admin and coordinators";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return name.contains("bench-") ? "Kafka clients: sink producers' I/O" : "Kafka clients: bench producer I/O";
        }
        if (name.startsWith("bench-")) {
            return "bench: producer and output reader";
        }
        if (name.startsWith("data-plane-kafka") || name.startsWith("kafka-") || name.startsWith("broker-")
                || name.startsWith("controller-") || name.startsWith("TxnMarkerSender") || name.startsWith("ExpirationReaper")
                || name.startsWith("log-") || name.startsWith("ReplicaFetcher") || name.contains("raft")
                || name.startsWith("group-coordinator") || name.startsWith("transaction-") || name.startsWith("executor-")
                || name.startsWith("LogDirFailureHandler") || name.startsWith("quota") || name.startsWith("share-")) {
            return "Kafka broker (in-process)";
        }
        if (name.startsWith("main")) {
            return "main (bench control)";
        }
        if (name.startsWith("Time Trigger") || name.startsWith("AsyncOperations") || name.startsWith("Checkpoint")
                || name.startsWith("flink-") || name.startsWith("jobmanager") || name.startsWith("mini-cluster")
                || name.startsWith("Flink") || name.startsWith("pool-") || name.startsWith("OutputFlusher")
                || name.startsWith("channel-state") || name.startsWith("BLOB") || name.startsWith("Hashed")) {
            return "Flink runtime (timers, checkpoints, RPC)";
        }
        return "other threads";
    }
}
