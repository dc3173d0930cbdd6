package io.attentionstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.core.model.LayerSelection;
import io.attentionstream.job.cli.RunCommand;
import io.attentionstream.job.config.JobConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link JobSetup#resolve} and the producer's record-size check with {@code models/tiny_encoder.onnx},
 * an HF-style encoder (vocab 211, 40 positions, 3 layers × 6 heads, no attention output, no
 * metadata) given with no tensor-name flags, from the flags a user types.
 */
class JobSetupEncoderTest {

    private static Path tinyEncoder() {
        String configured = System.getProperty("models.dir");
        Path models = configured != null ? Path.of(configured) : Path.of("..", "models");
        Path model = models.resolve("tiny_encoder.onnx").toAbsolutePath().normalize();
        assertThat(model).as("the tiny encoder (set -Dmodels.dir)").exists();
        return model;
    }

    /** The configuration `attention-stream run` builds from these flags, after the broker and model flags. */
    private static JobConfig flags(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                "localhost:9092",
                "--model",
                tinyEncoder().toString()));
        args.addAll(List.of(more));
        RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return command.config();
    }

    @Test
    void aWindowLongerThanThePositionTableIsRefusedNamingBothNumbers() {
        assertThatThrownBy(() -> JobSetup.resolve(flags("--window-size", "41", "--stride", "41")))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("--window-size 41")
                .hasMessageContaining("40 positions")
                .hasMessageContaining("--window-size 40 or less");
    }

    @Test
    void specialTokensTakeTwoPositionsOfTheTable() {
        assertThatThrownBy(() ->
                        JobSetup.resolve(flags("--window-size", "39", "--stride", "39", "--special-tokens", "1,2")))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("--window-size 39")
                .hasMessageContaining("40 positions (2 of them taken by --special-tokens)")
                .hasMessageContaining("--window-size 38 or less");
        assertThat(JobSetup.resolve(flags("--window-size", "38", "--stride", "38", "--special-tokens", "1,2"))
                        .windower()
                        .windowSize())
                .isEqualTo(38);
        assertThatThrownBy(() -> flags("--special-tokens", "101"))
                .hasMessageContaining("--special-tokens '101' is not two token ids FIRST,LAST");
    }

    @Test
    void aWindowAsLongAsThePositionTableIsAccepted() {
        JobSetup setup = JobSetup.resolve(flags("--window-size", "40", "--stride", "40"));

        assertThat(setup.windower().windowSize()).isEqualTo(40);
        assertThat(setup.windower().vocabSize())
                .as("read from the word-embedding table: the model has no vocab_size metadata")
                .isEqualTo(211);
        assertThat(setup.model().layers()).isEqualTo(3);
        assertThat(setup.model().heads()).isEqualTo(6);
        assertThat(setup.model().outputDim()).isEqualTo(48);
        assertThatCode(() -> StartupChecks.checkRecordsFitTheProducer(setup))
                .as("3·6·40·40·4 bytes fit the default max.request.size of 1 MiB")
                .doesNotThrowAnyException();
    }

    @Test
    void aFullWeightsRecordOfEveryLayerAboveMaxRequestSizeIsRefusedNamingTheWaysOut() {
        JobSetup setup = JobSetup.resolve(
                flags("--window-size", "40", "--stride", "40", "--kafka-property", "max.request.size=100000"));
        long expected = 3L * 6 * 40 * 40 * 4 + StartupChecks.RECORD_OVERHEAD_BYTES;

        assertThatThrownBy(() -> StartupChecks.checkRecordsFitTheProducer(setup))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("3 layers × 6 heads")
                .hasMessageContaining("--window-size 40")
                .hasMessageContaining(expected + " bytes")
                .hasMessageContaining("max.request.size of 100000")
                .hasMessageContaining("--weights last-row")
                .hasMessageContaining("--weights-layers");
    }

    @Test
    void aListOfLayersIsCheckedAgainstTheModelsLayers() {
        JobSetup twoLayers =
                JobSetup.resolve(flags("--window-size", "40", "--stride", "40", "--weights-layers", "2,0"));
        assertThat(twoLayers.model().layers()).isEqualTo(2);

        assertThatThrownBy(() ->
                        JobSetup.resolve(flags("--window-size", "40", "--stride", "40", "--weights-layers", "0,3")))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("--weights-layers 0,3")
                .hasMessageContaining("layer 3")
                .hasMessageContaining("3 attention layers");
    }

    @Test
    void theLastLayerOnlyOrTheLastRowFitsTheSameLimit() {
        JobSetup lastLayer = JobSetup.resolve(flags(
                "--window-size",
                "40",
                "--stride",
                "40",
                "--weights-layers",
                "last",
                "--kafka-property",
                "max.request.size=100000"));
        assertThat(lastLayer.model().layers()).isEqualTo(1);
        assertThat(lastLayer.config().weightsLayers()).isEqualTo(LayerSelection.LAST);
        assertThatCode(() -> StartupChecks.checkRecordsFitTheProducer(lastLayer))
                .as("6·40·40·4 bytes")
                .doesNotThrowAnyException();

        JobSetup lastRow = JobSetup.resolve(flags(
                "--window-size",
                "40",
                "--stride",
                "40",
                "--weights",
                "last-row",
                "--kafka-property",
                "max.request.size=100000"));
        assertThat(lastRow.model().layers()).isEqualTo(3);
        assertThatCode(() -> StartupChecks.checkRecordsFitTheProducer(lastRow))
                .as("3·6·1·40·4 bytes")
                .doesNotThrowAnyException();
    }
}
