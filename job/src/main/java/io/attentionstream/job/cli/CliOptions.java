package io.attentionstream.job.cli;

import io.attentionstream.job.config.JobConfig;
import io.attentionstream.job.config.JobOption;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns {@link JobOption} declarations into picocli options and reads the parsed values back, so
 * no flag is declared twice: the declarations are the only place a flag's name, type, default and
 * help text live.
 */
public final class CliOptions {
    private CliOptions() {}

    /** Adds one picocli option per declaration to {@code command}, in order. */
    public static void addTo(CommandSpec command, List<JobOption<?>> options) {
        options.forEach(option -> command.addOption(optionSpec(option)));
    }

    /** Copies every value the command line gave (or defaulted) for {@code options} into {@code config}. */
    public static JobConfig.Builder read(CommandSpec command, List<JobOption<?>> options, JobConfig.Builder config) {
        for (JobOption<?> option : options) {
            copy(command, option, config);
        }
        return config;
    }

    private static <T> void copy(CommandSpec command, JobOption<T> option, JobConfig.Builder config) {
        config.set(option, value(command, option));
    }

    /** The option's parsed (or default) value on {@code command}; null when it has neither. */
    public static <T> T value(CommandSpec command, JobOption<T> option) {
        OptionSpec spec = command.findOption(option.flag());
        if (spec == null) {
            throw new IllegalStateException("The command has no option " + option.flag() + ".");
        }
        return spec.getValue();
    }

    static OptionSpec optionSpec(JobOption<?> option) {
        OptionSpec.Builder spec = OptionSpec.builder(option.flag())
                .description(option.description())
                .required(option.required());
        if (option.paramLabel() != null) {
            spec.paramLabel(option.paramLabel());
        }
        if (option.defaultText() != null) {
            spec.defaultValue(option.defaultText());
        }
        switch (option.arity()) {
            case FLAG -> spec.type(boolean.class).arity("0");
            case LIST -> spec.type(List.class).auxiliaryTypes(String.class).arity("1");
            case MAP ->
                spec.type(Map.class).auxiliaryTypes(String.class, String.class).arity("1");
            case SINGLE -> spec.type(option.type()).arity("1");
        }
        if (option.parser() != null) {
            ITypeConverter<?> converter = value -> option.parser().apply(value);
            spec.converters(converter);
        }
        return spec.build();
    }
}
