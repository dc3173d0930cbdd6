package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void writesNestedValuesThatAJsonParserReadsBack() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("windows_per_s", 15561.234567);
        inner.put("p99_ms", Double.NaN);
        inner.put("ok", true);
        inner.put("none", null);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "ort-bare \"quoted\" \\ tab\t newline\n control\u0001 ünïcode ×");
        root.put("count", 42L);
        root.put("sizes", List.of(64, 256));
        root.put("paths", List.of(inner, Map.of()));
        root.put("empty", new ArrayList<>());

        String json = JsonText.write(root);
        JsonNode read = new ObjectMapper().readTree(json);

        assertThat(read.get("name").asText()).isEqualTo("ort-bare \"quoted\" \\ tab\t newline\n control\u0001 ünïcode ×");
        assertThat(read.get("count").asLong()).isEqualTo(42);
        assertThat(read.get("sizes").toString()).isEqualTo("[64,256]");
        JsonNode first = read.get("paths").get(0);
        assertThat(first.get("windows_per_s").asDouble()).isEqualTo(15561.2);
        assertThat(first.get("p99_ms").isNull()).isTrue();
        assertThat(first.get("ok").asBoolean()).isTrue();
        assertThat(first.get("none").isNull()).isTrue();
        assertThat(read.get("paths").get(1).size()).isZero();
        assertThat(read.get("empty").isArray()).isTrue();
        // Keys keep their order.
        List<String> keys = new ArrayList<>();
        read.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("name", "count", "sizes", "paths", "empty");
    }

    @Test
    void numbersKeepSixSignificantDigitsWithoutExponents() {
        assertThat(JsonText.number(0)).isEqualTo("0");
        assertThat(JsonText.number(1.0)).isEqualTo("1");
        assertThat(JsonText.number(0.1471)).isEqualTo("0.1471");
        assertThat(JsonText.number(123456789.0)).isEqualTo("123457000");
        assertThat(JsonText.number(0.0000123456789)).isEqualTo("0.0000123457");
        assertThat(JsonText.number(-2.5)).isEqualTo("-2.5");
        assertThat(JsonText.number(Double.POSITIVE_INFINITY)).isEqualTo("null");
        assertThat(JsonText.write(Arrays.asList(1.5f, 2, null))).isEqualTo("[1.5, 2, null]\n");
    }

    @Test
    void refusesTypesItCannotWrite() {
        assertThatThrownBy(() -> JsonText.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    }
}
