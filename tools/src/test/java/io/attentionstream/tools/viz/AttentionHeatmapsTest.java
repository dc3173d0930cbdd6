package io.attentionstream.tools.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.avro.AttentionWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionHeatmapsTest {

    /** Two heads × two query rows × three keys: head 0 holds 0..5, head 1 holds 10..15 (÷ 100). */
    static AttentionWeights twoHeads(String key, long start) {
        List<Float> w = new ArrayList<>();
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < 6; i++) {
                w.add((h * 10 + i) / 100f);
            }
        }
        return weights(key, start, start + 2, 3, 2, 2, w);
    }

    static AttentionWeights weights(
            String key, long start, long end, int length, int heads, int queryRows, List<Float> values) {
        return AttentionWeights.newBuilder()
                .setKey(key)
                .setWindowStartPosition(start)
                .setWindowEndPosition(end)
                .setWindowStartTimestamp(1000)
                .setWindowEndTimestamp(2000)
                .setLength(length)
                .setHeads(heads)
                .setQueryRows(queryRows)
                .setWeights(values)
                .setModel("feature_attention")
                .setModelSha256("ab")
                .build();
    }

    @Test
    void splitsTheRecordIntoHeadsAndTheirMean() {
        AttentionWeights w = twoHeads("sensor-0", 4);
        assertThat(AttentionHeatmaps.head(w, 0)).containsExactly(0f, .01f, .02f, .03f, .04f, .05f);
        assertThat(AttentionHeatmaps.head(w, 1)).containsExactly(.10f, .11f, .12f, .13f, .14f, .15f);
        assertThat(AttentionHeatmaps.meanOfHeads(w))
                .containsExactly(
                        new float[] {.05f, .06f, .07f, .08f, .09f, .10f}, org.assertj.core.data.Offset.offset(1e-6f));
        assertThatThrownBy(() -> AttentionHeatmaps.head(w, 2)).hasMessageContaining("2 heads");
    }

    @Test
    void aHeatmapShowsOneViewOnTheWindowsScaleWithItsPositionsAndTitle() {
        AttentionWeights w = twoHeads("sensor-0", 4);
        Heatmap head1 = AttentionHeatmaps.heatmap(w, 1, null);
        assertThat(head1.rows()).isEqualTo(2);
        assertThat(head1.cols()).isEqualTo(3);
        assertThat(head1.value(1, 2)).isEqualTo(.15f);
        assertThat(head1.scaleMax()).isEqualTo(.15f);
        assertThat(head1.colAxis().labels()).containsExactly("4", "5", "6");
        assertThat(head1.rowAxis().labels()).containsExactly("5", "6");
        assertThat(head1.title()).contains("sensor-0").contains("4..6");
        assertThat(head1.subtitle()).contains("head 1 of 2").contains("feature_attention");

        Heatmap mean = AttentionHeatmaps.heatmap(w, HeadSelection.MEAN, null);
        assertThat(mean.subtitle()).contains("mean of 2 heads");
        assertThat(mean.scaleMax()).as("same scale as the heads").isEqualTo(.15f);
    }

    @Test
    void aLastRowRecordIsAStripAtTheWindowsLastPosition() {
        AttentionWeights w = weights("doc-1", 10, 13, 4, 1, 1, List.of(.1f, .2f, .3f, .4f));
        Heatmap h = AttentionHeatmaps.heatmap(w, 0, new long[] {7, 8, 9, 523});
        assertThat(h.rows()).isEqualTo(1);
        assertThat(h.rowAxis().labels()).containsExactly("13");
        assertThat(h.colAxis().labels()).containsExactly("10 [7]", "11 [8]", "12 [9]", "13 [523]");
        assertThat(h.colAxis().title()).contains("token id");
        assertThat(h.subtitle()).contains("last query row");
    }

    @Test
    void windowsWithGapsInTheirPositionsAreNumberedWithinTheWindow() {
        AttentionWeights w = weights("gappy", 10, 20, 3, 1, 3, List.of(1f, 0f, 0f, .5f, .5f, 0f, .2f, .3f, .5f));
        Heatmap h = AttentionHeatmaps.heatmap(w, 0, null);
        assertThat(h.colAxis().labels()).containsExactly("0", "1", "2");
        assertThat(h.colAxis().title()).contains("index");
        assertThat(h.title()).contains("10..20");
    }

    @Test
    void aRecordThatBreaksTheContractIsRefusedWithItsShape() {
        AttentionWeights w = weights("bad", 0, 2, 3, 2, 3, List.of(1f, 2f));
        assertThatThrownBy(() -> AttentionHeatmaps.meanOfHeads(w))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 values for 2 heads × 3 query rows × 3 keys");
    }

    @Test
    void namesFilesByKeyWindowAndHeadAndMakesKeysSafe() {
        AttentionWeights w = twoHeads("sensor-0", 4);
        assertThat(HeatmapFileNames.of(w, 1)).isEqualTo("sensor-0_4-6_head1.png");
        assertThat(HeatmapFileNames.of(w, HeadSelection.MEAN)).isEqualTo("sensor-0_4-6_mean.png");

        String unsafe = HeatmapFileNames.safeKey("../etc/pass wd");
        assertThat(unsafe)
                .matches("[A-Za-z0-9_][A-Za-z0-9._-]*")
                .doesNotContain("/")
                .doesNotStartWith(".");
        assertThat(HeatmapFileNames.safeKey("a/b"))
                .isNotEqualTo(HeatmapFileNames.safeKey("a:b"))
                .isNotEqualTo("a_b");
        assertThat(HeatmapFileNames.safeKey("x".repeat(500)).length())
                .isLessThanOrEqualTo(HeatmapFileNames.MAX_KEY_CHARS + 9);
        assertThat(HeatmapFileNames.safeKey("")).isNotEmpty();
    }

    @Test
    void headSelectionsChooseTheViews() {
        assertThat(HeadSelection.parse("all").views(4)).containsExactly(0, 1, 2, 3, HeadSelection.MEAN);
        assertThat(HeadSelection.parse("mean").views(4)).containsExactly(HeadSelection.MEAN);
        assertThat(HeadSelection.parse("2").views(4)).containsExactly(2);
        assertThatThrownBy(() -> HeadSelection.parse("7").views(4)).hasMessageContaining("4 heads (0..3)");
        assertThatThrownBy(() -> HeadSelection.parse("first")).hasMessageContaining("mean or all");
        assertThatThrownBy(() -> HeadSelection.parse("-1")).hasMessageContaining("0 or more");
    }

    @Test
    void rendersEveryHeadAndTheMeanAsPngs(@TempDir Path dir) throws Exception {
        List<RenderedHeatmap> images = AttentionHeatmaps.render(twoHeads("sensor-0", 4), HeadSelection.ALL, dir, null);
        assertThat(images)
                .extracting(r -> r.file().getFileName().toString())
                .containsExactly("sensor-0_4-6_head0.png", "sensor-0_4-6_head1.png", "sensor-0_4-6_mean.png");
        for (RenderedHeatmap image : images) {
            assertThat(ImageIO.read(image.file().toFile())).as(image.caption()).isNotNull();
        }
        assertThat(images.get(2).view()).isEqualTo("mean of 2 heads");
    }

    @Test
    void aMultiLayerRecordDrawsTheChosenLayerAndNamesIt(@TempDir Path dir) throws Exception {
        AttentionWeights w = WeightsViewTest.layered(List.of(0, 5), 2, 2, 2, 3);
        List<RenderedHeatmap> last = AttentionHeatmaps.render(w, LayerChoice.LAST, HeadSelection.ALL, dir, null);
        assertThat(last)
                .extracting(r -> r.file().getFileName().toString())
                .containsExactly("doc-1_10-12_L5_head0.png", "doc-1_10-12_L5_head1.png", "doc-1_10-12_L5_mean.png");
        assertThat(last)
                .extracting(RenderedHeatmap::view)
                .containsExactly("layer 5, head 0 of 2", "layer 5, head 1 of 2", "layer 5, mean of 2 heads");
        for (RenderedHeatmap image : last) {
            assertThat(ImageIO.read(image.file().toFile())).as(image.caption()).isNotNull();
        }
        assertThat(AttentionHeatmaps.render(w, HeadSelection.MEAN_ONLY, dir, null))
                .as("the last layer unless chosen")
                .extracting(r -> r.file().getFileName().toString())
                .containsExactly("doc-1_10-12_L5_mean.png");
        assertThat(AttentionHeatmaps.render(w, LayerChoice.index(0), HeadSelection.head(1), dir, null))
                .extracting(r -> r.file().getFileName().toString())
                .containsExactly("doc-1_10-12_L0_head1.png");
        assertThatThrownBy(() -> AttentionHeatmaps.render(w, LayerChoice.index(3), HeadSelection.ALL, dir, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds layers 0, 5");
    }

    @Test
    void aMultiLayerHeatmapShowsItsLayersValuesOnItsLayersScale() {
        WeightsView v = WeightsView.of(WeightsViewTest.layered(List.of(0, 5), 2, 2, 2, 3));
        Heatmap layer0head1 = AttentionHeatmaps.heatmap(v, 0, 1, null);
        assertThat(layer0head1.value(1, 2)).isEqualTo(WeightsViewTest.code(0, 1, 1, 2));
        assertThat(layer0head1.scaleMax()).isEqualTo(WeightsViewTest.code(0, 1, 1, 2));
        assertThat(layer0head1.subtitle()).startsWith("layer 0, head 1 of 2  ·  encoder");
        Heatmap layer5mean = AttentionHeatmaps.heatmap(v, 1, HeadSelection.MEAN, null);
        assertThat(layer5mean.value(0, 0))
                .isCloseTo(
                        (WeightsViewTest.code(1, 0, 0, 0) + WeightsViewTest.code(1, 1, 0, 0)) / 2,
                        org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(layer5mean.scaleMax()).isEqualTo(WeightsViewTest.code(1, 1, 1, 2));
        assertThat(layer5mean.subtitle()).startsWith("layer 5, mean of 2 heads");
        assertThat(AttentionHeatmaps.head(v.record(), 0)).as("the last layer").containsExactly(v.head(1, 0));
    }

    @Test
    void singleLayerRecordsKeepTheirNamesAndOneLayerOfADeeperModelIsNamed() {
        List<Float> values = List.of(.1f, .2f, .3f, .4f);
        AttentionWeights onlyLayer = AttentionWeights.newBuilder(weights("doc-1", 10, 13, 4, 1, 1, values))
                .setLayerIndexes(List.of(0))
                .build();
        assertThat(HeatmapFileNames.of(onlyLayer, 0)).isEqualTo("doc-1_10-13_head0.png");
        assertThat(AttentionHeatmaps.heatmap(onlyLayer, 0, null).subtitle()).startsWith("head 0 of 1  ·  ");

        AttentionWeights layer3 = AttentionWeights.newBuilder(onlyLayer)
                .setLayerIndexes(List.of(3))
                .build();
        assertThat(HeatmapFileNames.of(layer3, HeadSelection.MEAN)).isEqualTo("doc-1_10-13_L3_mean.png");
        assertThat(AttentionHeatmaps.heatmap(layer3, 0, null).subtitle()).startsWith("layer 3, head 0 of 1  ·  ");
    }

    @Test
    void writeForKeyDrawsTheNewestWindowOfThatKeyOnly(@TempDir Path dir) {
        List<AttentionWeights> records = List.of(
                twoHeads("sensor-0", 0), twoHeads("sensor-0", 8), twoHeads("sensor-0", 4), twoHeads("sensor-1", 12));
        List<Path> files = AttentionHeatmaps.writeForKey(records, "sensor-0", dir);
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .containsExactly("sensor-0_8-10_head0.png", "sensor-0_8-10_head1.png", "sensor-0_8-10_mean.png");
        assertThat(files).allMatch(Files::isRegularFile);
        assertThat(AttentionHeatmaps.writeForKey(records, "no-such-key", dir)).isEmpty();
    }

    @Test
    void tokensAreJoinedByKeyAndPositionWhenEveryOneIsKnown() {
        TokenSource tokens = TokenSource.byPosition(Map.of("doc-1", Map.of(4L, 40L, 5L, 50L, 6L, 60L)));
        assertThat(tokens.tokensOf(twoHeads("doc-1", 4))).containsExactly(40, 50, 60);
        assertThat(tokens.tokensOf(twoHeads("doc-1", 5)))
                .as("position 7 unknown")
                .isNull();
        assertThat(tokens.tokensOf(twoHeads("doc-2", 4))).isNull();
    }

    static String id(AttentionWeights w) {
        return w.getKey() + "@" + w.getWindowStartPosition();
    }
}
