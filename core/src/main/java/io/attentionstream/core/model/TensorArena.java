package io.attentionstream.core.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The direct, native-order buffers that back every tensor of a model's {@code run()}, one per
 * tensor named by {@code T} (and {@link #extra} numbered ones, such as one per attention layer). ONNX Runtime reads and writes them in place, so the hot path
 * allocates neither arrays nor native memory; each buffer only grows, to the largest batch seen.
 */
public final class TensorArena<T extends Enum<T>> {
    private final ByteBuffer[] buffers;

    private final int named;

    public TensorArena(Class<T> tensors) {
        this(tensors, 0);
    }

    /** Room for the tensors of {@code T} and {@code extra} numbered tensors. */
    public TensorArena(Class<T> tensors, int extra) {
        named = tensors.getEnumConstants().length;
        buffers = new ByteBuffer[named + extra];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = allocate(0);
        }
    }

    /** A buffer of exactly {@code bytes} bytes for one tensor; its contents are whatever was there. */
    public ByteBuffer get(T tensor, long bytes) {
        return slot(tensor.ordinal(), bytes);
    }

    /** A buffer of exactly {@code bytes} bytes for the numbered tensor {@code index}. */
    public ByteBuffer extra(int index, long bytes) {
        if (index < 0 || named + index >= buffers.length) {
            throw new IndexOutOfBoundsException("No numbered tensor " + index);
        }
        return slot(named + index, bytes);
    }

    private ByteBuffer slot(int slot, long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("A batch needs a " + bytes
                    + "-byte tensor, more than one buffer holds: lower --batch-size or --window-size.");
        }
        ByteBuffer buffer = buffers[slot];
        if (buffer.capacity() < bytes) {
            buffer = allocate((int) Math.max(bytes, Math.min(Integer.MAX_VALUE, 2L * buffer.capacity())));
            buffers[slot] = buffer;
        }
        ByteBuffer view = buffer.duplicate();
        view.clear().limit((int) bytes);
        return view.slice().order(ByteOrder.nativeOrder());
    }

    private static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
}
