package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MachineTest {
    private static final String AVX512 = """
            processor\t: 0
            model name\t: Intel(R) Xeon(R) Processor
            cpu MHz\t\t: 2599.998
            flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512dq

            processor\t: 1
            model name\t: Intel(R) Xeon(R) Processor
            cpu MHz\t\t: 2600.004
            flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512dq
            """;

    @Test
    void avx512CountsSixtyFourFlopsPerCycleAndTakesTheHighestClock() {
        Machine m = Machine.fromCpuInfo(AVX512, 2, 1L << 34, "17");
        assertThat(m.cpuModel()).isEqualTo("Intel(R) Xeon(R) Processor");
        assertThat(m.simd()).isEqualTo("AVX-512");
        assertThat(m.flopsPerCycle()).isEqualTo(64);
        assertThat(m.ghz()).isCloseTo(2.600004, within(1e-12));
        assertThat(m.ghzSource()).isEqualTo("cpu MHz");
        assertThat(m.peakFlops()).isCloseTo(2 * 2.600004e9 * 64, within(1.0));
    }

    @Test
    void theNominalClockOfTheModelNameWinsAndAvx2NeedsFma() {
        String text =
                "model name\t: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz\ncpu MHz\t: 3400.0\nflags\t: sse avx avx2 fma\n";
        Machine m = Machine.fromCpuInfo(text, 4, 0, "17");
        assertThat(m.ghz()).isCloseTo(1.90, within(1e-12));
        assertThat(m.ghzSource()).isEqualTo("model name");
        assertThat(m.simd()).isEqualTo("AVX2+FMA");
        assertThat(m.flopsPerCycle()).isEqualTo(32);
        assertThat(m.peakFlops()).isCloseTo(4 * 1.90e9 * 32, within(1.0));

        Machine noFma = Machine.fromCpuInfo("flags\t: sse avx avx2\ncpu MHz\t: 2000\n", 1, 0, "17");
        assertThat(noFma.flopsPerCycle()).isEqualTo(16);
    }

    @Test
    void anUnreadableCpuinfoGivesAnUnknownPeak() {
        Machine m = Machine.fromCpuInfo("", 2, 0, "17");
        assertThat(m.cpuModel()).isEqualTo("unknown");
        assertThat(m.flopsPerCycle()).isEqualTo(8);
        assertThat(m.peakFlops()).isNaN();
    }

    @Test
    void thePeakOfIntraOpThreadsCountsOneCoreEachUpToAllOfThem() {
        String avx2 = "model name\t: AMD EPYC\ncpu MHz\t: 2096.008\nflags\t: sse avx avx2 fma\n";
        Machine m = Machine.fromCpuInfo(avx2, 2, 0, "17");
        // AVX2 + FMA: 2 FMA units × 8 fp32 lanes × 2 FLOPs = 32 FLOPs per cycle.
        assertThat(m.peakFlopsOfThreads(1)).isCloseTo(2.096008e9 * 32, within(1.0));
        assertThat(m.peakFlopsOfThreads(1)).isEqualTo(m.peakFlopsPerCore());
        assertThat(m.peakFlopsOfThreads(4)).isEqualTo(m.peakFlops());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.peakFlopsOfThreads(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
