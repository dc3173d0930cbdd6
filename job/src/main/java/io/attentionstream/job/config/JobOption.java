package io.attentionstream.job.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One setting of the job, declared once (in {@link JobOptions}): its key, which is also the CLI
 * flag ({@code window-size} is {@code --window-size}), its type, default, description and check.
 * The CLI, the README's flag table and {@link JobConfig} are all made from these declarations.
 * Modelled on Flink's {@code ConfigOption}.
 *
 * @param <T> the value's type
 */
public final class JobOption<T> {

    /** How the CLI takes the value. */
    public enum Arity {
        /** One value: {@code --window-size 64}. */
        SINGLE,
        /** A switch without a value: {@code --bounded}. */
        FLAG,
        /** Repeatable; the values are collected in order: a {@code List<String>}. */
        LIST,
        /** Repeatable KEY=VALUE pairs: a {@code Map<String, String>}. */
        MAP
    }

    /** Says what is wrong with a value, in one sentence naming the flag; null when it is fine. */
    @FunctionalInterface
    public interface Check<T> {
        String problem(T value);
    }

    private final String key;
    private final Class<?> type;
    private final Arity arity;
    private final T defaultValue;
    private final String defaultText;
    private final String paramLabel;
    private final String description;
    private final boolean required;
    private final Function<String, T> parser;
    private final Check<T> check;

    private JobOption(Builder<T> b) {
        this.key = b.key;
        this.type = b.type;
        this.arity = b.arity;
        this.defaultValue = b.defaultValue;
        this.defaultText = b.defaultText;
        this.paramLabel = b.paramLabel;
        this.description = b.description;
        this.required = b.required;
        this.parser = b.parser;
        this.check = b.check;
    }

    /** Starts a declaration; {@code type} is the value's class (List/Map for repeatable options). */
    static <T> Builder<T> key(String key, Class<?> type) {
        return new Builder<>(key, type);
    }

    /** The key, e.g. {@code window-size}. */
    public String key() {
        return key;
    }

    /** The CLI flag, e.g. {@code --window-size}. */
    public String flag() {
        return "--" + key;
    }

    /** The value's class as the CLI converts it (a primitive class for int, long and boolean). */
    public Class<?> type() {
        return type;
    }

    public Arity arity() {
        return arity;
    }

    /** The value when none is given; null when the option has none (it is optional or required). */
    public T defaultValue() {
        return defaultValue;
    }

    /** The default as a user writes it on the command line; null when there is none. */
    public String defaultText() {
        return defaultText;
    }

    public String paramLabel() {
        return paramLabel;
    }

    /** The help text; {@code ${DEFAULT-VALUE}} stands for {@link #defaultText()}. */
    public String description() {
        return description;
    }

    public boolean required() {
        return required;
    }

    /** Turns a command-line value into the option's type; null when the CLI's built-in conversion fits. */
    public Function<String, T> parser() {
        return parser;
    }

    /** The problem with {@code value}, or null when it is fine (or when the option has no check). */
    public String problem(T value) {
        return check == null || value == null ? null : check.problem(value);
    }

    @Override
    public String toString() {
        return flag();
    }

    /** Declares one option; see {@link JobOptions}. */
    static final class Builder<T> {
        private final String key;
        private final Class<?> type;
        private Arity arity = Arity.SINGLE;
        private T defaultValue;
        private String defaultText;
        private String paramLabel;
        private String description;
        private boolean required;
        private Function<String, T> parser;
        private Check<T> check;

        private Builder(String key, Class<?> type) {
            this.key = Objects.requireNonNull(key, "key");
            this.type = Objects.requireNonNull(type, "type");
        }

        Builder<T> arity(Arity arity) {
            this.arity = arity;
            return this;
        }

        Builder<T> defaultValue(T value) {
            return defaultValue(value, String.valueOf(value));
        }

        /** A default whose command-line spelling is not its {@code toString()}. */
        Builder<T> defaultValue(T value, String text) {
            this.defaultValue = value;
            this.defaultText = text;
            return this;
        }

        Builder<T> paramLabel(String label) {
            this.paramLabel = label;
            return this;
        }

        Builder<T> description(String text) {
            this.description = text;
            return this;
        }

        Builder<T> required() {
            this.required = true;
            return this;
        }

        Builder<T> parser(Function<String, T> parser) {
            this.parser = parser;
            return this;
        }

        Builder<T> check(Check<T> check) {
            this.check = check;
            return this;
        }

        JobOption<T> build() {
            if (description == null) {
                throw new IllegalStateException("Option " + key + " has no description.");
            }
            return new JobOption<>(this);
        }
    }
}
