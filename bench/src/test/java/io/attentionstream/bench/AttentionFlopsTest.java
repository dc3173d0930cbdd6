package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AttentionFlopsTest {

    @Test
    void countsProjectionsScoresWeightedValuesAndOutputProjection() {
        int n = 64;
        int d = 64;
        double qkv = 3 * 2.0 * n * d * d;
        double scores = 2.0 * n * n * d;
        double weighted = 2.0 * n * n * d;
        double out = 2.0 * n * d * d;
        assertThat(AttentionFlops.perWindow(n, d)).isEqualTo(qkv + scores + weighted + out);
        assertThat(AttentionFlops.perWindow(64, 64)).isEqualTo(3_145_728.0);
        assertThat(AttentionFlops.perWindow(256, 64)).isEqualTo(8.0 * 256 * 64 * 64 + 4.0 * 256 * 256 * 64);
    }

    @Test
    void doesNotOverflowForLargeWindows() {
        assertThat(AttentionFlops.perWindow(65_536, 1024))
                .isEqualTo(8.0 * 65_536 * 1024 * 1024 + 4.0 * 65_536 * 65_536 * 1024);
    }

    @Test
    void fractionOfPeakIsAchievedFlopsOverPeak() {
        // 1000 windows/s of 3.145728 MFLOP each = 3.145728 GFLOP/s of a 100 GFLOP/s peak.
        assertThat(AttentionFlops.fractionOfPeak(1000, 64, 64, 100e9)).isCloseTo(0.03145728, within(1e-12));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> AttentionFlops.perWindow(0, 64)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AttentionFlops.fractionOfPeak(1, 64, 64, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void anIncrementalEventCostsItsOwnProjectionsAndOneRowOfScores() {
        // d=64, n=64: 8·64² + 4·64·64 = 32,768 + 16,384; a full window costs 64 times that.
        org.assertj.core.api.Assertions.assertThat(AttentionFlops.perIncrementalEvent(64, 64))
                .isEqualTo(49_152.0);
        org.assertj.core.api.Assertions.assertThat(
                        AttentionFlops.perWindow(64, 64) / AttentionFlops.perIncrementalEvent(64, 64))
                .isEqualTo(64.0);
    }

    @Test
    void anEncoderLayerAddsAFeedForwardBlockOfFourTimesTheWidth() {
        // all-MiniLM-L6-v2: 6 layers, d = 384, FFN 1536 = 4·d.
        int n = 128;
        int d = 384;
        int ffn = 4 * d;
        double attention = AttentionFlops.perWindow(n, d);
        double feedForward = 2.0 * n * d * ffn + 2.0 * n * ffn * d;
        assertThat(AttentionFlops.perEncoderWindow(n, d, 6)).isEqualTo(6 * (attention + feedForward));
        assertThat(AttentionFlops.perEncoderWindow(n, d, 6))
                .isEqualTo(6 * (24.0 * n * d * d + 4.0 * n * n * d))
                .isEqualTo(2_868_903_936.0);
        assertThat(AttentionFlops.perEncoderWindow(64, 384, 6)).isEqualTo(1_396_703_232.0);
        assertThatThrownBy(() -> AttentionFlops.perEncoderWindow(128, 384, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AttentionFlops.perEncoderWindow(0, 384, 6))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
