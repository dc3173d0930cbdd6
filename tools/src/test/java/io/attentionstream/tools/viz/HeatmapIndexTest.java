package io.attentionstream.tools.viz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatmapIndexTest {
    @Test
    void listsEveryImageRelativelyUnderItsWindowWithEscapedText(@TempDir Path dir) throws Exception {
        List<RenderedHeatmap> images = List.of(
                new RenderedHeatmap(
                        dir.resolve("a_0-3_head0.png"), "<script>x</script> · positions 0..3", "head 0 of 2"),
                new RenderedHeatmap(
                        dir.resolve("a_0-3_mean.png"), "<script>x</script> · positions 0..3", "mean of 2 heads"),
                new RenderedHeatmap(dir.resolve("b_4-7_mean.png"), "b & \"c\" · positions 4..7", "mean of 2 heads"));
        Path index = HeatmapIndex.write(dir, images);

        String html = Files.readString(index);
        assertThat(index.getFileName().toString()).isEqualTo("index.html");
        assertThat(html).contains("src=\"a_0-3_head0.png\"", "src=\"a_0-3_mean.png\"", "src=\"b_4-7_mean.png\"");
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;x&lt;/script&gt;");
        assertThat(html).contains("b &amp; &quot;c&quot;");
        assertThat(html.split("<h2>", -1)).hasSize(3);
        assertThat(html).contains("3 images of 2 windows");
    }

    @Test
    void escapesEveryCharacterThatMeansSomethingInHtml() {
        assertThat(HeatmapIndex.escape("<a href='x'>&\"</a>"))
                .isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    }
}
