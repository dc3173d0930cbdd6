package io.attentionstream.bench;

import java.time.Duration;

/**
 * Runs one step (a batch, or one window) over and over: first for the warm-up, then for the
 * measured interval, timing each step and the process CPU time of the interval.
 */
final class TimedLoop {
    /** One step: runs the model once and returns the windows it processed. */
    interface Step {
        int run() throws Exception;
    }

    /** What the measured interval held. */
    record Measured(long windows, double seconds, double cpuSeconds, Latencies stepLatencies) {}

    private TimedLoop() {}

    static Measured run(Step step, Duration warmup, Duration measure) throws Exception {
        long warmEnd = System.nanoTime() + warmup.toNanos();
        do {
            step.run();
        } while (System.nanoTime() < warmEnd);

        Latencies latencies = new Latencies();
        long windows = 0;
        long cpu0 = ProcessCpu.nanos();
        long t0 = System.nanoTime();
        long end = t0 + measure.toNanos();
        long now;
        do {
            long start = System.nanoTime();
            windows += step.run();
            now = System.nanoTime();
            latencies.add(now - start);
        } while (now < end);
        long cpu1 = ProcessCpu.nanos();
        return new Measured(windows, (now - t0) / 1e9, (cpu1 - cpu0) / 1e9, latencies);
    }
}
