package io.attentionstream.core.window;

import io.attentionstream.avro.RejectReason;
import io.attentionstream.core.model.InputKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Checks that one event fits the model, before it touches any state. Plain Java; the windower
 * calls it first for every event.
 *
 * <p>An event with both {@code token} and {@code features} set is {@code WRONG_INPUT_KIND}: the
 * record is valid Avro (so not {@code MALFORMED}), but the contract says exactly one of them is set
 * and matches the model's input kind.
 */
public final class EventValidator {

    /** Every reason {@link #check} can return. */
    public static final Set<RejectReason> REASONS = Collections.unmodifiableSet(EnumSet.of(
            RejectReason.MALFORMED,
            RejectReason.MISSING_PAYLOAD,
            RejectReason.WRONG_INPUT_KIND,
            RejectReason.BAD_DIMENSION,
            RejectReason.NON_FINITE,
            RejectReason.TOKEN_OUT_OF_RANGE));

    private final InputKind inputKind;
    private final int featureDim;
    private final int vocabSize;

    public EventValidator(WindowerConfig config) {
        Objects.requireNonNull(config, "config");
        this.inputKind = config.inputKind();
        this.featureDim = config.featureDim();
        this.vocabSize = config.vocabSize();
    }

    /** Returns null when the event is valid, otherwise why it is not. */
    public Rejection check(Event event) {
        if (event.key == null || event.key.isEmpty()) {
            return new Rejection(
                    RejectReason.MALFORMED,
                    "The event has " + (event.key == null ? "no" : "an empty") + " key, so it belongs to no sequence.");
        }
        boolean hasToken = event.token != null;
        boolean hasFeatures = event.features != null;
        if (!hasToken && !hasFeatures) {
            return new Rejection(
                    RejectReason.MISSING_PAYLOAD,
                    "The event has neither token nor features, but the model takes " + inputKind.cliName() + ".");
        }
        if (hasToken && hasFeatures) {
            return new Rejection(
                    RejectReason.WRONG_INPUT_KIND,
                    "The event has both token and features, but exactly one may be set and the model takes "
                            + inputKind.cliName() + ".");
        }
        if (inputKind == InputKind.FEATURES) {
            return hasFeatures ? checkFeatures(event.features) : wrongKind("a token");
        }
        return hasToken ? checkToken(event.token) : wrongKind("features");
    }

    private Rejection wrongKind(String carried) {
        return new Rejection(
                RejectReason.WRONG_INPUT_KIND,
                "The event carries " + carried + ", but the model takes " + inputKind.cliName() + " (--input-kind "
                        + inputKind.cliName() + ").");
    }

    private Rejection checkFeatures(float[] features) {
        if (features.length != featureDim) {
            return new Rejection(
                    RejectReason.BAD_DIMENSION,
                    "features has " + features.length + " values, the model expects " + featureDim + ".");
        }
        for (int i = 0; i < features.length; i++) {
            if (!Float.isFinite(features[i])) {
                return new Rejection(
                        RejectReason.NON_FINITE,
                        "features[" + i + "] is " + features[i] + ", but every feature must be a finite number.");
            }
        }
        return null;
    }

    private Rejection checkToken(long token) {
        if (token < 0 || token >= vocabSize) {
            return new Rejection(
                    RejectReason.TOKEN_OUT_OF_RANGE,
                    "token " + token + " is outside the model's vocabulary [0, " + vocabSize + ").");
        }
        return null;
    }
}
