package io.attentionstream.bench;

/** The ways of running the same attention model that the benchmark compares (see BENCHMARKS.md). */
public enum BenchPath {
    /** floor.onnx through AttentionModel on pre-built batches: what a run() costs with no arithmetic. */
    ORT_FLOOR("ort-floor"),
    /** The model through AttentionModel on pre-built batches of B windows: the ceiling. */
    ORT_BARE("ort-bare"),
    /** One window per run() with nested Java arrays, as Flink + ONNX demos do. */
    NAIVE("naive"),
    /** In-memory events → keyBy → SequenceWindower → BatchedAttention → discard, on a MiniCluster. */
    OPERATOR("operator"),
    /** The whole job: local Kafka broker, Avro in, exactly-once sinks, read back read_committed. */
    PIPELINE("pipeline"),
    /** In-memory events → keyBy → IncrementalAttention (per-key key/value cache) → discard: --mode incremental. */
    INCREMENTAL("incremental"),
    /** all-MiniLM-L6-v2, fp32 and int8, through AttentionModel on pre-built batches of token windows. */
    MINILM("minilm");

    private final String cliName;

    BenchPath(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static BenchPath fromCliName(String name) {
        for (BenchPath p : values()) {
            if (p.cliName.equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown benchmark path '" + name
                + "': use --paths with ort-floor, ort-bare, naive, operator, pipeline, incremental and minilm.");
    }
}
