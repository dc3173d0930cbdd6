package io.attentionstream.tools.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.attentionstream.avro.AttentionWeights;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

public class WeightsViewTest {

    /**
     * {@code layerIndexes.size()} layers × {@code heads} heads × {@code rows} query rows × {@code
     * length} keys, from position 10; the value at (l, h, q, k) is {@code code(l, h, q, k)}, so any
     * value tells where it was read from.
     */
    public static AttentionWeights layered(List<Integer> layerIndexes, int layers, int heads, int rows, int length) {
        List<Float> values = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < rows; q++) {
                    for (int k = 0; k < length; k++) {
                        values.add(code(l, h, q, k));
                    }
                }
            }
        }
        return AttentionWeights.newBuilder()
                .setKey("doc-1")
                .setWindowStartPosition(10)
                .setWindowEndPosition(10 + length - 1)
                .setWindowStartTimestamp(1000)
                .setWindowEndTimestamp(2000)
                .setLength(length)
                .setHeads(heads)
                .setQueryRows(rows)
                .setWeights(values)
                .setModel("encoder")
                .setModelSha256("ab")
                .setLayers(layers)
                .setLayerIndexes(layerIndexes)
                .build();
    }

    /** A weight that says where it is: 0.LHQK. */
    public static float code(int l, int h, int q, int k) {
        return (l * 1000 + h * 100 + q * 10 + k) / 10_000f;
    }

    @Test
    void indexesLayersHeadsRowsAndKeysRowMajor() {
        AttentionWeights w = layered(List.of(0, 5), 2, 3, 2, 4);
        WeightsView v = WeightsView.of(w);
        assertThat(v.layers()).isEqualTo(2);
        assertThat(v.heads()).isEqualTo(3);
        assertThat(v.queryRows()).isEqualTo(2);
        assertThat(v.length()).isEqualTo(4);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 3; h++) {
                for (int q = 0; q < 2; q++) {
                    for (int k = 0; k < 4; k++) {
                        assertThat(v.offset(l, h, q, k)).isEqualTo(((l * 3 + h) * 2 + q) * 4 + k);
                        assertThat(v.get(l, h, q, k)).isEqualTo(code(l, h, q, k));
                    }
                }
            }
        }
        assertThat(v.head(1, 2))
                .containsExactly(
                        code(1, 2, 0, 0),
                        code(1, 2, 0, 1),
                        code(1, 2, 0, 2),
                        code(1, 2, 0, 3),
                        code(1, 2, 1, 0),
                        code(1, 2, 1, 1),
                        code(1, 2, 1, 2),
                        code(1, 2, 1, 3));
        assertThat(v.meanOfHeads(1)[5]).isCloseTo(code(1, 1, 1, 1), within(1e-6f));
        assertThat(v.meanOfHeads(0)[5]).isCloseTo(code(0, 1, 1, 1), within(1e-6f));
        assertThat(v.max(0)).isEqualTo(code(0, 2, 1, 3));
        assertThat(v.max(1)).isEqualTo(code(1, 2, 1, 3));
        assertThatThrownBy(() -> v.offset(2, 0, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.offset(0, 0, 0, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.head(0, 3)).hasMessageContaining("3 heads");
    }

    @Test
    void layersAreLabelledWithTheModelsIndexOrTheirPosition() {
        WeightsView listed = WeightsView.of(layered(List.of(0, 5), 2, 1, 1, 2));
        assertThat(listed.layerIndexes()).containsExactly(0, 5);
        assertThat(listed.layerLabel(1)).isEqualTo("layer 5");
        assertThat(listed.layerOf(5)).hasValue(1);
        assertThat(listed.layerOf(3)).isEmpty();
        assertThat(listed.lastLayer()).isEqualTo(1);
        assertThat(listed.namesLayers()).isTrue();

        WeightsView unlisted = WeightsView.of(layered(List.of(), 3, 1, 1, 2));
        assertThat(unlisted.layerIndexes()).as("empty means 0..layers-1").containsExactly(0, 1, 2);
        assertThat(unlisted.layerLabel(2)).isEqualTo("layer 2");
        assertThat(unlisted.namesLayers()).isTrue();

        assertThat(WeightsView.of(layered(List.of(), 1, 1, 1, 2)).namesLayers())
                .as("a record written before layers existed")
                .isFalse();
        assertThat(WeightsView.of(layered(List.of(0), 1, 1, 1, 2)).namesLayers())
                .as("a single-layer model")
                .isFalse();
        assertThat(WeightsView.of(layered(List.of(5), 1, 1, 1, 2)).namesLayers())
                .as("one layer of a deeper model")
                .isTrue();
    }

    @Test
    void aRecordWhoseValuesDoNotFillItsLayersIsRefusedWithItsShape() {
        AttentionWeights good = layered(List.of(0, 5), 2, 2, 1, 3);
        AttentionWeights oneLayersWorth = AttentionWeights.newBuilder(good)
                .setWeights(good.getWeights().subList(0, 6))
                .build();
        assertThatThrownBy(() -> WeightsView.of(oneLayersWorth))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The weights record of doc-1  ·  positions 10..12 holds 6 values for 2 layers × 2 heads × "
                        + "1 query rows × 3 keys: it does not follow the data contract.");

        AttentionWeights noLayers =
                AttentionWeights.newBuilder(good).setLayers(0).build();
        assertThatThrownBy(() -> WeightsView.of(noLayers)).hasMessageContaining("for 0 layers × 2 heads");
    }

    @Test
    void layerIndexesMustNameOneDistinctLayerEach() {
        AttentionWeights good = layered(List.of(0, 5), 2, 1, 1, 2);
        for (List<Integer> bad : List.of(List.of(5), List.of(0, 5, 6), List.of(3, 3), List.of(-1, 2))) {
            AttentionWeights w =
                    AttentionWeights.newBuilder(good).setLayerIndexes(bad).build();
            assertThatThrownBy(() -> WeightsView.of(w))
                    .as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lists layer indexes " + bad + " for 2 layers")
                    .hasMessageContaining("data contract");
        }
    }

    @Test
    void layerChoicesFindTheModelsLayerInTheRecord() {
        WeightsView v = WeightsView.of(layered(List.of(0, 5), 2, 1, 1, 2));
        assertThat(LayerChoice.parse("last").positionIn(v)).isEqualTo(1);
        assertThat(LayerChoice.parse(" LAST ")).isSameAs(LayerChoice.LAST);
        assertThat(LayerChoice.parse("0").positionIn(v)).isZero();
        assertThat(LayerChoice.parse("5").positionIn(v)).isEqualTo(1);
        assertThat(LayerChoice.parse("5")).hasToString("5");
        assertThat(LayerChoice.LAST).hasToString("last");
        assertThatThrownBy(() -> LayerChoice.parse("1").positionIn(v))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Layer 1 is not in the weights record of doc-1  ·  positions 10..11: it holds layers 0, 5;"
                        + " choose one of them or last.");
        assertThatThrownBy(() -> LayerChoice.parse("1").positionIn(WeightsView.of(layered(List.of(), 1, 1, 1, 2))))
                .hasMessageContaining("it holds layer 0;");
        assertThatThrownBy(() -> LayerChoice.parse("top")).hasMessageContaining("not a layer index or last");
        assertThatThrownBy(() -> LayerChoice.parse("-2")).hasMessageContaining("0 or more");
    }
}
