package io.attentionstream.tools.viz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColorMapTest {
    @Test
    void luminanceRisesMonotonicallyFromDarkPurpleToYellow() {
        assertThat(ColorMap.rgb(0)).isEqualTo(0x440154);
        assertThat(ColorMap.rgb(1)).isEqualTo(0xfde725);
        double previous = -1;
        // Steps of 1/100: finer ones are within the rounding of 8-bit channels.
        for (int i = 0; i <= 100; i++) {
            double l = HeatmapRendererTest.luminance(ColorMap.rgb(i / 100.0));
            assertThat(l).as("luminance at %d/100", i).isGreaterThan(previous);
            previous = l;
        }
        assertThat(HeatmapRendererTest.luminance(ColorMap.rgb(1)) - HeatmapRendererTest.luminance(ColorMap.rgb(0)))
                .isGreaterThan(150);
    }

    @Test
    void valuesOutsideTheScaleAreClampedAndNaNIsGrey() {
        assertThat(ColorMap.rgb(-3)).isEqualTo(ColorMap.rgb(0));
        assertThat(ColorMap.rgb(7)).isEqualTo(ColorMap.rgb(1));
        assertThat(ColorMap.rgb(Double.NaN)).isEqualTo(ColorMap.MISSING);
    }
}
