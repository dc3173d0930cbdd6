package io.attentionstream.core.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.core.model.InputKind;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

    private static final EventValidator FEATURES = new EventValidator(config(InputKind.FEATURES));
    private static final EventValidator TOKENS = new EventValidator(config(InputKind.TOKENS));

    private static WindowerConfig config(InputKind kind) {
        return WindowerConfig.builder()
                .windowSize(4)
                .stride(1)
                .idleFlushMs(10)
                .stateTtlMs(100)
                .inputKind(kind)
                .featureDim(3)
                .vocabSize(1000)
                .build();
    }

    @Test
    void acceptsAValidFeatureEvent() {
        assertThat(FEATURES.check(Event.ofFeatures("k", 0, 0, new float[] {1f, -2f, Float.MAX_VALUE})))
                .isNull();
    }

    @Test
    void acceptsTheFirstAndLastToken() {
        assertThat(TOKENS.check(Event.ofToken("k", 0, 0, 0))).isNull();
        assertThat(TOKENS.check(Event.ofToken("k", 0, 0, 999))).isNull();
    }

    @Test
    void aMissingOrEmptyKeyIsMalformed() {
        assertRejected(FEATURES.check(Event.ofFeatures(null, 0, 0, new float[3])), RejectReason.MALFORMED, "no key");
        assertRejected(FEATURES.check(Event.ofFeatures("", 0, 0, new float[3])), RejectReason.MALFORMED, "empty key");
    }

    @Test
    void anEventWithoutPayloadIsRejected() {
        Event empty = new Event();
        empty.key = "k";

        assertRejected(FEATURES.check(empty), RejectReason.MISSING_PAYLOAD, "neither token nor features", "features");
        assertRejected(TOKENS.check(empty), RejectReason.MISSING_PAYLOAD, "takes tokens");
    }

    @Test
    void aTokenForAFeatureModelIsTheWrongKind() {
        assertRejected(
                FEATURES.check(Event.ofToken("k", 0, 0, 5)),
                RejectReason.WRONG_INPUT_KIND,
                "carries a token",
                "--input-kind features");
    }

    @Test
    void featuresForATokenModelAreTheWrongKind() {
        assertRejected(
                TOKENS.check(Event.ofFeatures("k", 0, 0, new float[3])),
                RejectReason.WRONG_INPUT_KIND,
                "carries features",
                "--input-kind tokens");
    }

    @Test
    void bothTokenAndFeaturesAreTheWrongKindForEitherModel() {
        Event both = Event.ofFeatures("k", 0, 0, new float[3]);
        both.token = 5L;

        assertRejected(FEATURES.check(both), RejectReason.WRONG_INPUT_KIND, "both token and features");
        assertRejected(TOKENS.check(both), RejectReason.WRONG_INPUT_KIND, "both token and features");
    }

    @Test
    void featuresOfAnotherDimensionAreRejected() {
        assertRejected(
                FEATURES.check(Event.ofFeatures("k", 0, 0, new float[2])),
                RejectReason.BAD_DIMENSION,
                "features has 2 values, the model expects 3");
        assertRejected(
                FEATURES.check(Event.ofFeatures("k", 0, 0, new float[4])),
                RejectReason.BAD_DIMENSION,
                "features has 4 values");
    }

    @Test
    void nonFiniteFeaturesAreRejectedWithTheirIndex() {
        assertRejected(
                FEATURES.check(Event.ofFeatures("k", 0, 0, new float[] {0f, Float.NaN, 0f})),
                RejectReason.NON_FINITE,
                "features[1] is NaN");
        assertRejected(
                FEATURES.check(Event.ofFeatures("k", 0, 0, new float[] {0f, 0f, Float.POSITIVE_INFINITY})),
                RejectReason.NON_FINITE,
                "features[2] is Infinity");
        assertRejected(
                FEATURES.check(Event.ofFeatures("k", 0, 0, new float[] {Float.NEGATIVE_INFINITY, 0f, 0f})),
                RejectReason.NON_FINITE,
                "features[0] is -Infinity");
    }

    @Test
    void tokensOutsideTheVocabularyAreRejected() {
        assertRejected(
                TOKENS.check(Event.ofToken("k", 0, 0, 1000)),
                RejectReason.TOKEN_OUT_OF_RANGE,
                "token 1000",
                "[0, 1000)");
        assertRejected(TOKENS.check(Event.ofToken("k", 0, 0, -1)), RejectReason.TOKEN_OUT_OF_RANGE, "token -1");
    }

    @Test
    void declaresEveryReasonItReturns() {
        assertThat(EventValidator.REASONS)
                .containsExactlyInAnyOrder(
                        RejectReason.MALFORMED,
                        RejectReason.MISSING_PAYLOAD,
                        RejectReason.WRONG_INPUT_KIND,
                        RejectReason.BAD_DIMENSION,
                        RejectReason.NON_FINITE,
                        RejectReason.TOKEN_OUT_OF_RANGE);
    }

    private static void assertRejected(Rejection rejection, RejectReason reason, String... messageParts) {
        assertThat(rejection).isNotNull();
        assertThat(rejection.reason()).isEqualTo(reason);
        assertThat(rejection.message()).contains(messageParts).endsWith(".");
    }
}
