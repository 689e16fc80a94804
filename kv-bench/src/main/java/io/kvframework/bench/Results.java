package io.kvframework.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One comparison's row of the results table and of {@code latest.json}. */
final class Results {
    private Results() {
    }

    /**
     * A row: {@code ratio} is ours / baseline; {@code better} says which way is good ("higher" for
     * throughput, "lower" for latency and bytes), so the ratio reads the same way in every row.
     */
    static Map<String, Object> row(String name, double ours, double baseline, String unit, String better) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("ours", round2(ours));
        r.put("baseline", round2(baseline));
        r.put("unit", unit);
        r.put("ratio", baseline == 0 ? 0.0 : round2(ours / baseline));
        r.put("better", better);
        return r;
    }

    /** The median round of a side (the upper middle one of an even count). */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
