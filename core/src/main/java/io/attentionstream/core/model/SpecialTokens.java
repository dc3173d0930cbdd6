package io.attentionstream.core.model;

import java.io.Serializable;

/**
 * Token ids put around every window before a token model sees it (`--special-tokens FIRST,LAST`),
 * such as BERT's {@code [CLS]} and {@code [SEP]}: the model runs on {@code [FIRST, events…, LAST]}.
 * The records carry the window's events only: output rows and weights rows and columns of the two
 * special positions are dropped, so a weights row sums to 1 minus what that position gives them.
 *
 * @param first the id put before the window's first event
 * @param last the id put after its last event
 */
public record SpecialTokens(long first, long last) implements Serializable {
    /** Positions the model sees beyond the window's events. */
    public static final int EXTRA_POSITIONS = 2;

    public SpecialTokens {
        if (first < 0 || last < 0) {
            throw new IllegalArgumentException(
                    "--special-tokens takes two token ids from 0, got " + first + "," + last + ".");
        }
    }

    /** Parses {@code FIRST,LAST}, e.g. {@code 101,102}. */
    public static SpecialTokens fromCliName(String text) {
        String[] parts = text == null ? new String[0] : text.split(",", -1);
        if (parts.length == 2) {
            try {
                return new SpecialTokens(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()));
            } catch (NumberFormatException e) {
                // the sentence below
            }
        }
        throw new IllegalArgumentException("--special-tokens '" + text
                + "' is not two token ids FIRST,LAST (e.g. 101,102 for BERT's [CLS] and [SEP]).");
    }

    @Override
    public String toString() {
        return first + "," + last;
    }
}
