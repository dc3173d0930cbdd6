package io.attentionstream.core.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.core.window.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

class WavesTest {

    @Test
    void eachWaveHoldsEveryKeysNextEventInArrivalOrder() {
        List<Event> batch = List.of(e("a", 0), e("a", 1), e("b", 0), e("a", 2), e("c", 0), e("b", 1));

        List<List<String>> waves = Waves.of(batch).stream()
                .map(wave -> wave.stream().map(ev -> ev.key + ev.position).toList())
                .toList();

        assertThat(waves).containsExactly(List.of("a0", "b0", "c0"), List.of("a1", "b1"), List.of("a2"));
    }

    @Test
    void distinctKeysAreOneWave() {
        assertThat(Waves.of(List.of(e("a", 0), e("b", 0), e("c", 0)))).hasSize(1);
    }

    private static Event e(String key, long position) {
        return Event.ofFeatures(key, position, position, new float[1]);
    }
}
