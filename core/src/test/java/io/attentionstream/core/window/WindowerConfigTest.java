package io.attentionstream.core.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.core.model.InputKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class WindowerConfigTest {

    /** A valid feature configuration for each test to break one setting of. */
    private static WindowerConfig.Builder features() {
        return WindowerConfig.builder()
                .windowSize(64)
                .stride(8)
                .idleFlushMs(5_000)
                .stateTtlMs(60_000)
                .inputKind(InputKind.FEATURES)
                .featureDim(16);
    }

    @Test
    void keepsEverySetting() {
        WindowerConfig config = features().build();

        assertThat(config.windowSize()).isEqualTo(64);
        assertThat(config.stride()).isEqualTo(8);
        assertThat(config.idleFlushMs()).isEqualTo(5_000);
        assertThat(config.stateTtlMs()).isEqualTo(60_000);
        assertThat(config.inputKind()).isEqualTo(InputKind.FEATURES);
        assertThat(config.featureDim()).isEqualTo(16);
        assertThat(config.vocabSize()).isZero();
    }

    @Test
    void tokenModelsNeedAVocabularyNotADimension() {
        WindowerConfig config = features()
                .inputKind(InputKind.TOKENS)
                .featureDim(0)
                .vocabSize(1000)
                .build();

        assertThat(config.vocabSize()).isEqualTo(1000);
        assertThat(config.featureDim()).isZero();
    }

    @Test
    void acceptsTheBoundaries() {
        assertThat(features().windowSize(1).stride(1).build().windowSize()).isEqualTo(1);
        assertThat(features().windowSize(4096).stride(4096).build().stride()).isEqualTo(4096);
        assertThat(features().idleFlushMs(1).stateTtlMs(1).build().stateTtlMs()).isEqualTo(1);
    }

    @Test
    void windowSizeMustBeBetweenOneAnd4096() {
        assertRejected(b -> b.windowSize(0), "--window-size", "got 0");
        assertRejected(b -> b.windowSize(4097).stride(1), "--window-size", "got 4097");
    }

    @Test
    void strideMustBeBetweenOneAndTheWindowSize() {
        assertRejected(b -> b.stride(0), "--stride", "got 0");
        assertRejected(b -> b.stride(65), "--stride", "window size 64, got 65");
    }

    @Test
    void idleFlushMustBePositive() {
        assertRejected(b -> b.idleFlushMs(0), "--idle-flush-ms", "got 0");
    }

    @Test
    void stateTtlMustNotBeShorterThanTheIdleFlush() {
        assertRejected(b -> b.stateTtlMs(4_999), "--state-ttl-ms", "(5000)", "got 4999");
    }

    @Test
    void inputKindMustBeSet() {
        assertRejected(b -> b.inputKind(null), "--input-kind");
    }

    @Test
    void featureModelsNeedAPositiveDimension() {
        assertRejected(b -> b.featureDim(0), "feature dimension", "--input-kind features", "got 0");
        assertRejected(b -> b.windowSize(4096).featureDim(1 << 20), "does not fit");
    }

    @Test
    void tokenModelsNeedAPositiveVocabulary() {
        assertRejected(b -> b.inputKind(InputKind.TOKENS).vocabSize(0), "vocabulary size", "--input-kind tokens");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        WindowerConfig config = features().build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(config).isNotSameAs(config);
        }
    }

    private static void assertRejected(UnaryOperator<WindowerConfig.Builder> change, String... messageParts) {
        assertThatThrownBy(() -> change.apply(features()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messageParts)
                .hasMessageEndingWith(".");
    }
}
