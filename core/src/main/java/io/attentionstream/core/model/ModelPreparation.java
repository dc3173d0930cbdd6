package io.attentionstream.core.model;

import io.attentionstream.core.model.ModelSignature.AttentionSource;
import java.util.List;

/**
 * Where a model's attention comes from, decided from its graph before ONNX Runtime sees it, and
 * the bytes the session opens: the user's bytes, or the same graph with each layer's attention
 * probabilities added as outputs.
 *
 * @param graph the parsed graph of the user's bytes
 * @param sessionBytes what the session opens
 * @param attention where the attention comes from
 * @param candidates the tensors that may hold each layer's attention, in graph order; a probe run
 *     keeps those that are {@code [batch, heads, seq, seq]}
 */
record ModelPreparation(ModelGraph graph, byte[] sessionBytes, AttentionSource attention, List<String> candidates) {

    static ModelPreparation of(byte[] modelBytes, ModelConfig config) {
        ModelGraph graph = ModelGraph.parse(modelBytes);
        if (graph.outputs().contains(config.weightsOutput())) {
            return new ModelPreparation(graph, modelBytes, AttentionSource.OUTPUT, List.of(config.weightsOutput()));
        }
        if (config.weightsOutputNamed() && config.attentionWanted()) {
            throw new ModelLoadException(
                    "The model has no output named '" + config.weightsOutput() + "'; its outputs are " + graph.outputs()
                            + ": fix --tensor-name weights=, or leave it out to find the attention.");
        }
        List<String> attentionOutputs = graph.outputs().stream()
                .filter(name -> !config.outputs().contains(name) && graph.outputRank(name) == 4)
                .toList();
        if (!attentionOutputs.isEmpty()) {
            return new ModelPreparation(graph, modelBytes, AttentionSource.OUTPUT, attentionOutputs);
        }
        if (!config.attentionWanted()) {
            return new ModelPreparation(graph, modelBytes, AttentionSource.NONE, List.of());
        }
        List<String> softmax = graph.softmaxOverLastAxis();
        if (softmax.isEmpty()) {
            throw new ModelLoadException(graph.fusedAttention()
                    .map(op -> "The model computes attention in fused '" + op
                            + "' nodes, whose probabilities cannot be read out: export it without"
                            + " attention fusion, or run it with --weights off.")
                    .orElse("The model has no '" + config.weightsOutput() + "' output and the job found no Softmax"
                            + " over [batch, heads, seq, seq] scores in its graph: export the attention"
                            + " probabilities as outputs, or run it with --weights off."));
        }
        return new ModelPreparation(graph, graph.withOutputs(softmax), AttentionSource.EXPOSED, softmax);
    }
}
