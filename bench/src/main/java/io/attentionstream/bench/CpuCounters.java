package io.attentionstream.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a JMH benchmark of this module reports beside its timing, summed over the measured
 * iterations: the windows (or incremental events) it finished and the process CPU time of the
 * forked JVM in the same iterations, so that CPU per window comes from the JVM's own accounting.
 * JMH resets the public fields before each iteration.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuCounters {
    /** Windows (incremental path: events) finished in the iteration. */
    public long windows;
    /** CPU nanoseconds of the whole process over the iteration. */
    public long cpuNanos;

    private long cpuAtStart;

    @Setup(Level.Iteration)
    public void startIteration() {
        cpuAtStart = ProcessCpu.nanos();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        cpuNanos = ProcessCpu.nanos() - cpuAtStart;
    }
}
