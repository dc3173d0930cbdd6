package io.attentionstream.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;

/**
 * The one Jackson mapper of results.json: indented, keys in the order the report gives them,
 * doubles to 6 significant digits, and NaN or infinities (a figure not measured) as null, since JSON
 * cannot hold them.
 */
final class ResultsJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule("results-json").addSerializer(Double.class, new FiniteDoubleSerializer()));

    private ResultsJson() {}

    static void write(Path file, Object value) throws IOException {
        MAPPER.writeValue(file.toFile(), value);
    }

    static String write(Object value) throws IOException {
        return MAPPER.writeValueAsString(value);
    }

    /** {@code value} to 6 significant digits, as results.json writes it; null when not finite. */
    static BigDecimal rounded(double value) {
        return Double.isFinite(value) ? new BigDecimal(value, new MathContext(6)).stripTrailingZeros() : null;
    }

    private static final class FiniteDoubleSerializer extends StdSerializer<Double> {
        private static final long serialVersionUID = 1L;

        FiniteDoubleSerializer() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            BigDecimal v = rounded(value);
            if (v == null) {
                gen.writeNull();
            } else {
                gen.writeNumber(v.toPlainString());
            }
        }
    }
}
