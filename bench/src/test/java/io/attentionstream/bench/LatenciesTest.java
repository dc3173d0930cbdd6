package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatenciesTest {

    @Test
    void nearestRankPercentiles() {
        Latencies l = new Latencies();
        // 1..100 in a scrambled order: p50 is the 50th smallest, p99 the 99th.
        for (int i = 0; i < 100; i++) {
            l.add((i * 37 % 100 + 1) * 1_000_000L);
        }
        assertThat(l.count()).isEqualTo(100);
        assertThat(l.percentileMillis(0.50)).isEqualTo(50.0);
        assertThat(l.percentileMillis(0.99)).isEqualTo(99.0);
        assertThat(l.percentileMillis(1.0)).isEqualTo(100.0);
        assertThat(l.percentileMillis(0.001)).isEqualTo(1.0);
    }

    @Test
    void smallSamplesRoundTheRankUp() {
        assertThat(Latencies.percentile(new long[] {30, 10, 20}, 0.5)).isEqualTo(20.0);
        assertThat(Latencies.percentile(new long[] {30, 10, 20}, 0.99)).isEqualTo(30.0);
        assertThat(Latencies.percentile(new long[] {7}, 0.5)).isEqualTo(7.0);
    }

    @Test
    void growsPastItsFirstArrayAndLeavesSamplesUnsorted() {
        Latencies l = new Latencies();
        for (int i = 5000; i > 0; i--) {
            l.add(i);
        }
        assertThat(l.percentileNanos(0.5)).isEqualTo(2500.0);
        // Asking twice gives the same answer: the samples are copied before sorting.
        assertThat(l.percentileNanos(0.5)).isEqualTo(2500.0);
    }

    @Test
    void noSamplesIsNaNAndBadQuantilesAreRefused() {
        assertThat(new Latencies().percentileMillis(0.99)).isNaN();
        assertThatThrownBy(() -> Latencies.percentile(new long[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Latencies.percentile(new long[] {1}, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
