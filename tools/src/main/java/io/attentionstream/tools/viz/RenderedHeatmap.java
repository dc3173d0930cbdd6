package io.attentionstream.tools.viz;

import java.nio.file.Path;

/**
 * One image written, with what the index says of it.
 *
 * @param file the PNG
 * @param window the window it shows, e.g. "sensor-0 · positions 4..19"
 * @param view the head it shows, e.g. "head 2" or "mean of 4 heads"
 */
public record RenderedHeatmap(Path file, String window, String view) {
    public String caption() {
        return window + " · " + view;
    }
}
