package io.attentionstream.bench;

import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The {@code minilm} path: all-MiniLM-L6-v2 (fp32, and its dynamically quantized int8 variant)
 * through {@code AttentionModel.run} on pre-built batches of full token windows, with the settings
 * the job uses for this model: every layer's attention exposed from the graph and emitted as
 * {@code --weights last-row} (full weights of 6 layers × 12 heads are 4.7 MB a window at n = 128,
 * more than a Kafka record takes by default), and {@code --output-rows all} (an encoder's use:
 * every token's hidden state, e.g. to pool a sentence embedding). It measures each window size at
 * B = 1 and B = {@code --batch-size}, both precisions, and at the largest window size and B =
 * {@code --batch-size} two more fp32 rows that give the cost of exposing attention.
 */
final class MiniLmPath {
    /** Weights the job emits for this model: the last query row of every layer and head. */
    static final WeightsMode WEIGHTS = WeightsMode.LAST_ROW;
    /** Output rows the job emits for this model: all of them. */
    static final OutputRows OUTPUT_ROWS = OutputRows.ALL;
    /** Token ids are drawn uniformly from [TOKEN_ID_MIN, TOKEN_ID_END): ordinary WordPiece ids. */
    static final int TOKEN_ID_MIN = 1000;

    static final int TOKEN_ID_END = 30000;

    private MiniLmPath() {}

    enum Precision {
        FP32("fp32"),
        INT8("int8");

        final String cliName;

        Precision(String cliName) {
            this.cliName = cliName;
        }
    }

    /** How the model's attention is treated: the job's setting, and the two that isolate its cost. */
    enum Attention {
        /** Every layer's Softmax exposed as a graph output at load, its last row copied out ({@link #WEIGHTS}). */
        EXPOSED("exposed", true, WEIGHTS),
        /** Exposed at load, but not fetched at run time ({@code WeightsMode.OFF}): what the graph change alone costs. */
        EXPOSED_UNREAD("exposed-unread", true, WeightsMode.OFF),
        /** Not exposed ({@code attentionWanted(false)}, {@code WeightsMode.OFF}): ONNX Runtime may fuse attention. */
        NONE("none", false, WeightsMode.OFF);

        final String cliName;
        final boolean wanted;
        final WeightsMode weights;

        Attention(String cliName, boolean wanted, WeightsMode weights) {
            this.cliName = cliName;
            this.wanted = wanted;
            this.weights = weights;
        }

        static Attention fromCliName(String name) {
            for (Attention a : values()) {
                if (a.cliName.equals(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("Unknown attention setting '" + name + "'.");
        }
    }

    /** One measured row: window size, precision, windows per {@code AttentionModel.run} call, attention. */
    record Row(int n, Precision precision, int batchSize, Attention attention) {
        /** The row's name after the path's in the console table, e.g. "fp32 B=8" or "fp32 B=8 none". */
        String variant() {
            return String.format(Locale.ROOT, "%s B=%d", precision.cliName, batchSize)
                    + (attention == Attention.EXPOSED ? "" : " " + attention.cliName);
        }

        /** Name of JMH's report file. */
        String label() {
            return String.format(
                    Locale.ROOT, "minilm-%s-n%d-b%d-%s", precision.cliName, n, batchSize, attention.cliName);
        }
    }

    /**
     * The rows, in the order they run: by window size, then precision, then B (1, then
     * {@code batchSize}), all with the job's attention setting. The two exposure-cost rows run
     * right after the fp32 row they are compared with, so that the three are measured close in
     * time, under the same load from other processes.
     */
    static List<Row> rows(List<Integer> windowSizes, int batchSize) {
        TreeSet<Integer> sizes = new TreeSet<>(windowSizes);
        TreeSet<Integer> batches = new TreeSet<>(List.of(1, batchSize));
        int exposureN = exposureCostN(windowSizes);
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            for (Precision p : Precision.values()) {
                for (int b : batches) {
                    rows.add(new Row(n, p, b, Attention.EXPOSED));
                    if (n == exposureN && p == Precision.FP32 && b == batchSize) {
                        rows.add(new Row(n, p, b, Attention.EXPOSED_UNREAD));
                        rows.add(new Row(n, p, b, Attention.NONE));
                    }
                }
            }
        }
        return rows;
    }

    /** The window size at which the cost of exposing attention is measured: the largest. */
    static int exposureCostN(List<Integer> windowSizes) {
        return Collections.max(windowSizes);
    }
}
