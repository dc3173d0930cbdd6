package io.attentionstream.bench;

/**
 * The sinks the pipeline path runs the job with (built in {@link PipelineJobs}). {@link #EXACTLY_ONCE} is the job as it ships
 * ({@code AttentionJob.kafka}); the others are experiments that show what the sinks cost, with the
 * same serializers and only the delivery settings changed.
 */
public enum SinkMode {
    /** The job's own sinks: one Kafka transaction per checkpoint, a new transactional id each time. */
    EXACTLY_ONCE("exactly-once"),
    /** As the job's, but with the connector's POOLING transaction naming, which reuses transactional ids and producers. */
    EXACTLY_ONCE_POOLING("exactly-once-pooling"),
    /** No transactions: outputs are visible as soon as the producer sends them (duplicates possible after a failure). */
    AT_LEAST_ONCE("at-least-once");

    private final String cliName;

    SinkMode(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static SinkMode fromCliName(String name) {
        for (SinkMode m : values()) {
            if (m.cliName.equalsIgnoreCase(name.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "Unknown sink mode '" + name + "': use --sinks exactly-once, exactly-once-pooling or at-least-once.");
    }
}
