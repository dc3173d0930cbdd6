package io.attentionstream.bench;

import java.lang.management.ManagementFactory;

/** CPU time of this whole process (every thread: ORT, Flink, the in-process broker, the clients). */
final class ProcessCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {}

    static long nanos() {
        return OS.getProcessCpuTime();
    }

    static long totalMemoryBytes() {
        return OS.getTotalMemorySize();
    }
}
