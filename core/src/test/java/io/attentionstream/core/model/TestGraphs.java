package io.attentionstream.core.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Random;

/**
 * Small encoder-signature graphs built in the test with the ONNX protobuf classes: shapes of
 * models the exporters write that the project's own models do not cover.
 */
final class TestGraphs {
    static final int VOCAB = 10;
    static final int DIM = 8;
    static final int HEADS = 2;

    private TestGraphs() {}

    /**
     * {@code input_ids}, {@code attention_mask} → Gather embedding → ONNX Runtime's fused
     * {@code com.microsoft.Attention} (Q, K, V from one weight) → {@code last_hidden_state}. Its
     * attention probabilities never exist as a tensor.
     */
    static byte[] fusedAttention(float[] embedding, float[] qkvWeight, float[] qkvBias) {
        GraphProto.Builder g = encoderIo("fused")
                .addInitializer(floats("embedding", embedding, VOCAB, DIM))
                .addInitializer(floats("qkv_weight", qkvWeight, DIM, 3 * DIM))
                .addInitializer(floats("qkv_bias", qkvBias, 3 * DIM))
                .addNode(node("Gather", "", "embedding", "input_ids").addOutput("x"))
                .addNode(node("Cast", "", "attention_mask")
                        .addOutput("mask32")
                        .addAttribute(intAttr("to", TensorProto.DataType.INT32_VALUE)))
                .addNode(node("Attention", "com.microsoft", "x", "qkv_weight", "qkv_bias", "mask32")
                        .addOutput("last_hidden_state")
                        .addAttribute(intAttr("num_heads", HEADS)));
        return model(g).toByteArray();
    }

    /**
     * {@code input_ids}, {@code attention_mask} → Gather embedding → Softmax over the feature axis →
     * {@code last_hidden_state}: a Softmax over the last axis that is not attention.
     */
    static byte[] softmaxThatIsNotAttention(float[] embedding) {
        GraphProto.Builder g = encoderIo("softmax_features")
                .addInitializer(floats("embedding", embedding, VOCAB, DIM))
                .addNode(node("Gather", "", "embedding", "input_ids").addOutput("x"))
                .addNode(node("Cast", "", "attention_mask")
                        .addOutput("unused_mask")
                        .addAttribute(intAttr("to", TensorProto.DataType.FLOAT_VALUE)))
                .addNode(node("Softmax", "", "x").addOutput("last_hidden_state").addAttribute(intAttr("axis", -1)));
        return model(g).toByteArray();
    }

    static float[] random(long seed, int n, float scale) {
        Random r = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (r.nextGaussian() * scale);
        }
        return values;
    }

    private static GraphProto.Builder encoderIo(String name) {
        return GraphProto.newBuilder()
                .setName(name)
                .addInput(valueInfo("input_ids", TensorProto.DataType.INT64_VALUE, "batch", "seq"))
                .addInput(valueInfo("attention_mask", TensorProto.DataType.INT64_VALUE, "batch", "seq"))
                .addOutput(valueInfo("last_hidden_state", TensorProto.DataType.FLOAT_VALUE, "batch", "seq", DIM));
    }

    private static ModelProto model(GraphProto.Builder graph) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("attention-stream tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder()
                        .setDomain("com.microsoft")
                        .setVersion(1))
                .setGraph(graph)
                .build();
    }

    private static NodeProto.Builder node(String op, String domain, String... inputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setDomain(domain);
        for (String in : inputs) {
            n.addInput(in);
        }
        return n;
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(
                    d instanceof String param
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam(param)
                            : TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(elemType)
                                .setShape(shape)))
                .build();
    }
}
