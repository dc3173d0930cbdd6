package io.attentionstream.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.attentionstream.core.model.ModelConfig;
import io.attentionstream.core.model.OutputRows;
import io.attentionstream.core.model.WeightsMode;
import io.attentionstream.core.model.WindowInference;
import io.attentionstream.core.window.Window;
import java.util.Map;

/**
 * A faithful "typical demo" of ONNX inference in a Flink function, kept only as the benchmark's
 * point of comparison (never use it in the job): one window per {@code run()}, the input copied into
 * a fresh {@code float[1][n][d]} and {@code boolean[1][n]}, new tensors made from those nested
 * arrays each time ({@code OnnxTensor.createTensor(env, array)}), ONNX Runtime allocating the
 * outputs, and the outputs read back with {@code getValue()} into nested arrays, then flattened into
 * what the job emits. Tensor names are hard-coded to the contract's defaults, as demos do.
 *
 * <p>It is a careful demo, not a careless one: one session for the whole run (not one per record),
 * and tensors and results are closed. Both mistakes would make it slower still and leak memory.
 */
final class NaiveWindowInference implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final int dim;

    NaiveWindowInference(byte[] model, int intraOpThreads, int dim) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            this.session = env.createSession(model, options);
        }
        this.dim = dim;
    }

    WindowInference infer(Window w, OutputRows rows, WeightsMode weightsMode) throws OrtException {
        int n = w.length;
        float[][][] x = new float[1][n][dim];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < dim; j++) {
                x[0][t][j] = w.features[t * dim + j];
            }
        }
        boolean[][] padMask = new boolean[1][n];
        try (OnnxTensor xTensor = OnnxTensor.createTensor(env, x);
                OnnxTensor maskTensor = OnnxTensor.createTensor(env, padMask);
                OrtSession.Result result = session.run(Map.of(
                        ModelConfig.DEFAULT_FEATURES_INPUT, xTensor, ModelConfig.DEFAULT_PAD_MASK_INPUT, maskTensor))) {
            float[][][] out = (float[][][])
                    result.get(ModelConfig.DEFAULT_OUTPUT).orElseThrow().getValue();
            int firstRow = rows == OutputRows.ALL ? 0 : n - 1;
            float[] output = new float[(n - firstRow) * out[0][0].length];
            int k = 0;
            for (int t = firstRow; t < n; t++) {
                for (float v : out[0][t]) {
                    output[k++] = v;
                }
            }
            if (weightsMode == WeightsMode.OFF) {
                return new WindowInference(n - firstRow, output, 0, null);
            }
            float[][][][] attention = (float[][][][])
                    result.get(ModelConfig.DEFAULT_WEIGHTS_OUTPUT).orElseThrow().getValue();
            int firstQuery = weightsMode == WeightsMode.FULL ? 0 : n - 1;
            int heads = attention[0].length;
            float[] weights = new float[heads * (n - firstQuery) * n];
            k = 0;
            for (int h = 0; h < heads; h++) {
                for (int q = firstQuery; q < n; q++) {
                    for (float v : attention[0][h][q]) {
                        weights[k++] = v;
                    }
                }
            }
            return new WindowInference(n - firstRow, output, n - firstQuery, weights);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
