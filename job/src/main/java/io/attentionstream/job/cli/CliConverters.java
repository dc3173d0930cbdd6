package io.attentionstream.job.cli;

import io.attentionstream.core.model.InputKind;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import picocli.CommandLine.ITypeConverter;

/**
 * Picocli converters for commands other than {@code run} whose flags take the job's spellings
 * (e.g. {@code produce --kind}); {@code run} converts through its option declarations.
 */
public final class CliConverters {
    private CliConverters() {}

    public static final class InputKindConverter implements ITypeConverter<InputKind> {
        @Override
        public InputKind convert(String value) {
            return InputKind.fromCliName(value);
        }
    }

    public static final class WeightsModeConverter implements ITypeConverter<WeightsMode> {
        @Override
        public WeightsMode convert(String value) {
            return WeightsMode.fromCliName(value);
        }
    }

    public static final class OutputRowsConverter implements ITypeConverter<OutputRows> {
        @Override
        public OutputRows convert(String value) {
            return OutputRows.fromCliName(value);
        }
    }
}
