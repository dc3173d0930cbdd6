package io.attentionstream.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Cuts a batch into groups of one {@code run()} each, longest first, so that short inputs are not
 * padded to the longest one when the padding would cost more than another run. Each model says
 * where that is ({@link Cut}).
 */
public final class LengthGroups {

    /** Whether a new group starts at an input, given the current group's longest and that input. */
    @FunctionalInterface
    public interface Cut {
        /**
         * @param longest the length of the current group's first (longest) input
         * @param length the length of the input at which a new group could start
         * @param remaining inputs from this one on, itself included
         */
        boolean before(int longest, int length, int remaining);
    }

    private LengthGroups() {}

    /** Indexes {@code 0 .. count − 1}, longest first, cut into groups where {@code cut} says. */
    public static List<int[]> of(int count, IntUnaryOperator lengthOf, Cut cut) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                Comparator.comparingInt((Integer i) -> lengthOf.applyAsInt(i)).reversed());
        List<int[]> groups = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= count; i++) {
            if (i == count || cut.before(lengthOf.applyAsInt(order[start]), lengthOf.applyAsInt(order[i]), count - i)) {
                int[] group = new int[i - start];
                for (int j = start; j < i; j++) {
                    group[j - start] = order[j];
                }
                groups.add(group);
                start = i;
            }
        }
        return groups;
    }
}
