package io.attentionstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionWeights;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What `consume` prints of a weights record, without a broker. */
class ConsumeCommandTest {

    @Test
    void aSingleLayerRecordPrintsItsShapeAndOneLinePerHead() {
        AttentionWeights w = AttentionSummaryTest.weights("sensor-0", 2, 1, 2, 1, List.of(0), 1f, 0f, .5f, .5f);
        assertThat(ConsumeCommand.describe(w))
                .containsExactly(
                        "  sensor-0 positions 4..5 (1 heads × 2 rows × 2)",
                        "  head 0: top 4 (0.50) 5 (0.50), row entropy 0.347 (uniform 0.693)");
    }

    @Test
    void aMultiLayerRecordPrintsItsLayersAndEachLayersHeads() {
        assertThat(ConsumeCommand.describe(AttentionSummaryTest.twoLayers()))
                .containsExactly(
                        "  doc-1 positions 4..6 (2 layers × 1 heads × 1 rows × 3)",
                        "  layer 0:",
                        "    head 0: top 4 (0.70) 5 (0.20) 6 (0.10), row entropy 0.802 (uniform 1.099)",
                        "  layer 5:",
                        "    head 0: top 6 (0.60) 5 (0.30) 4 (0.10), row entropy 0.898 (uniform 1.099)");
    }

    @Test
    void aRecordThatBreaksTheContractIsOneLineSayingHow() {
        AttentionWeights w = AttentionSummaryTest.weights("doc-1", 3, 1, 1, 2, List.of(0, 5), .7f, .2f, .1f);
        assertThat(ConsumeCommand.describe(w))
                .containsExactly(
                        "  doc-1 positions 4..6 (2 layers × 1 heads × 1 rows × 3)",
                        "  ! The weights record of doc-1  ·  positions 4..6 holds 3 values for 2 layers × 1 heads × "
                                + "1 query rows × 3 keys: it does not follow the data contract.");
    }
}
