package io.attentionstream.core.golden;

import io.attentionstream.core.window.Window;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One golden case made by {@code models/export.py}: inputs and PyTorch's eager outputs, read from
 * {@code models/golden/<model>/<case>/} (format in models/README.md).
 */
public final class GoldenCase {
    private final String model;
    private final String name;
    private final Path dir;
    private final Properties props = new Properties();

    private GoldenCase(String model, Path dir) {
        this.model = model;
        this.name = dir.getFileName().toString();
        this.dir = dir;
        try (Reader in = Files.newBufferedReader(dir.resolve("case.properties"))) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository's models/ folder (system property models.dir, set by the build). */
    public static Path modelsDir() {
        String configured = System.getProperty("models.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "models");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("models/ not found at " + dir.toAbsolutePath() + "; set -Dmodels.dir.");
        }
        return dir.toAbsolutePath().normalize();
    }

    public static Path modelFile(String model) {
        return modelsDir().resolve(model + ".onnx");
    }

    /** Every case of a model, sorted by name. */
    public static List<GoldenCase> all(String model) {
        Path root = modelsDir().resolve("golden").resolve(model);
        try (Stream<Path> dirs = Files.list(root)) {
            List<GoldenCase> cases = dirs.filter(Files::isDirectory)
                    .sorted()
                    .map(d -> new GoldenCase(model, d))
                    .toList();
            if (cases.isEmpty()) {
                throw new IllegalStateException("No golden cases under " + root);
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String model() {
        return model;
    }

    public String name() {
        return name;
    }

    public int batch() {
        return Integer.parseInt(props.getProperty("batch"));
    }

    public int seq() {
        return Integer.parseInt(props.getProperty("seq"));
    }

    public int[] lengths() {
        return Arrays.stream(props.getProperty("lengths").split(","))
                .map(String::trim)
                .mapToInt(Integer::parseInt)
                .toArray();
    }

    public int[] shape(String tensor) {
        String shape = props.getProperty("shape." + tensor);
        if (shape == null) {
            throw new IllegalArgumentException("Case " + this + " has no tensor " + tensor);
        }
        return shape.isEmpty()
                ? new int[0]
                : Arrays.stream(shape.split(","))
                        .map(String::trim)
                        .mapToInt(Integer::parseInt)
                        .toArray();
    }

    public float[] floats(String tensor) {
        ByteBuffer bytes = bytes(tensor, "float32");
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    public long[] longs(String tensor) {
        ByteBuffer bytes = bytes(tensor, "int64");
        long[] values = new long[bytes.remaining() / 8];
        bytes.asLongBuffer().get(values);
        return values;
    }

    public boolean[] bools(String tensor) {
        ByteBuffer bytes = bytes(tensor, "bool");
        boolean[] values = new boolean[bytes.remaining()];
        for (int i = 0; i < values.length; i++) {
            values[i] = bytes.get(i) != 0;
        }
        return values;
    }

    private ByteBuffer bytes(String tensor, String dtype) {
        String actual = props.getProperty("dtype." + tensor);
        if (!dtype.equals(actual)) {
            throw new IllegalArgumentException("Tensor " + tensor + " of " + this + " is " + actual + ", not " + dtype);
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(tensor + ".bin")))
                    .order(ByteOrder.LITTLE_ENDIAN);
            int expected = Arrays.stream(shape(tensor)).reduce(1, (a, b) -> a * b);
            int width = dtype.equals("bool") ? 1 : dtype.equals("int64") ? 8 : 4;
            if (bytes.remaining() != expected * width) {
                throw new IllegalStateException(tensor + ".bin of " + this + " has " + bytes.remaining()
                        + " bytes, expected " + expected * width);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The case's batch rows as unpadded windows (positions 0.., timestamps = positions). */
    public List<Window> windows() {
        int[] lengths = lengths();
        int seq = seq();
        List<Window> windows = new ArrayList<>();
        String tokensTensor = props.containsKey("shape.input_ids") ? "input_ids" : "tokens";
        boolean tokens = props.containsKey("shape." + tokensTensor);
        float[] x = tokens ? null : floats("x");
        long[] ids = tokens ? longs(tokensTensor) : null;
        int d = tokens ? 0 : shape("x")[2];
        for (int b = 0; b < batch(); b++) {
            int len = lengths[b];
            String key = name + "/" + b;
            if (tokens) {
                windows.add(Window.ofTokens(
                        key, 0, len - 1, 0, len - 1, len, Arrays.copyOfRange(ids, b * seq, b * seq + len)));
            } else {
                windows.add(Window.ofFeatures(
                        key, 0, len - 1, 0, len - 1, len, Arrays.copyOfRange(x, b * seq * d, (b * seq + len) * d)));
            }
        }
        return windows;
    }

    /** PyTorch's output rows of batch row b, padding rows dropped: {@code length × dOut}. */
    public float[] expectedOutput(int b) {
        String out = props.containsKey("shape.out") ? "out" : "last_hidden_state";
        int[] shape = shape(out);
        int seq = shape[1];
        int dOut = shape[2];
        int len = lengths()[b];
        return Arrays.copyOfRange(floats(out), b * seq * dOut, (b * seq + len) * dOut);
    }

    /** Attention layers of the case: 1 for the single-layer models, {@code layers} for encoders. */
    public int layers() {
        return Integer.parseInt(props.getProperty("layers", "1"));
    }

    /**
     * PyTorch's weights of batch row b, padded queries and keys dropped: {@code layers × heads ×
     * length × length}, every layer.
     */
    public float[] expectedWeights(int b) {
        int[] all = new int[layers()];
        Arrays.setAll(all, i -> i);
        return expectedWeights(b, all);
    }

    /** The same for the given layers only, in the order given. */
    public float[] expectedWeights(int b, int... layers) {
        int len = lengths()[b];
        float[][] parts = new float[layers.length][];
        int total = 0;
        for (int i = 0; i < layers.length; i++) {
            parts[i] = layerWeights(props.containsKey("shape.weights") ? "weights" : "attentions_" + layers[i], b, len);
            total += parts[i].length;
        }
        float[] result = new float[total];
        int dst = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, result, dst, part.length);
            dst += part.length;
        }
        return result;
    }

    private float[] layerWeights(String tensor, int b, int len) {
        int[] shape = shape(tensor);
        int heads = shape[1];
        int seq = shape[2];
        float[] all = floats(tensor);
        float[] result = new float[heads * len * len];
        int dst = 0;
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < len; q++) {
                System.arraycopy(all, ((b * heads + h) * seq + q) * seq, result, dst, len);
                dst += len;
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return model + "/" + name;
    }
}
