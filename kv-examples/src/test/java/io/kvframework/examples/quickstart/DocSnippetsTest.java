package io.kvframework.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of docs/getting-started.md is a region of a source file of this package, so it
 * compiles with the build (and QuickStartIT runs it): a region starts after {@code // snippet:<name>}
 * and ends before {@code // end-snippet}.
 */
class DocSnippetsTest {
    private static final Path SOURCES = Path.of("src/main/java/io/kvframework/examples/quickstart");
    private static final Path GUIDE = Path.of("../docs/getting-started.md");

    @Test
    void theGuidesJavaSnippetsAreTheCompiledSources() throws IOException {
        List<String> regions = new ArrayList<>();
        regions.add(region(SOURCES.resolve("Order.java"), "entity"));
        regions.add(region(SOURCES.resolve("QuickStart.java"), "repository"));
        regions.add(region(SOURCES.resolve("QuickStart.java"), "drainer"));
        assertThat(javaBlocks(Files.readString(GUIDE))).containsExactlyElementsOf(regions);
    }

    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : markdown.split("\n", -1)) {
            if (current == null && line.equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && line.equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    static String region(Path file, String name) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("// snippet:" + name)) {
                start = i + 1;
            } else if (start >= 0 && lines.get(i).trim().equals("// end-snippet")) {
                List<String> region = lines.subList(start, i);
                int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min()
                        .orElse(0);
                StringBuilder out = new StringBuilder();
                region.forEach(l -> out.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
                return out.toString();
            }
        }
        throw new IllegalStateException("no snippet '" + name + "' in " + file);
    }
}
