package io.attentionstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.bench.MiniLmPath.Attention;
import io.attentionstream.bench.MiniLmPath.Precision;
import io.attentionstream.bench.MiniLmPath.Row;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.window.Window;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MiniLmPathTest {

    @Test
    void measuresEverySizePrecisionAndBatchAndTheCostOfExposingAttentionAtTheLargestSize() {
        List<Row> rows = MiniLmPath.rows(List.of(128, 64), 8);

        assertThat(rows)
                .containsExactly(
                        new Row(64, Precision.FP32, 1, Attention.EXPOSED),
                        new Row(64, Precision.FP32, 8, Attention.EXPOSED),
                        new Row(64, Precision.INT8, 1, Attention.EXPOSED),
                        new Row(64, Precision.INT8, 8, Attention.EXPOSED),
                        new Row(128, Precision.FP32, 1, Attention.EXPOSED),
                        new Row(128, Precision.FP32, 8, Attention.EXPOSED),
                        new Row(128, Precision.FP32, 8, Attention.EXPOSED_UNREAD),
                        new Row(128, Precision.FP32, 8, Attention.NONE),
                        new Row(128, Precision.INT8, 1, Attention.EXPOSED),
                        new Row(128, Precision.INT8, 8, Attention.EXPOSED));
        assertThat(rows.get(1).variant()).isEqualTo("fp32 B=8");
        assertThat(rows.get(7).variant()).isEqualTo("fp32 B=8 none");
        assertThat(rows.get(7).label()).isEqualTo("minilm-fp32-n128-b8-none");
    }

    @Test
    void batchSizeOneIsMeasuredOnce() {
        assertThat(MiniLmPath.rows(List.of(64), 1)).hasSize(2 + 2);
    }

    @Test
    void theJobsSettingsForThisModelAreLastRowWeightsOfEveryLayerAndAllOutputRows() {
        assertThat(MiniLmPath.WEIGHTS).isEqualTo(WeightsMode.LAST_ROW);
        assertThat(MiniLmPath.OUTPUT_ROWS).isEqualTo(OutputRows.ALL);
        assertThat(Attention.EXPOSED.wanted).isTrue();
        assertThat(Attention.EXPOSED.weights).isEqualTo(WeightsMode.LAST_ROW);
        assertThat(Attention.EXPOSED_UNREAD.wanted).isTrue();
        assertThat(Attention.EXPOSED_UNREAD.weights).isEqualTo(WeightsMode.OFF);
        assertThat(Attention.NONE.wanted).isFalse();
        assertThat(Attention.NONE.weights).isEqualTo(WeightsMode.OFF);
        assertThat(Attention.fromCliName("exposed-unread")).isEqualTo(Attention.EXPOSED_UNREAD);
    }

    @Test
    void tokenWindowsAreFullAndHoldIdsOfTheRange() {
        List<Window> windows = EncoderRunBenchmark.tokenWindows(3, 64, 11);

        assertThat(windows).hasSize(3);
        for (Window w : windows) {
            assertThat(w.isTokens()).isTrue();
            assertThat(w.length).isEqualTo(64);
            assertThat(w.tokens).hasSize(64);
            for (long id : w.tokens) {
                assertThat(id).isBetween((long) MiniLmPath.TOKEN_ID_MIN, MiniLmPath.TOKEN_ID_END - 1L);
            }
        }
        assertThat(windows.get(0).tokens).isNotEqualTo(windows.get(1).tokens);
        assertThat(EncoderRunBenchmark.tokenWindows(1, 64, 11).get(0).tokens).isEqualTo(windows.get(0).tokens);
    }

    @Test
    void theQuantizedModelIsTheQFileBesideTheFp32One() {
        BenchSettings s = settings("--paths", "minilm", "--minilm-model", "/x/pretrained/all-minilm-l6-v2.onnx");

        assertThat(s.runs(BenchPath.MINILM)).isTrue();
        assertThat(s.minilmWindowSizes()).containsExactly(64, 128);
        assertThat(s.minilmQuantizedModel()).isEqualTo(Path.of("/x/pretrained/all-minilm-l6-v2-q.onnx"));
    }

    @Test
    void windowSizesBeyondThePositionTableAreRefused() {
        assertThatThrownBy(() -> settings("--minilm-window-sizes", "64,1024"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--minilm-window-sizes");
    }

    private static BenchSettings settings(String... args) {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }
}
