package io.attentionstream.tools.viz;

import io.attentionstream.avro.AttentionWeights;
import java.util.Map;

/**
 * Token ids to print beside key positions. Weights records do not carry their tokens, so a caller
 * that knows them (the demo produced them; a tool may read the input topic) joins them here.
 */
@FunctionalInterface
public interface TokenSource {
    TokenSource NONE = window -> null;

    /** The token id of each valid position of the window, oldest first, or null when unknown. */
    long[] tokensOf(AttentionWeights window);

    /**
     * Tokens by key and position. A window gets tokens only if its positions are consecutive
     * (otherwise which position a column holds is unknown) and every one of them is in the map.
     */
    static TokenSource byPosition(Map<String, ? extends Map<Long, Long>> tokensByKey) {
        return window -> {
            Map<Long, Long> tokens = tokensByKey.get(window.getKey());
            long start = window.getWindowStartPosition();
            int length = window.getLength();
            if (tokens == null || window.getWindowEndPosition() - start + 1 != length) {
                return null;
            }
            long[] result = new long[length];
            for (int i = 0; i < length; i++) {
                Long token = tokens.get(start + i);
                if (token == null) {
                    return null;
                }
                result[i] = token;
            }
            return result;
        };
    }
}
