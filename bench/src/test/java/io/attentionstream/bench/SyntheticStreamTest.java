package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.window.Event;
import org.junit.jupiter.api.Test;

class SyntheticStreamTest {

    @Test
    void eachKeysFirstNMinusOneEventsMakeNoWindowWithStrideOne() {
        assertThat(SyntheticStream.windowsOf(16 * 100, 16, 64)).isEqualTo(16 * 37);
        // 10 events over 3 keys: 4, 3 and 3 events; windows of 3 → 2 + 1 + 1.
        assertThat(SyntheticStream.windowsOf(10, 3, 3)).isEqualTo(4);
        assertThat(SyntheticStream.windowsOf(5, 16, 64)).isZero();
    }

    @Test
    void keysTakeTurnsAndPositionsCountPerKey() {
        Event[] events = new SyntheticStream(4, 1).events(6, 3);
        assertThat(events)
                .extracting(e -> e.key)
                .containsExactly("bench-0", "bench-1", "bench-2", "bench-0", "bench-1", "bench-2");
        assertThat(events).extracting(e -> e.position).containsExactly(0L, 0L, 0L, 1L, 1L, 1L);
        assertThat(events[0].features).hasSize(4);
    }
}
