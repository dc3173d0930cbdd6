package io.attentionstream.tools.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws a {@link Heatmap} as {@link HeatmapLayout} places it, with the JDK alone (Java2D and
 * ImageIO): no chart library in the job jar, and it works on a server without a display.
 */
public final class HeatmapRenderer {
    static {
        // Rendering to an image needs no display; without this a desktop session's DISPLAY would
        // make AWT try to reach it. An explicit -Djava.awt.headless=false still wins.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final Color BACKGROUND = Color.WHITE;
    private static final Color INK = new Color(0x222222);
    private static final Color FRAME = new Color(0x555555);

    private HeatmapRenderer() {}

    public static BufferedImage render(Heatmap heatmap) {
        return render(heatmap, HeatmapLayout.of(heatmap));
    }

    static BufferedImage render(Heatmap h, HeatmapLayout layout) {
        BufferedImage image = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, layout.width(), layout.height());
            drawCells(image, h, layout.grid());
            drawColorBar(image, layout.colorBar());
            // Frames and ticks crisp (no antialiasing); text smooth, measured as PlacedText measures it.
            drawFramesAndTicks(g, layout);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(INK);
            draw(g, layout.title());
            draw(g, layout.subtitle());
            draw(g, layout.rowTitle());
            draw(g, layout.colTitle());
            draw(g, layout.barCaption());
            layout.rowLabels().forEach(t -> draw(g, t));
            layout.colLabels().forEach(t -> draw(g, t));
            layout.barLabels().forEach(t -> draw(g, t));
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Renders and writes a PNG, creating the parent folder. */
    public static void writePng(Heatmap heatmap, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(render(heatmap), "png", file.toFile())) {
                throw new IllegalStateException("This JDK has no PNG writer for ImageIO.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file + ": check that the folder is writable.", e);
        }
    }

    /** Pixel by pixel, so a shrunk grid can show the largest of the cells under each pixel. */
    private static void drawCells(BufferedImage image, Heatmap h, Rectangle grid) {
        for (int py = 0; py < grid.height; py++) {
            int q0 = HeatmapLayout.firstCell(py, grid.height, h.rows());
            int q1 = HeatmapLayout.endCell(py, grid.height, h.rows());
            for (int px = 0; px < grid.width; px++) {
                int k0 = HeatmapLayout.firstCell(px, grid.width, h.cols());
                int k1 = HeatmapLayout.endCell(px, grid.width, h.cols());
                image.setRGB(grid.x + px, grid.y + py, ColorMap.rgb(largest(h, q0, q1, k0, k1) / h.scaleMax()));
            }
        }
    }

    private static double largest(Heatmap h, int q0, int q1, int k0, int k1) {
        double max = Double.NaN;
        for (int q = q0; q < q1; q++) {
            for (int k = k0; k < k1; k++) {
                float v = h.value(q, k);
                if (!Float.isNaN(v) && !(v <= max)) {
                    max = v;
                }
            }
        }
        return max;
    }

    private static void drawColorBar(BufferedImage image, Rectangle bar) {
        for (int y = 0; y < bar.height; y++) {
            int rgb = ColorMap.rgb(1 - y / (double) (bar.height - 1));
            for (int x = 0; x < bar.width; x++) {
                image.setRGB(bar.x + x, bar.y + y, rgb);
            }
        }
    }

    /** Frames sit just outside the grid and the bar, so they never cover a cell. */
    private static void drawFramesAndTicks(Graphics2D g, HeatmapLayout layout) {
        g.setColor(FRAME);
        g.setStroke(new BasicStroke(1));
        Rectangle grid = layout.grid();
        Rectangle bar = layout.colorBar();
        g.drawRect(grid.x - 1, grid.y - 1, grid.width + 1, grid.height + 1);
        g.drawRect(bar.x - 1, bar.y - 1, bar.width + 1, bar.height + 1);
        int tick = HeatmapLayout.TICK;
        layout.rowTicks().forEach(y -> g.drawLine(grid.x - 1 - tick, y, grid.x - 2, y));
        layout.colTicks().forEach(x -> g.drawLine(x, grid.y + grid.height + 1, x, grid.y + grid.height + tick));
        layout.barTicks().forEach(y -> g.drawLine(bar.x + bar.width + 1, y, bar.x + bar.width + tick, y));
    }

    private static void draw(Graphics2D g, PlacedText t) {
        g.setFont(t.font());
        if (!t.vertical()) {
            g.drawString(t.text(), (float) t.x(), (float) t.y());
            return;
        }
        AffineTransform saved = g.getTransform();
        g.translate(t.x(), t.y());
        g.rotate(-Math.PI / 2);
        g.drawString(t.text(), 0f, 0f);
        g.setTransform(saved);
    }
}
