package io.attentionstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.avro.AttentionWeights;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionSummaryTest {

    static AttentionWeights weights(
            String key, int length, int heads, int queryRows, int layers, List<Integer> layerIndexes, Float... values) {
        return AttentionWeights.newBuilder()
                .setKey(key)
                .setWindowStartPosition(4)
                .setWindowEndPosition(4 + length - 1)
                .setWindowStartTimestamp(1000)
                .setWindowEndTimestamp(2000)
                .setLength(length)
                .setHeads(heads)
                .setQueryRows(queryRows)
                .setWeights(List.of(values))
                .setModel("m")
                .setModelSha256("ab")
                .setLayers(layers)
                .setLayerIndexes(layerIndexes)
                .build();
    }

    /** Two layers (the model's 0 and 5) of one head, last query row only, over three keys. */
    static AttentionWeights twoLayers() {
        return weights("doc-1", 3, 1, 1, 2, List.of(0, 5), .7f, .2f, .1f, .1f, .3f, .6f);
    }

    @Test
    void aSingleLayerRecordIsOneLinePerHeadAsBefore() {
        AttentionWeights w = weights("sensor-0", 2, 2, 2, 1, List.of(0), 1f, 0f, .5f, .5f, .2f, .8f, .9f, .1f);
        assertThat(AttentionSummary.describe(w))
                .containsExactly(
                        "  head 0: top 4 (0.50) 5 (0.50), row entropy 0.347 (uniform 0.693)",
                        "  head 1: top 4 (0.90) 5 (0.10), row entropy 0.413 (uniform 0.693)");
        AttentionWeights written1 =
                AttentionWeights.newBuilder(w).setLayerIndexes(List.of()).build();
        assertThat(AttentionSummary.describe(written1))
                .as("a record of schema version 1")
                .isEqualTo(AttentionSummary.describe(w));
    }

    @Test
    void aMultiLayerRecordIsSummarisedPerLayerFromThatLayersWeights() {
        assertThat(AttentionSummary.describe(twoLayers()))
                .containsExactly(
                        "  layer 0:",
                        "    head 0: top 4 (0.70) 5 (0.20) 6 (0.10), row entropy 0.802 (uniform 1.099)",
                        "  layer 5:",
                        "    head 0: top 6 (0.60) 5 (0.30) 4 (0.10), row entropy 0.898 (uniform 1.099)");
    }

    @Test
    void theLastRowOfEachHeadOfEachLayerIsTheOneRanked() {
        // 2 layers × 2 heads × 2 rows × 2 keys; each head's last row prefers a different key.
        AttentionWeights w = weights(
                "doc-2", 2, 2, 2, 2, List.of(), //
                .5f, .5f, .9f, .1f, // layer 0 head 0: last row prefers position 4
                .5f, .5f, .1f, .9f, // layer 0 head 1: position 5
                .5f, .5f, .8f, .2f, // layer 1 head 0: position 4
                .5f, .5f, .3f, .7f); // layer 1 head 1: position 5
        assertThat(AttentionSummary.describe(w))
                .extracting(line -> line.replaceAll(", row entropy.*", ""))
                .containsExactly(
                        "  layer 0:",
                        "    head 0: top 4 (0.90) 5 (0.10)",
                        "    head 1: top 5 (0.90) 4 (0.10)",
                        "  layer 1:",
                        "    head 0: top 4 (0.80) 5 (0.20)",
                        "    head 1: top 5 (0.70) 4 (0.30)");
    }

    @Test
    void oneLayerOfADeeperModelIsLabelled() {
        AttentionWeights w = weights("doc-1", 2, 1, 1, 1, List.of(5), .25f, .75f);
        assertThat(AttentionSummary.describe(w))
                .containsExactly("  layer 5:", "    head 0: top 5 (0.75) 4 (0.25), row entropy 0.562 (uniform 0.693)");
    }

    @Test
    void aRecordWhoseValuesDoNotFillItsLayersIsRefused() {
        AttentionWeights w = weights("doc-1", 3, 1, 1, 2, List.of(0, 5), .7f, .2f, .1f);
        assertThatThrownBy(() -> AttentionSummary.describe(w))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds 3 values for 2 layers × 1 heads × 1 query rows × 3 keys");
    }
}
