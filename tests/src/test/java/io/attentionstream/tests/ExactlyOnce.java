package io.attentionstream.tests;

import static io.attentionstream.core.golden.Tolerance.VS_PYTORCH;
import static io.attentionstream.core.golden.Tolerance.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.attentionstream.avro.AttentionOutput;
import io.attentionstream.avro.AttentionWeights;
import io.attentionstream.core.model.AttentionModel;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.model.WindowInference;
import io.attentionstream.core.window.Event;
import io.attentionstream.core.window.Window;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The exactly-once check of the end-to-end tests: the committed outputs and weights hold every
 * window of the reference semantics once, nothing else, each equal to the model run on the
 * reference window within 1e-4 (by default with every attention layer).
 */
final class ExactlyOnce {
    private ExactlyOnce() {}

    /** Figures of one check, for the tests' reports. */
    record Tally(int expected, int received, int duplicates, int missing) {}

    static Tally assertOutputs(
            PipelineTestBase.Topics topics,
            List<Event> validEvents,
            int n,
            int s,
            String modelName,
            List<AttentionOutput> outputs,
            List<AttentionWeights> weights) {
        return assertOutputs(topics, validEvents, n, s, modelName, ModelConfig.defaults(), outputs, weights);
    }

    /**
     * The same check against the model loaded with {@code reference}: e.g. the job's
     * {@code --weights-layers}, so that the reference weights hold the layers the records hold.
     */
    static Tally assertOutputs(
            PipelineTestBase.Topics topics,
            List<Event> validEvents,
            int n,
            int s,
            String modelName,
            ModelConfig reference,
            List<AttentionOutput> outputs,
            List<AttentionWeights> weights) {
        List<Window> expected = ReferenceWindows.of(validEvents, n, s);
        List<String> outputIds = outputs.stream()
                .map(o -> ReferenceWindows.id(o.getKey(), o.getWindowStartPosition(), o.getWindowEndPosition()))
                .toList();
        List<String> weightIds = weights.stream()
                .map(w -> ReferenceWindows.id(w.getKey(), w.getWindowStartPosition(), w.getWindowEndPosition()))
                .toList();
        Set<String> expectedIds = expected.stream()
                .map(w -> ReferenceWindows.id(w.key, w.startPosition, w.endPosition))
                .collect(Collectors.toSet());
        Tally tally = new Tally(
                expected.size(),
                outputIds.size(),
                outputIds.size() - Set.copyOf(outputIds).size(),
                (int) expectedIds.stream().filter(id -> !outputIds.contains(id)).count());

        assertThat(outputIds).as("no output twice (%s)", tally).doesNotHaveDuplicates();
        assertThat(Set.copyOf(outputIds))
                .as("every expected window, nothing else (%s)", tally)
                .isEqualTo(expectedIds);
        assertThat(weightIds).as("no weights twice").doesNotHaveDuplicates();
        assertThat(Set.copyOf(weightIds)).as("weights of every expected window").isEqualTo(expectedIds);

        Map<String, AttentionOutput> outById = outputs.stream()
                .collect(Collectors.toMap(
                        o -> ReferenceWindows.id(o.getKey(), o.getWindowStartPosition(), o.getWindowEndPosition()),
                        o -> o));
        Map<String, AttentionWeights> weightsById = weights.stream()
                .collect(Collectors.toMap(
                        w -> ReferenceWindows.id(w.getKey(), w.getWindowStartPosition(), w.getWindowEndPosition()),
                        w -> w));
        try (AttentionModel model = AttentionModel.load(PipelineTestBase.model(modelName), reference)) {
            for (Window w : expected) {
                String id = ReferenceWindows.id(w.key, w.startPosition, w.endPosition);
                WindowInference r = model.run(List.of(w), OutputRows.ALL, WeightsMode.FULL)
                        .results()
                        .get(0);
                AttentionOutput out = outById.get(id);
                assertThat(out.getLength()).as(id).isEqualTo(w.length);
                assertThat(out.getWindowStartTimestamp()).as(id).isEqualTo(w.startTimestamp);
                assertThat(out.getWindowEndTimestamp()).as(id).isEqualTo(w.endTimestamp);
                assertThat(maxAbsDiff(floats(out.getOutput()), r.output()))
                        .as("output of %s", id)
                        .isLessThanOrEqualTo(VS_PYTORCH);
                assertThat(maxAbsDiff(floats(weightsById.get(id).getWeights()), r.weights()))
                        .as("weights of %s", id)
                        .isLessThanOrEqualTo(VS_PYTORCH);
            }
        }
        return tally;
    }

    static float[] floats(List<Float> values) {
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }
}
