package io.attentionstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where a measured interval's CPU time went, from the JVM's own accounting: the CPU time of every
 * live Java thread ({@link ThreadMXBean#getThreadCpuTime}) at the start and at the end, summed by
 * task. A thread's task is its name without what tells instances apart: Flink names a task's thread
 * after its operator chain and adds the subtask ("(1/1)#0"); pools and clients add a number or a
 * client id. The rest of the process's CPU time (JIT compilers and garbage collector, which are not
 * Java threads, and threads that ended in between) is one more entry.
 */
final class TaskCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Flink's subtask suffix, a client id after " | ", then trailing instance numbers. */
    private static final Pattern SUBTASK = Pattern.compile("\\s*\\(\\d+/\\d+\\)(#\\d+)?\\s*$");

    private static final Pattern CLIENT_ID = Pattern.compile("\\s*\\|.*$");
    private static final Pattern INSTANCE = Pattern.compile("[\\s#_-]*\\d+$");
    static final String OUTSIDE_JAVA_THREADS = "JVM (JIT, GC) and ended threads";
    /** Tasks listed at most, largest first; the rest are summed into "other threads". */
    private static final int LISTED = 10;

    /** CPU nanoseconds per live thread id, their names, and the process's CPU nanoseconds. */
    record Snapshot(Map<Long, Long> cpuNanos, Map<Long, String> names, long processCpuNanos) {}

    private TaskCpu() {}

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
        return new Snapshot(cpu, names, ProcessCpu.nanos());
    }

    /** CPU seconds per task between the two snapshots, largest first. */
    static Map<String, Object> between(Snapshot before, Snapshot after) {
        Map<String, Double> tasks = new TreeMap<>();
        double threads = 0;
        for (Map.Entry<Long, Long> e : after.cpuNanos().entrySet()) {
            double seconds = (e.getValue() - before.cpuNanos().getOrDefault(e.getKey(), 0L)) / 1e9;
            tasks.merge(task(after.names().get(e.getKey())), seconds, Double::sum);
            threads += seconds;
        }
        tasks.merge(
                OUTSIDE_JAVA_THREADS,
                Math.max(0, (after.processCpuNanos() - before.processCpuNanos()) / 1e9 - threads),
                Double::sum);
        Map<String, Object> sorted = new LinkedHashMap<>();
        double rest = 0;
        int listed = 0;
        for (Map.Entry<String, Double> e : tasks.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .toList()) {
            if (listed < LISTED && e.getValue() >= 0.005) {
                sorted.put(e.getKey(), e.getValue());
                listed++;
            } else {
                rest += e.getValue();
            }
        }
        if (rest >= 0.005) {
            sorted.put("other threads", rest);
        }
        return sorted;
    }

    /** A thread's task: its name without the subtask, client id and instance number. */
    static String task(String threadName) {
        if (threadName == null || threadName.isBlank()) {
            return "unnamed";
        }
        String name = SUBTASK.matcher(threadName).replaceAll("");
        name = CLIENT_ID.matcher(name).replaceAll("");
        name = INSTANCE.matcher(name).replaceAll("");
        return name.isBlank() ? threadName : name;
    }
}
