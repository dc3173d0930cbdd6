package io.attentionstream.tools.viz;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pixels of rendered heatmaps, found through the renderer's own layout. */
class HeatmapRendererTest {
    private static final int WHITE = 0xffffff;

    @Test
    void theBrightestCellIsWhereTheLargestWeightIs() {
        float[] values = new float[6 * 6];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() * 0.5f;
        }
        values[2 * 6 + 4] = 0.9f;
        Heatmap h = heatmap("brightest", 6, 6, values, 1f);
        HeatmapLayout layout = HeatmapLayout.of(h);
        BufferedImage image = HeatmapRenderer.render(h, layout);

        int bestRow = -1;
        int bestCol = -1;
        double best = -1;
        for (int q = 0; q < 6; q++) {
            for (int k = 0; k < 6; k++) {
                double l = luminance(centre(image, layout.cellBounds(q, k)));
                if (l > best) {
                    best = l;
                    bestRow = q;
                    bestCol = k;
                }
            }
        }
        assertThat(new int[] {bestRow, bestCol}).containsExactly(2, 4);
    }

    @Test
    void colourBrightensAsTheWeightGrowsAlongARow() {
        int cols = 11;
        float[] values = new float[2 * cols];
        for (int k = 0; k < cols; k++) {
            values[cols + k] = k / 10f;
        }
        Heatmap h = heatmap("ramp", 2, cols, values, 1f);
        HeatmapLayout layout = HeatmapLayout.of(h);
        BufferedImage image = HeatmapRenderer.render(h, layout);

        double previous = -1;
        for (int k = 0; k < cols; k++) {
            Rectangle cell = layout.cellBounds(1, k);
            // Every pixel of a cell has the cell's colour, so the sampled one stands for all.
            assertThat(image.getRGB(cell.x, cell.y))
                    .isEqualTo(image.getRGB(cell.x + cell.width - 1, cell.y + cell.height - 1));
            double l = luminance(centre(image, cell));
            assertThat(l).as("luminance of weight %.1f", k / 10f).isGreaterThan(previous);
            previous = l;
        }
        assertThat(centre(image, layout.cellBounds(1, 0))).isEqualTo(ColorMap.rgb(0));
        assertThat(centre(image, layout.cellBounds(1, cols - 1))).isEqualTo(ColorMap.rgb(1));
    }

    @Test
    void theImageFollowsTheMatrixSizeWithinBounds() {
        HeatmapLayout small = HeatmapLayout.of(heatmap("small", 4, 4, new float[16], 1f));
        assertThat(small.cellSize()).isEqualTo(24);
        assertThat(small.grid().getSize()).isEqualTo(new java.awt.Dimension(96, 96));
        assertThat(small.width()).isBetween(200, 700);
        assertThat(small.height()).isBetween(200, 500);

        HeatmapLayout large = HeatmapLayout.of(heatmap("large", 512, 512, new float[512 * 512], 1f));
        assertThat(large.cellSize()).isEqualTo(1);
        assertThat(large.grid().getSize()).isEqualTo(new java.awt.Dimension(512, 512));
        assertThat(large.width()).isLessThanOrEqualTo(HeatmapLayout.MAX_GRID + 400);
        assertThat(large.height()).isLessThanOrEqualTo(HeatmapLayout.MAX_GRID + 400);
        assertThat(large.width()).isGreaterThan(small.width());

        HeatmapLayout huge = HeatmapLayout.of(heatmap("huge", 3000, 2000, new float[3000 * 2000], 1f));
        assertThat(huge.grid().width).isEqualTo(HeatmapLayout.MAX_GRID);
        assertThat(huge.grid().height).isEqualTo(HeatmapLayout.MAX_GRID);
        assertThat(huge.width()).isLessThanOrEqualTo(HeatmapLayout.MAX_GRID + 400);
        assertThat(huge.height()).isLessThanOrEqualTo(HeatmapLayout.MAX_GRID + 400);
    }

    @Test
    void aPeakInAShrunkGridStaysVisible() {
        int n = 2400;
        float[] values = new float[n * n];
        values[1234 * n + 567] = 1f;
        Heatmap h = heatmap("peak", n, n, values, 1f);
        HeatmapLayout layout = HeatmapLayout.of(h);
        BufferedImage image = HeatmapRenderer.render(h, layout);

        Rectangle peak = layout.cellBounds(1234, 567);
        assertThat(peak.width).isEqualTo(1);
        assertThat(image.getRGB(peak.x, peak.y) & 0xffffff).isEqualTo(ColorMap.rgb(1));
        Rectangle elsewhere = layout.cellBounds(100, 100);
        assertThat(image.getRGB(elsewhere.x, elsewhere.y) & 0xffffff).isEqualTo(ColorMap.rgb(0));
    }

    @Test
    void theTitleIsDrawnWhereTheLayoutSays() {
        Heatmap h = heatmap("sensor-0  ·  positions 4..19", 4, 4, new float[16], 1f);
        HeatmapLayout layout = HeatmapLayout.of(h);
        BufferedImage image = HeatmapRenderer.render(h, layout);

        assertThat(layout.title().text()).isEqualTo("sensor-0  ·  positions 4..19");
        Rectangle title = layout.title().bounds();
        assertThat(new Rectangle(0, 0, image.getWidth(), image.getHeight()).contains(title))
                .isTrue();
        assertThat(title.y + title.height).isLessThanOrEqualTo(layout.grid().y);
        assertThat(inkPixels(image, title)).as("dark pixels in the title's box").isGreaterThan(100);
        Rectangle bottomMargin =
                new Rectangle(0, image.getHeight() - HeatmapLayout.PAD, title.width, HeatmapLayout.PAD);
        assertThat(inkPixels(image, bottomMargin))
                .as("dark pixels in the empty bottom margin")
                .isZero();
    }

    @Test
    void aLongTitleIsCutShortInsteadOfWideningTheImage() {
        String key = "k".repeat(2000);
        HeatmapLayout layout = HeatmapLayout.of(heatmap(key, 4, 4, new float[16], 1f));
        assertThat(layout.title().text()).endsWith("…").hasSizeLessThan(key.length());
        assertThat(layout.width()).isLessThanOrEqualTo(HeatmapLayout.MAX_GRID + 2 * HeatmapLayout.PAD);
    }

    @Test
    void aLastRowStripIsOneCellHigh() {
        float[] values = new float[16];
        values[15] = 0.8f;
        Heatmap h = new Heatmap(
                "strip",
                "last query row",
                1,
                16,
                values,
                1f,
                Heatmap.Axis.positions("query position", 19, 1, null),
                Heatmap.Axis.positions("key position", 4, 16, null));
        HeatmapLayout layout = HeatmapLayout.of(h);
        BufferedImage image = HeatmapRenderer.render(h, layout);

        assertThat(layout.grid().height).isEqualTo(layout.cellSize());
        assertThat(layout.cellBounds(0, 15).height).isEqualTo(layout.cellSize());
        assertThat(layout.rowLabels()).extracting(PlacedText::text).containsExactly("19");
        assertThat(layout.height()).isLessThan(400);
        // Just below the strip is background, not another row of cells.
        Rectangle last = layout.cellBounds(0, 15);
        assertThat(image.getRGB(last.x + 1, last.y + last.height + 2) & 0xffffff)
                .isEqualTo(WHITE);
    }

    @Test
    void theColourBarRunsFromDarkAtZeroToBrightAtTheScaleMax() {
        Heatmap h = heatmap("bar", 4, 4, new float[16], 0.5f);
        HeatmapLayout layout = HeatmapLayout.of(h);
        BufferedImage image = HeatmapRenderer.render(h, layout);
        Rectangle bar = layout.colorBar();

        assertThat(image.getRGB(bar.x + 2, bar.y) & 0xffffff).isEqualTo(ColorMap.rgb(1));
        assertThat(image.getRGB(bar.x + 2, bar.y + bar.height - 1) & 0xffffff).isEqualTo(ColorMap.rgb(0));
        assertThat(layout.barLabels())
                .extracting(PlacedText::text)
                .containsExactly("0.000", "0.125", "0.250", "0.375", "0.500");
        for (PlacedText label : layout.barLabels()) {
            assertThat(inkPixels(image, label.bounds()))
                    .as("label %s", label.text())
                    .isGreaterThan(5);
        }
    }

    @Test
    void onlySomeLabelsWhenCellsAreTooSmallForAll() {
        HeatmapLayout layout = HeatmapLayout.of(heatmap("many", 200, 200, new float[200 * 200], 1f));
        List<PlacedText> labels = layout.colLabels();
        assertThat(labels.size()).isBetween(10, 100);
        for (int i = 1; i < labels.size(); i++) {
            Rectangle a = labels.get(i - 1).bounds();
            Rectangle b = labels.get(i).bounds();
            assertThat(a.intersects(b))
                    .as(
                            "labels %s and %s overlap",
                            labels.get(i - 1).text(), labels.get(i).text())
                    .isFalse();
        }
    }

    static Heatmap heatmap(String title, int rows, int cols, float[] values, float scaleMax) {
        return new Heatmap(
                title,
                "test",
                rows,
                cols,
                values,
                scaleMax,
                Heatmap.Axis.positions("query position", 0, rows, null),
                Heatmap.Axis.positions("key position", 0, cols, null));
    }

    static int centre(BufferedImage image, Rectangle r) {
        return image.getRGB(r.x + r.width / 2, r.y + r.height / 2) & 0xffffff;
    }

    static double luminance(int rgb) {
        return 0.2126 * ((rgb >> 16) & 0xff) + 0.7152 * ((rgb >> 8) & 0xff) + 0.0722 * (rgb & 0xff);
    }

    /** Pixels clearly darker than the white background. */
    static int inkPixels(BufferedImage image, Rectangle r) {
        int count = 0;
        for (int y = r.y; y < r.y + r.height; y++) {
            for (int x = r.x; x < r.x + r.width; x++) {
                if (luminance(image.getRGB(x, y) & WHITE) < 160) {
                    count++;
                }
            }
        }
        return count;
    }
}
