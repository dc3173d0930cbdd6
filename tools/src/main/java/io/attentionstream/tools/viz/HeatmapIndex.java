package io.attentionstream.tools.viz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes {@code index.html}: every heatmap with its caption, grouped by window, for a browser. */
public final class HeatmapIndex {
    public static final String FILE_NAME = "index.html";

    private HeatmapIndex() {}

    /** Writes {@code outDir/index.html} listing {@code images} in their order; returns its path. */
    public static Path write(Path outDir, List<RenderedHeatmap> images) {
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        for (RenderedHeatmap image : images) {
            String src = source(outDir, image.file());
            sections.computeIfAbsent(image.window(), w -> new StringBuilder())
                    .append("<figure><a href=\"")
                    .append(escape(src))
                    .append("\"><img src=\"")
                    .append(escape(src))
                    .append("\" alt=\"")
                    .append(escape(image.caption()))
                    .append("\" loading=\"lazy\"></a>")
                    .append("<figcaption>")
                    .append(escape(image.view()))
                    .append("</figcaption></figure>\n");
        }
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>Attention heatmaps</title>
                <style>
                body { font-family: sans-serif; margin: 1.5em; color: #222; }
                figure { display: inline-block; margin: 0 1em 1em 0; vertical-align: top; }
                img { max-width: 640px; border: 1px solid #ddd; }
                figcaption { font-size: 90%; }
                </style>
                </head>
                <body>
                """);
        html.append("<h1>Attention heatmaps</h1>\n<p>")
                .append(images.size())
                .append(" images of ")
                .append(sections.size())
                .append(" windows. Rows: query positions; columns: key positions; ")
                .append("brighter = more attention.</p>\n");
        sections.forEach((window, figures) -> html.append("<section>\n<h2>")
                .append(escape(window))
                .append("</h2>\n")
                .append(figures)
                .append("</section>\n"));
        html.append("</body>\n</html>\n");
        Path index = outDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(outDir);
            Files.writeString(index, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + index + ": check that the folder is writable.", e);
        }
        return index;
    }

    /** Keys come from the stream, so every text is escaped before it goes into the page. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Images beside the index are linked relatively, so the folder can be moved or served as is. */
    private static String source(Path outDir, Path file) {
        Path dir = outDir.toAbsolutePath().normalize();
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(dir)
                ? dir.relativize(abs).toString().replace('\\', '/')
                : abs.toUri().toString();
    }
}
