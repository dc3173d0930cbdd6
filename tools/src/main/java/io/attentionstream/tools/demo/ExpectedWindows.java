package io.attentionstream.tools.demo;

/**
 * How many windows DESIGN.md's window semantics give for one key's uninterrupted sequence of
 * {@code events} events that ends with a flush: the full windows, plus one short window when the
 * flush finds events no window covered.
 */
public final class ExpectedWindows {
    private ExpectedWindows() {}

    public static int perKey(int events, int windowSize, int stride) {
        if (events <= 0) {
            return 0;
        }
        if (events < windowSize) {
            return 1;
        }
        int full = (events - windowSize) / stride + 1;
        long lastCovered = (long) (full - 1) * stride + windowSize - 1;
        return events - 1 > lastCovered ? full + 1 : full;
    }
}
