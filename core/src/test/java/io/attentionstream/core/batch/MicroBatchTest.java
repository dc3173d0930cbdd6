package io.attentionstream.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attentionstream.core.model.InferenceException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicroBatchTest {

    /** Runs items as their upper case, failing every run that holds a "bad" item; records what happened. */
    private static final class Recorder implements MicroBatch.Runner<String, List<String>> {
        final List<List<String>> runs = new ArrayList<>();
        final List<String> emitted = new ArrayList<>();
        final List<String> failed = new ArrayList<>();

        @Override
        public List<String> infer(List<String> items) {
            runs.add(List.copyOf(items));
            if (items.contains("bad")) {
                throw new InferenceException("the model cannot take bad", null);
            }
            if (items.contains("odd")) {
                throw new IllegalArgumentException("odd does not fit");
            }
            return items.stream().map(String::toUpperCase).toList();
        }

        @Override
        public void ran(List<String> items, List<String> result, long micros) {
            assertThat(micros).isNotNegative();
            emitted.addAll(result);
        }

        @Override
        public void failed(String item, String message) {
            failed.add(item + ": " + message);
        }
    }

    @Test
    void isFullAtItsSizeAndEmptyAfterADrain() {
        MicroBatch<String, List<String>> batch = new MicroBatch<>(2, new Recorder());
        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.add("a")).as("the first item starts the timeout").isTrue();
        assertThat(batch.isFull()).isFalse();
        assertThat(batch.add("b")).isFalse();
        assertThat(batch.isFull()).isTrue();
        assertThat(batch.waiting()).isEqualTo(2);

        assertThat(batch.drain()).containsExactly("a", "b");
        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.add("c")).as("a drained batch starts again").isTrue();
    }

    @Test
    void aRunThatSucceedsRunsOnce() throws Exception {
        Recorder recorder = new Recorder();
        MicroBatch<String, List<String>> batch = new MicroBatch<>(4, recorder);
        batch.run(List.of("a", "b", "c"));

        assertThat(recorder.runs).containsExactly(List.of("a", "b", "c"));
        assertThat(recorder.emitted).containsExactly("A", "B", "C");
        assertThat(recorder.failed).isEmpty();
    }

    @Test
    void aFailingItemIsIsolatedAndTheOthersGoOn() throws Exception {
        Recorder recorder = new Recorder();
        MicroBatch<String, List<String>> batch = new MicroBatch<>(4, recorder);
        batch.run(List.of("a", "bad", "c", "odd"));

        assertThat(recorder.runs)
                .as("the batch, then each item alone")
                .containsExactly(
                        List.of("a", "bad", "c", "odd"), List.of("a"), List.of("bad"), List.of("c"), List.of("odd"));
        assertThat(recorder.emitted).containsExactly("A", "C");
        assertThat(recorder.failed).containsExactly("bad: the model cannot take bad", "odd: odd does not fit");
    }

    @Test
    void otherFailuresAreNotTakenForABadItem() {
        MicroBatch<String, String> batch = new MicroBatch<>(4, new MicroBatch.Runner<>() {
            @Override
            public String infer(List<String> items) {
                throw new IllegalStateException("a bug");
            }

            @Override
            public void ran(List<String> items, String result, long micros) {}

            @Override
            public void failed(String item, String message) {
                throw new AssertionError("not an inference failure");
            }
        });
        assertThatThrownBy(() -> batch.run(List.of("a", "b"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesAnEmptySize() {
        assertThatThrownBy(() -> new MicroBatch<>(0, new Recorder())).hasMessageContaining("at least one");
    }
}
