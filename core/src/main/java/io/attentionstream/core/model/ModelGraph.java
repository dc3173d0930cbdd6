package io.attentionstream.core.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the job reads from a model's ONNX graph itself, beyond the inputs and outputs that ONNX
 * Runtime reports: the embedding tables (vocabulary and position table sizes), the attention
 * probabilities of each layer, fused attention kernels that hide them, and dynamic quantization.
 * It also writes the edited model that exposes the attention probabilities as graph outputs.
 *
 * <p>The protobuf is parsed with the generated {@code ai.onnx.proto.OnnxMl} classes (from
 * tribuo-util-onnx), never by hand. Only the top-level graph is read: attention inside a control
 * flow subgraph ({@code If}, {@code Loop}) is not found.
 */
public final class ModelGraph {
    /** Metadata keys a model may carry instead of leaving the job to find the tables. */
    static final String METADATA_MAX_POSITIONS = "max_position_embeddings";

    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    /** Attention kernels that compute the probabilities inside one node, so they cannot be read out. */
    private static final Set<String> FUSED_ATTENTION = Set.of(
            "Attention",
            "MultiHeadAttention",
            "PackedAttention",
            "PackedMultiHeadAttention",
            "GroupQueryAttention",
            "QAttention",
            "DecoderMaskedMultiHeadAttention",
            "SparseAttention");

    private final ModelProto model;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();

    private ModelGraph(ModelProto model) {
        this.model = model;
        for (TensorProto t : model.getGraph().getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (NodeProto n : model.getGraph().getNodeList()) {
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
        }
    }

    /** Parses a model's bytes; bytes that are not an ONNX model are refused naming {@code --model}. */
    public static ModelGraph parse(byte[] modelBytes) {
        try {
            return new ModelGraph(ModelProto.parseFrom(modelBytes));
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException(
                    "The model file is not a valid ONNX model (" + e.getMessage() + "): check --model.", e);
        }
    }

    /** The model's custom metadata. */
    public Map<String, String> metadata() {
        Map<String, String> m = new HashMap<>();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    /**
     * The rows of the word-embedding table that the tokens input indexes: the first dimension of
     * the 2-D initializer a {@code Gather} (or an {@code EmbedLayerNormalization}) reads with it.
     */
    public OptionalInt vocabularyTable(String tokensInput) {
        for (NodeProto n : graph().getNodeList()) {
            if (isGather(n) && n.getInputCount() == 2 && tracesTo(n.getInput(1), tokensInput)) {
                OptionalInt rows = tableRows(n.getInput(0));
                if (rows.isPresent()) {
                    return rows;
                }
            }
            if (n.getOpType().equals("EmbedLayerNormalization")
                    && n.getInputCount() > 2
                    && n.getInput(0).equals(tokensInput)) {
                return tableRows(n.getInput(2));
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The longest sequence the model's absolute position table holds: metadata
     * {@code max_position_embeddings}, else the rows of the embedding table gathered by something
     * other than the token and token-type inputs (one named for positions when there are several).
     * Empty when the model has no such table (no positions, or relative ones).
     */
    public OptionalInt positionTable(Set<String> indexedInputs) {
        String meta = metadata().get(METADATA_MAX_POSITIONS);
        if (meta != null && meta.trim().matches("[1-9][0-9]*")) {
            return OptionalInt.of(Integer.parseInt(meta.trim()));
        }
        List<String> candidates = new ArrayList<>();
        for (NodeProto n : graph().getNodeList()) {
            if (n.getOpType().equals("EmbedLayerNormalization") && n.getInputCount() > 3) {
                return tableRows(n.getInput(3));
            }
            if (isGather(n)
                    && n.getInputCount() == 2
                    && tableRows(n.getInput(0)).isPresent()
                    && indexedInputs.stream().noneMatch(in -> tracesTo(n.getInput(1), in))) {
                candidates.add(n.getInput(0));
            }
        }
        if (candidates.size() > 1) {
            candidates.removeIf(name -> !name.toLowerCase(Locale.ROOT).contains("position"));
        }
        return candidates.size() == 1 ? tableRows(candidates.get(0)) : OptionalInt.empty();
    }

    /**
     * The outputs of the top-level graph's {@code Softmax} nodes over the last axis, in graph
     * (topological) order: the candidates for each layer's attention probabilities. Which of them
     * are {@code [batch, heads, seq, seq]} is for a run to tell.
     */
    public List<String> softmaxOverLastAxis() {
        int opset = defaultOpset();
        List<String> outputs = new ArrayList<>();
        for (NodeProto n : graph().getNodeList()) {
            if (!n.getOpType().equals("Softmax") || !isDefaultDomain(n)) {
                continue;
            }
            Optional<Long> axis = n.getAttributeList().stream()
                    .filter(a -> a.getName().equals("axis") && a.getType() == AttributeProto.AttributeType.INT)
                    .map(AttributeProto::getI)
                    .findFirst();
            // Before opset 13 the default axis is 1 (of the input flattened to 2-D); from 13 it is -1.
            boolean lastAxis = axis.map(a -> a == -1 || a == 3).orElse(opset >= 13);
            if (lastAxis) {
                outputs.add(n.getOutput(0));
            }
        }
        return outputs;
    }

    /** The op type of the first fused attention kernel in the graph, if any. */
    public Optional<String> fusedAttention() {
        return graph().getNodeList().stream()
                .map(NodeProto::getOpType)
                .filter(FUSED_ATTENTION::contains)
                .findFirst();
    }

    /**
     * True when the graph quantizes activations at run time ({@code DynamicQuantizeLinear}): the
     * scale is computed over the whole tensor, so one window's results depend on the others in
     * its batch, padding included.
     */
    public boolean quantizesDynamically() {
        return graph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("DynamicQuantizeLinear"));
    }

    /** The names of the graph's outputs. */
    public Set<String> outputs() {
        Set<String> names = new LinkedHashSet<>();
        graph().getOutputList().forEach(v -> names.add(v.getName()));
        return names;
    }

    /** The names of the graph's inputs that are fed at run time (initializers excluded). */
    public Set<String> inputs() {
        Set<String> names = new LinkedHashSet<>();
        graph().getInputList().stream()
                .map(ValueInfoProto::getName)
                .filter(n -> !initializers.containsKey(n))
                .forEach(names::add);
        return names;
    }

    /** The rank the graph declares for an output, or -1 when it declares none. */
    public int outputRank(String name) {
        return graph().getOutputList().stream()
                .filter(v -> v.getName().equals(name))
                .filter(v -> v.getType().hasTensorType()
                        && v.getType().getTensorType().hasShape())
                .mapToInt(v -> v.getType().getTensorType().getShape().getDimCount())
                .findFirst()
                .orElse(-1);
    }

    /**
     * The model's bytes with {@code tensors} added as rank-4 float32 graph outputs (in this order,
     * after the existing ones); nothing else changes.
     */
    public byte[] withOutputs(List<String> tensors) {
        GraphProto.Builder graph = graph().toBuilder();
        Set<String> present = outputs();
        for (String name : tensors) {
            if (present.contains(name)) {
                continue;
            }
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (int i = 0; i < 4; i++) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder());
            }
            graph.addOutput(ValueInfoProto.newBuilder()
                    .setName(name)
                    .setType(TypeProto.newBuilder()
                            .setTensorType(TypeProto.Tensor.newBuilder()
                                    .setElemType(FLOAT)
                                    .setShape(shape))));
        }
        return model.toBuilder().setGraph(graph).build().toByteArray();
    }

    private GraphProto graph() {
        return model.getGraph();
    }

    private int defaultOpset() {
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                return (int) id.getVersion();
            }
        }
        return 1;
    }

    private static boolean isDefaultDomain(NodeProto n) {
        return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
    }

    private static boolean isGather(NodeProto n) {
        return n.getOpType().equals("Gather") && isDefaultDomain(n);
    }

    /** First dimension of a 2-D initializer, if {@code name} is one. */
    private OptionalInt tableRows(String name) {
        TensorProto t = initializers.get(name);
        if (t == null || t.getDimsCount() != 2 || t.getDims(0) <= 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Math.toIntExact(t.getDims(0)));
    }

    /** True when {@code tensor} is {@code input} itself or made from it by casts only. */
    private boolean tracesTo(String tensor, String input) {
        Set<String> seen = new HashSet<>();
        String current = tensor;
        while (seen.add(current)) {
            if (current.equals(input)) {
                return true;
            }
            NodeProto producer = producers.get(current);
            if (producer == null || !producer.getOpType().equals("Cast") || producer.getInputCount() != 1) {
                return false;
            }
            current = producer.getInput(0);
        }
        return false;
    }
}
