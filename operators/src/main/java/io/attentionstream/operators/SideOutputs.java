package io.attentionstream.operators;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.avro.RejectedRecord;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** The outputs every operator of the job shares: the main output's type and the two side outputs. */
public final class SideOutputs {

    /** Type information of the attention operators' main output, for {@code DataStream#transform}. */
    public static final AvroTypeInfo<AttentionOutput> OUTPUT_TYPE = new AvroTypeInfo<>(AttentionOutput.class);

    /** Attention weights records, next to the outputs. */
    public static final OutputTag<AttentionWeights> WEIGHTS =
            new OutputTag<>("attention-weights", new AvroTypeInfo<>(AttentionWeights.class));

    /** Rejected records of every operator; the job routes them to the dead-letter topic. */
    public static final OutputTag<RejectedRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", new AvroTypeInfo<>(RejectedRecord.class));

    private SideOutputs() {}
}
