package io.attentionstream.core.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** Checks of a model's tensors against a contract, each failing with one sentence. */
public final class TensorChecks {
    private TensorChecks() {}

    /**
     * The shape of the named tensor, which must exist and be a tensor of this type and rank.
     *
     * @param role "input" or "output"
     * @param contract the contract's name in messages, e.g. "the contract" or "the incremental contract"
     */
    public static long[] tensor(
            Map<String, NodeInfo> nodes, String name, String role, OnnxJavaType type, int rank, String contract) {
        NodeInfo node = nodes.get(name);
        if (node == null) {
            throw new ModelLoadException("The model has no " + role + " named '" + name + "'; its " + role + "s are "
                    + nodes.keySet() + ".");
        }
        if (!(node.getInfo() instanceof TensorInfo info)) {
            throw new ModelLoadException("The model's " + role + " '" + name + "' is not a tensor.");
        }
        long[] shape = info.getShape();
        if (info.type != type || shape.length != rank) {
            throw new ModelLoadException(
                    "The model's " + role + " '" + name + "' is " + describe(info.type) + " " + Arrays.toString(shape)
                            + " but " + contract + " expects a rank-" + rank + " " + describe(type) + " tensor.");
        }
        return shape;
    }

    /** A fixed axis size; {@code dynamicAxes} says in the message which axes may be dynamic. */
    public static int staticDim(long[] shape, int axis, String what, String dynamicAxes) {
        long dim = shape[axis];
        if (dim <= 0) {
            throw new ModelLoadException(
                    "The model's " + what + " has a dynamic axis " + axis + " " + Arrays.toString(shape)
                            + "; export it with a fixed size there (only " + dynamicAxes + " axes may be dynamic).");
        }
        return Math.toIntExact(dim);
    }

    /** The graph's name, or "model". */
    public static String graphName(OrtSession session) {
        try {
            String graph = session.getMetadata().getGraphName();
            return graph == null || graph.isBlank() ? "model" : graph;
        } catch (OrtException e) {
            return "model";
        }
    }

    /** The ONNX spelling of a tensor type. */
    public static String describe(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> "float32";
            case INT64 -> "int64";
            case BOOL -> "bool";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }
}
