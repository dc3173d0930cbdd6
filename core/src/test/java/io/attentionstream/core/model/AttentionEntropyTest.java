package io.attentionstream.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AttentionEntropyTest {

    @Test
    void isTheMeanOverEveryRow() {
        AttentionEntropy entropy = new AttentionEntropy();
        // Two rows of four: one spread evenly (ln 4), one on a single position (0).
        entropy.add(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0f, 1f, 0f, 0f}, 4);
        assertThat(entropy.mean()).isCloseTo(Math.log(4) / 2, within(1e-6));

        // Rows of another length count alike.
        entropy.add(new float[] {0.5f, 0.5f}, 2);
        assertThat(entropy.mean()).isCloseTo((Math.log(4) + Math.log(2)) / 3, within(1e-6));
    }

    @Test
    void isNaNWithoutWeights() {
        AttentionEntropy entropy = new AttentionEntropy();
        entropy.add(null, 4);
        assertThat(entropy.mean()).isNaN();
    }
}
