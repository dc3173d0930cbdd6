package io.attentionstream.job.kafka;

import io.attentionstream.avro.RejectedRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.HeaderProvider;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The Kafka headers of a dead letter: the same facts as its {@link RejectedRecord} value, for
 * tools that only read headers. A header is left out when its fact is null.
 */
public class DeadLetterHeaders implements HeaderProvider<RejectedRecord> {
    private static final long serialVersionUID = 1L;

    public static final String HEADER_REASON = "attention.reason";
    public static final String HEADER_MESSAGE = "attention.message";
    public static final String HEADER_SOURCE_TOPIC = "attention.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "attention.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "attention.source.offset";
    public static final String HEADER_REJECTED_AT = "attention.rejected.at";

    @Override
    public Headers getHeaders(RejectedRecord record) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, HEADER_REASON, record.getReason().name());
        header(headers, HEADER_MESSAGE, record.getMessage());
        header(headers, HEADER_SOURCE_TOPIC, record.getSourceTopic());
        header(headers, HEADER_SOURCE_PARTITION, record.getSourcePartition());
        header(headers, HEADER_SOURCE_OFFSET, record.getSourceOffset());
        header(headers, HEADER_REJECTED_AT, record.getRejectedAt());
        return headers;
    }

    private static void header(RecordHeaders headers, String name, Object value) {
        if (value != null) {
            headers.add(name, value.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
