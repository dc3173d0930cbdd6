package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsJsonTest {

    @Test
    void writesFiguresToSixDigitsAndWhatWasNotMeasuredAsNull() throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("windows_per_s", 15561.234567);
        root.put("ratio", 0.9);
        root.put("p99_ms", Double.NaN);
        root.put("peak", Double.POSITIVE_INFINITY);
        root.put("windows", 42L);
        root.put("sizes", List.of(64, 256));

        String json = ResultsJson.write(root);
        JsonNode read = new ObjectMapper().readTree(json);

        assertThat(read.get("windows_per_s").asText()).isEqualTo("15561.2");
        assertThat(read.get("ratio").asDouble()).isEqualTo(0.9);
        assertThat(read.get("p99_ms").isNull()).isTrue();
        assertThat(read.get("peak").isNull()).isTrue();
        assertThat(read.get("windows").asLong()).isEqualTo(42);
        assertThat(read.get("sizes").get(1).asInt()).isEqualTo(256);
        assertThat(json).startsWith("{\n").contains("\"windows_per_s\"");
        assertThat(List.copyOf(root.keySet())).containsExactly(iterable(read.fieldNames()));
    }

    @Test
    void roundsLargeFiguresWithoutAnExponent() throws Exception {
        assertThat(ResultsJson.write(Map.of("flops", 3.328e11))).contains("332800000000");
    }

    private static String[] iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list.toArray(new String[0]);
    }
}
