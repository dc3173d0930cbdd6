package io.attentionstream.tools.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which views of a window to draw: one head, the mean of the heads, or every head and the mean. */
public final class HeadSelection {
    /** The view index that stands for the mean of all heads. */
    public static final int MEAN = -1;

    public static final HeadSelection ALL = new HeadSelection(null, true);
    public static final HeadSelection MEAN_ONLY = new HeadSelection(null, false);

    private final Integer head;
    private final boolean all;

    private HeadSelection(Integer head, boolean all) {
        this.head = head;
        this.all = all;
    }

    public static HeadSelection head(int head) {
        if (head < 0) {
            throw new IllegalArgumentException("A head number is 0 or more, got " + head + ".");
        }
        return new HeadSelection(head, false);
    }

    /** Reads "all", "mean" or a head number. */
    public static HeadSelection parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("all")) {
            return ALL;
        }
        if (t.equals("mean")) {
            return MEAN_ONLY;
        }
        try {
            return head(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Head \"" + text + "\" is not a head number, mean or all.");
        }
    }

    /** The views to draw of a window with {@code heads} heads: head numbers, and {@link #MEAN}. */
    public List<Integer> views(int heads) {
        List<Integer> views = new ArrayList<>();
        if (head != null) {
            if (head >= heads) {
                throw new IllegalArgumentException("Head " + head + " does not exist: the model has " + heads
                        + " heads (0.." + (heads - 1) + "); choose one of them, mean or all.");
            }
            views.add(head);
            return views;
        }
        if (all) {
            for (int h = 0; h < heads; h++) {
                views.add(h);
            }
        }
        views.add(MEAN);
        return views;
    }

    @Override
    public String toString() {
        return head != null ? head.toString() : all ? "all" : "mean";
    }
}
