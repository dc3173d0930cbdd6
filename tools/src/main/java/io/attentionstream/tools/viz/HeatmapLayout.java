package io.attentionstream.tools.viz;

import java.awt.Font;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where every part of one heatmap image goes, in pixels. The renderer draws by it and tests read
 * pixels by it, so a test can find a cell or the title without OCR.
 *
 * <p>Cells are square, {@code clamp(800 / max(rows, cols), 1, 24)} pixels, so a 4 × 4 matrix is
 * still big enough to see and a 512 × 512 one stays on a screen. Above {@value #MAX_GRID} cells a
 * side the grid stays {@value #MAX_GRID} pixels and each pixel shows the largest of the cells it
 * covers, so a sharp peak of attention never vanishes in the averaging.
 */
public final class HeatmapLayout {
    static final int TARGET_GRID = 800;
    static final int MAX_CELL = 24;
    /** The most pixels the grid takes a side; the image adds margins for labels and the colour bar. */
    public static final int MAX_GRID = 1200;

    static final int PAD = 16;
    static final int GAP = 6;
    static final int TICK = 4;
    static final int BAR_WIDTH = 18;
    static final int BAR_GAP = 28;
    /** A strip (one query row) still gets a colour bar tall enough to read its scale. */
    static final int MIN_BAR_HEIGHT = 160;

    static final int BAR_TICKS = 5;

    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font SUBTITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private final int rows;
    private final int cols;
    private final int cellSize;
    private final Rectangle grid;
    private final Rectangle colorBar;
    private final PlacedText title;
    private final PlacedText subtitle;
    private final PlacedText rowTitle;
    private final PlacedText colTitle;
    private final PlacedText barCaption;
    private final List<PlacedText> rowLabels = new ArrayList<>();
    private final List<PlacedText> colLabels = new ArrayList<>();
    private final List<PlacedText> barLabels = new ArrayList<>();
    private final List<Integer> rowTicks = new ArrayList<>();
    private final List<Integer> colTicks = new ArrayList<>();
    private final List<Integer> barTicks = new ArrayList<>();
    private final int width;
    private final int height;

    private HeatmapLayout(Heatmap h) {
        rows = h.rows();
        cols = h.cols();
        cellSize = Math.max(1, Math.min(MAX_CELL, TARGET_GRID / Math.max(rows, cols)));
        int gridW = Math.min(cols * cellSize, MAX_GRID);
        int gridH = Math.min(rows * cellSize, MAX_GRID);
        List<Integer> rowIdx = labelIndexes(rows, gridH / (double) rows);
        List<Integer> colIdx = labelIndexes(cols, gridW / (double) cols);
        int rowLabelW = maxWidth(h.rowAxis().labels(), rowIdx);
        int colLabelW = maxWidth(h.colAxis().labels(), colIdx);

        title = new PlacedText(fit(h.title(), TITLE_FONT), TITLE_FONT, PAD, PAD + PlacedText.ascent(TITLE_FONT), false);
        int subtitleY = title.y() + PlacedText.descent(TITLE_FONT) + 4 + PlacedText.ascent(SUBTITLE_FONT);
        subtitle = new PlacedText(fit(h.subtitle(), SUBTITLE_FONT), SUBTITLE_FONT, PAD, subtitleY, false);
        int captionY = subtitleY + PlacedText.descent(SUBTITLE_FONT) + 12 + PlacedText.ascent(LABEL_FONT);
        int gridY = captionY + PlacedText.descent(LABEL_FONT) + GAP;

        // A strip is too short for a rotated axis title, so it gets a horizontal one.
        String rowName = h.rowAxis().title();
        int rowNameW = PlacedText.width(rowName, AXIS_FONT);
        boolean rotated = gridH >= rowNameW + 8;
        int gridX = PAD + (rotated ? PlacedText.lineHeight(AXIS_FONT) : rowNameW) + GAP + rowLabelW + 2 + TICK;
        grid = new Rectangle(gridX, gridY, gridW, gridH);
        rowTitle = rotated
                ? new PlacedText(
                        rowName, AXIS_FONT, PAD + PlacedText.ascent(AXIS_FONT), gridY + (gridH + rowNameW) / 2, true)
                : new PlacedText(
                        rowName, AXIS_FONT, PAD, gridY + gridH / 2 + PlacedText.centringOffset(AXIS_FONT), false);

        for (int q : rowIdx) {
            Rectangle cell = cellBounds(q, 0);
            int cy = cell.y + cell.height / 2;
            String text = h.rowAxis().labels().get(q);
            int x = gridX - TICK - 2 - PlacedText.width(text, LABEL_FONT);
            rowLabels.add(new PlacedText(text, LABEL_FONT, x, cy + PlacedText.centringOffset(LABEL_FONT), false));
            rowTicks.add(cy);
        }
        int labelTop = grid.y + gridH + TICK + 2;
        for (int k : colIdx) {
            Rectangle cell = cellBounds(0, k);
            int cx = cell.x + cell.width / 2;
            String text = h.colAxis().labels().get(k);
            int y = labelTop + PlacedText.width(text, LABEL_FONT);
            colLabels.add(new PlacedText(text, LABEL_FONT, cx + PlacedText.centringOffset(LABEL_FONT), y, true));
            colTicks.add(cx);
        }
        String colName = h.colAxis().title();
        int colNameW = PlacedText.width(colName, AXIS_FONT);
        int colTitleY = labelTop + colLabelW + GAP + PlacedText.ascent(AXIS_FONT);
        colTitle = new PlacedText(colName, AXIS_FONT, Math.max(PAD, gridX + (gridW - colNameW) / 2), colTitleY, false);

        int barX = Math.max(gridX + gridW, colTitle.x() + colNameW) + BAR_GAP;
        int barH = Math.max(gridH, MIN_BAR_HEIGHT);
        colorBar = new Rectangle(barX, gridY, BAR_WIDTH, barH);
        barCaption = new PlacedText("weight", LABEL_FONT, barX, captionY, false);
        int right = barX + PlacedText.width(barCaption.text(), LABEL_FONT);
        for (int i = 0; i < BAR_TICKS; i++) {
            double f = i / (double) (BAR_TICKS - 1);
            int y = gridY + (int) Math.round((1 - f) * (barH - 1));
            String text = formatScale(f * h.scaleMax(), h.scaleMax());
            // Clear of its tick, which would otherwise read as a minus sign.
            PlacedText label = new PlacedText(
                    text, LABEL_FONT, barX + BAR_WIDTH + TICK + 6, y + PlacedText.centringOffset(LABEL_FONT), false);
            barLabels.add(label);
            barTicks.add(y);
            right = Math.max(right, label.x() + PlacedText.width(text, LABEL_FONT));
        }
        right = Math.max(
                right,
                Math.max(title.bounds().x + title.bounds().width, subtitle.bounds().x + subtitle.bounds().width));
        width = right + PAD;
        height = Math.max(
                        colTitleY + PlacedText.descent(AXIS_FONT), gridY + barH + PlacedText.lineHeight(LABEL_FONT) / 2)
                + PAD;
    }

    public static HeatmapLayout of(Heatmap heatmap) {
        return new HeatmapLayout(heatmap);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Pixels a side of one cell, before any shrinking of matrices wider than {@link #MAX_GRID}. */
    public int cellSize() {
        return cellSize;
    }

    /** The matrix area. */
    public Rectangle grid() {
        return new Rectangle(grid);
    }

    /** The pixels showing cell ({@code row}, {@code col}); one pixel, shared, when the grid is shrunk. */
    public Rectangle cellBounds(int row, int col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException(
                    "Cell (" + row + ", " + col + ") is outside the " + rows + " × " + cols + " matrix.");
        }
        int x1 = edge(col + 1, grid.width, cols);
        int x0 = Math.min(edge(col, grid.width, cols), x1 - 1);
        int y1 = edge(row + 1, grid.height, rows);
        int y0 = Math.min(edge(row, grid.height, rows), y1 - 1);
        return new Rectangle(grid.x + x0, grid.y + y0, x1 - x0, y1 - y0);
    }

    /** First cell shown by pixel {@code p} (0-based within the grid) of a side {@code pixels} long holding {@code cells}. */
    static int firstCell(int p, int pixels, int cells) {
        return (int) ((long) p * cells / pixels);
    }

    /** One past the last cell shown by pixel {@code p}: more than one only when the grid is shrunk. */
    static int endCell(int p, int pixels, int cells) {
        return Math.max(firstCell(p, pixels, cells) + 1, (int) ((long) (p + 1) * cells / pixels));
    }

    public PlacedText title() {
        return title;
    }

    public PlacedText subtitle() {
        return subtitle;
    }

    public PlacedText rowTitle() {
        return rowTitle;
    }

    public PlacedText colTitle() {
        return colTitle;
    }

    public List<PlacedText> rowLabels() {
        return List.copyOf(rowLabels);
    }

    public List<PlacedText> colLabels() {
        return List.copyOf(colLabels);
    }

    /** The colour scale, largest value at the top. */
    public Rectangle colorBar() {
        return new Rectangle(colorBar);
    }

    public PlacedText barCaption() {
        return barCaption;
    }

    /** The scale's values, from 0 at the bottom of the bar to the heatmap's scaleMax at the top. */
    public List<PlacedText> barLabels() {
        return List.copyOf(barLabels);
    }

    List<Integer> rowTicks() {
        return rowTicks;
    }

    List<Integer> colTicks() {
        return colTicks;
    }

    List<Integer> barTicks() {
        return barTicks;
    }

    /** First pixel of cell {@code i}: the pixel where cells [i, i+1) begin, rounded up. */
    private static int edge(int i, int pixels, int cells) {
        return (int) (((long) i * pixels + cells - 1) / cells);
    }

    /** Every row or column whose label fits: 0, step, 2·step, … with step 1, 2, 5, 10, 20, 50, … */
    private static List<Integer> labelIndexes(int count, double pixelsPerCell) {
        int need = PlacedText.lineHeight(LABEL_FONT) + 2;
        long step = 1;
        for (long decade = 1; step * pixelsPerCell < need; decade *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                step = m * decade;
                if (step * pixelsPerCell >= need) {
                    break;
                }
            }
        }
        List<Integer> indexes = new ArrayList<>();
        for (long i = 0; i < count; i += step) {
            indexes.add((int) i);
        }
        return indexes;
    }

    private static int maxWidth(List<String> labels, List<Integer> indexes) {
        int w = 0;
        for (int i : indexes) {
            w = Math.max(w, PlacedText.width(labels.get(i), LABEL_FONT));
        }
        return w;
    }

    /** The text, cut short with "…" if wider than the widest grid, so a long key cannot stretch the image. */
    private static String fit(String text, Font font) {
        if (PlacedText.width(text, font) <= MAX_GRID) {
            return text;
        }
        int end = text.length();
        while (end > 0 && PlacedText.width(text.substring(0, end) + "…", font) > MAX_GRID) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /** Enough decimals to tell the ticks of a small scale apart (max 0.05 → 0.0125). */
    static String formatScale(double value, float scaleMax) {
        int digits = Math.max(2, 2 - (int) Math.floor(Math.log10(scaleMax)));
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }
}
