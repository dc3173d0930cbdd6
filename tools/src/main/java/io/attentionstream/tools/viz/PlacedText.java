package io.attentionstream.tools.viz;

import java.awt.Font;
import java.awt.Rectangle;
import java.awt.font.FontRenderContext;
import java.awt.font.LineMetrics;

/**
 * A string, its font and where it goes. Vertical text reads bottom to top (rotated −90°) with its
 * baseline origin at ({@code x}, {@code y}); horizontal text has its baseline origin there.
 */
public record PlacedText(String text, Font font, int x, int y, boolean vertical) {
    /** Measures as the renderer draws: antialiased text with fractional metrics. */
    static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    /** The box the glyphs fit in, in image pixels. */
    public Rectangle bounds() {
        int w = width(text, font);
        int ascent = ascent(font);
        int descent = descent(font);
        if (vertical) {
            return new Rectangle(x - ascent, y - w, ascent + descent, w);
        }
        return new Rectangle(x, y - ascent, w, ascent + descent);
    }

    static int width(String text, Font font) {
        return (int) Math.ceil(font.getStringBounds(text, FRC).getWidth());
    }

    static int ascent(Font font) {
        return (int) Math.ceil(metrics(font).getAscent());
    }

    static int descent(Font font) {
        return (int) Math.ceil(metrics(font).getDescent());
    }

    static int lineHeight(Font font) {
        return ascent(font) + descent(font);
    }

    /** Baseline offset that centres a line of {@code font} on a point. */
    static int centringOffset(Font font) {
        return (ascent(font) - descent(font)) / 2;
    }

    private static LineMetrics metrics(Font font) {
        return font.getLineMetrics("Ag", FRC);
    }
}
