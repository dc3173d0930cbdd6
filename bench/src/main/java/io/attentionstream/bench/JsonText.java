package io.attentionstream.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the benchmark's results as indented JSON, with no library: maps (keys in their order),
 * lists, strings, numbers, booleans and null. Numbers keep 6 significant digits; NaN and
 * infinities, which JSON cannot hold, are written as null.
 */
public final class JsonText {
    private static final MathContext DIGITS = new MathContext(6);

    private JsonText() {}

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, int indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof Double || value instanceof Float) {
            out.append(number(((Number) value).doubleValue()));
        } else if (value instanceof Number n) {
            out.append(n.longValue());
        } else if (value instanceof Map<?, ?> map) {
            object(map, out, indent);
        } else if (value instanceof List<?> list) {
            array(list, out, indent);
        } else if (value instanceof Enum<?> e) {
            string(e.name(), out);
        } else {
            throw new IllegalArgumentException("Cannot write a " + value.getClass().getName() + " as JSON.");
        }
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(DIGITS).stripTrailingZeros().toPlainString();
    }

    private static void object(Map<?, ?> map, StringBuilder out, int indent) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append("{\n");
        Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<?, ?> e = entries.next();
            pad(out, indent + 1);
            string(String.valueOf(e.getKey()), out);
            out.append(": ");
            write(e.getValue(), out, indent + 1);
            out.append(entries.hasNext() ? ",\n" : "\n");
        }
        pad(out, indent);
        out.append('}');
    }

    private static void array(List<?> list, StringBuilder out, int indent) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        boolean simple = list.stream().noneMatch(v -> v instanceof Map || v instanceof List);
        if (simple) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                write(list.get(i), out, indent);
                out.append(i + 1 < list.size() ? ", " : "");
            }
            out.append(']');
            return;
        }
        out.append("[\n");
        for (int i = 0; i < list.size(); i++) {
            pad(out, indent + 1);
            write(list.get(i), out, indent + 1);
            out.append(i + 1 < list.size() ? ",\n" : "\n");
        }
        pad(out, indent);
        out.append(']');
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void pad(StringBuilder out, int indent) {
        out.append("  ".repeat(indent));
    }
}
