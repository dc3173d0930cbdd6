package io.attentionstream.tools.viz;

import static io.attentionstream.tools.viz.AttentionHeatmapsTest.twoHeads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.avro.AttentionWeights;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowSelectionTest {
    private static final List<AttentionWeights> RECORDS = List.of(
            twoHeads("b", 0), twoHeads("a", 8), twoHeads("a", 0), twoHeads("a", 4), twoHeads("b", 4), twoHeads("a", 4));

    @Test
    void keepsTheNewestWindowsOfEachKeyInKeyAndPositionOrder() {
        assertThat(WindowSelection.newest(RECORDS, null, null, 2))
                .extracting(AttentionHeatmapsTest::id)
                .containsExactly("a@4", "a@8", "b@0", "b@4");
    }

    @Test
    void filtersByKeyAndStartAndCountsARepeatedWindowOnce() {
        assertThat(WindowSelection.newest(RECORDS, "a", null, 8))
                .extracting(AttentionHeatmapsTest::id)
                .containsExactly("a@0", "a@4", "a@8");
        assertThat(WindowSelection.newest(RECORDS, null, 4L, 8))
                .extracting(AttentionHeatmapsTest::id)
                .containsExactly("a@4", "b@4");
        assertThat(WindowSelection.newest(RECORDS, "c", null, 8)).isEmpty();
        assertThatThrownBy(() -> WindowSelection.newest(RECORDS, null, null, 0)).hasMessageContaining("at least one");
    }
}
