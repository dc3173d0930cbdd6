package io.attentionstream.core.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Which layers' attention a multi-layer model emits (`--weights-layers all|last|LIST`). A list
 * names 0-based layer indexes, e.g. {@code 0,5}; they are emitted in ascending order.
 */
public final class LayerSelection implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final LayerSelection ALL = new LayerSelection("all", null);
    public static final LayerSelection LAST = new LayerSelection("last", null);

    private final String cliName;
    private final int[] indexes;

    private LayerSelection(String cliName, int[] indexes) {
        this.cliName = cliName;
        this.indexes = indexes;
    }

    /** Parses {@code all}, {@code last} or a comma-separated list of layer indexes. */
    public static LayerSelection fromCliName(String text) {
        String s = text == null ? "" : text.trim();
        if (s.equalsIgnoreCase("all")) {
            return ALL;
        }
        if (s.equalsIgnoreCase("last")) {
            return LAST;
        }
        TreeSet<Integer> layers = new TreeSet<>();
        for (String part : s.split(",", -1)) {
            try {
                int layer = Integer.parseInt(part.trim());
                if (layer < 0) {
                    throw new NumberFormatException();
                }
                layers.add(layer);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--weights-layers '" + text
                        + "' is not all, last or a list of layer indexes from 0 (e.g. 0,5).");
            }
        }
        int[] indexes = layers.stream().mapToInt(Integer::intValue).toArray();
        return new LayerSelection(Arrays.toString(indexes).replaceAll("[\\[\\] ]", ""), indexes);
    }

    /**
     * The layer indexes this selection names in a model of {@code layers} layers, ascending; a
     * layer the model does not have is refused naming the flag.
     */
    public int[] resolve(int layers) {
        if (layers < 1) {
            return new int[0];
        }
        if (indexes == null) {
            if ("last".equals(cliName)) {
                return new int[] {layers - 1};
            }
            int[] all = new int[layers];
            Arrays.setAll(all, i -> i);
            return all;
        }
        for (int layer : indexes) {
            if (layer >= layers) {
                throw new ModelLoadException("--weights-layers " + cliName + " names layer " + layer
                        + " but the model has " + layers + " attention layer" + (layers == 1 ? "" : "s")
                        + " (0 to " + (layers - 1) + ").");
            }
        }
        return indexes.clone();
    }

    public String cliName() {
        return cliName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerSelection other && other.cliName.equals(cliName);
    }

    @Override
    public int hashCode() {
        return cliName.hashCode();
    }

    @Override
    public String toString() {
        return cliName;
    }

    private Object readResolve() {
        return "all".equals(cliName) ? ALL : "last".equals(cliName) ? LAST : this;
    }
}
