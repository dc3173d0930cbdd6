package io.attentionstream.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpectedWindowsTest {

    /** Counted by hand from DESIGN.md: full windows k·s … k·s+n−1, plus a flushed remainder. */
    @ParameterizedTest(name = "{0} events, n={1}, s={2} → {3}")
    @CsvSource({
        "0, 4, 1, 0",
        "3, 4, 1, 1", // fewer than n: one short window
        "4, 4, 1, 1",
        "7, 4, 1, 4", // 0-3 1-4 2-5 3-6
        "7, 4, 2, 3", // 0-3 2-5 4-6 (flushed)
        "8, 4, 4, 2", // 0-3 4-7, nothing left
        "9, 4, 4, 3", // 0-3 4-7 8 (flushed)
        "200, 16, 4, 47"
    })
    void countsWindowsOfOneSequence(int events, int n, int s, int expected) {
        assertThat(ExpectedWindows.perKey(events, n, s)).isEqualTo(expected);
    }
}
