package io.kvframework.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Aligned text tables for people, JSON for scripts. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Output() {
    }

    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints rows under headers, each column as wide as its widest cell; null prints as "-". */
    static void table(PrintWriter out, List<String> headers, List<List<Object>> rows) {
        int[] width = new int[headers.size()];
        List<List<String>> cells = new ArrayList<>();
        cells.add(headers);
        for (List<Object> row : rows) {
            cells.add(row.stream().map(v -> v == null ? "-" : String.valueOf(v)).toList());
        }
        for (List<String> row : cells) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(i == row.size() - 1 ? row.get(i) : pad(row.get(i), width[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
