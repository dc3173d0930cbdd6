package io.attentionstream.operators.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The direct, native-order buffers that back every tensor of a model's {@code run()}. ONNX Runtime
 * reads and writes them in place, so the hot path allocates neither arrays nor native memory;
 * each buffer only grows, to the largest batch seen.
 */
final class TensorArena {
    private ByteBuffer input = allocate(0);
    private ByteBuffer padMask = allocate(0);
    private ByteBuffer output = allocate(0);
    private ByteBuffer weights = allocate(0);

    /** A buffer of exactly {@code bytes} bytes for the features or tokens input. */
    ByteBuffer input(long bytes) {
        input = ensure(input, bytes);
        return slice(input, bytes);
    }

    ByteBuffer padMask(long bytes) {
        padMask = ensure(padMask, bytes);
        return slice(padMask, bytes);
    }

    ByteBuffer output(long bytes) {
        output = ensure(output, bytes);
        return slice(output, bytes);
    }

    ByteBuffer weights(long bytes) {
        weights = ensure(weights, bytes);
        return slice(weights, bytes);
    }

    private static ByteBuffer ensure(ByteBuffer buffer, long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "A batch needs a " + bytes + "-byte tensor, more than one buffer holds: lower --batch-size or --window-size.");
        }
        if (buffer.capacity() >= bytes) {
            return buffer;
        }
        long grown = Math.max(bytes, Math.min(Integer.MAX_VALUE, 2L * buffer.capacity()));
        return allocate((int) grown);
    }

    private static ByteBuffer slice(ByteBuffer buffer, long bytes) {
        ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
        view.clear().limit((int) bytes);
        return view.slice().order(ByteOrder.nativeOrder());
    }

    private static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
