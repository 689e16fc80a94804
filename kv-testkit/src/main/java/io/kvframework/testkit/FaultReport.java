package io.kvframework.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The outcome of one fault scenario: how many operations ran, how many faults were injected, and
 * how many rows were lost or duplicated in effect when the store was compared with the model.
 * Every fault test prints one line in the same shape, so the figures can be collected:
 *
 * <pre>{@code
 * fault scenario redis-connection-cut: 12,004 operations, 30 faults, 0 rows lost, 0 rows duplicated (…)
 * }</pre>
 *
 * @param scenario   short name of the scenario
 * @param operations operations the workload ran
 * @param faults     faults injected
 * @param lost       rows the model has but the store lacks, or holds at another version or value
 * @param duplicated rows the store has but the model does not (resurrected), plus writes observed applied twice
 * @param details    free text: what else the scenario measured
 * @param examples   a few of the differences, for the failure message
 */
public record FaultReport(String scenario, long operations, long faults, long lost, long duplicated, String details,
        List<String> examples) {

    public FaultReport {
        Objects.requireNonNull(scenario, "scenario");
        details = details == null ? "" : details;
        examples = List.copyOf(examples);
    }

    /**
     * Compares the store with the model, key by key. A key whose value differs counts as lost (the
     * write that produced the model's value is not in the store); a key only in the store counts as
     * duplicated (a row that came back).
     */
    public static FaultReport compare(String scenario, long operations, long faults, Map<String, String> expected,
            Map<String, String> actual, long writesAppliedTwice, String details) {
        long lost = 0;
        long duplicated = writesAppliedTwice;
        List<String> examples = new ArrayList<>();
        for (String key : new TreeSet<>(expected.keySet())) {
            String want = expected.get(key);
            String got = actual.get(key);
            if (!want.equals(got)) {
                lost++;
                note(examples, key + ": expected " + want + ", found " + (got == null ? "nothing" : got));
            }
        }
        for (String key : new TreeSet<>(actual.keySet())) {
            if (!expected.containsKey(key)) {
                duplicated++;
                note(examples, key + ": expected nothing, found " + actual.get(key));
            }
        }
        return new FaultReport(scenario, operations, faults, lost, duplicated, details, examples);
    }

    private static void note(List<String> examples, String line) {
        if (examples.size() < 10) {
            examples.add(line);
        }
    }

    /** The one-line summary every fault test prints. */
    public String line() {
        return String.format("fault scenario %s: %,d operations, %,d faults, %,d rows lost, %,d rows duplicated%s", scenario,
                operations, faults, lost, duplicated, details.isEmpty() ? "" : " (" + details + ")");
    }

    /** Prints {@link #line()} to standard output and returns this report. */
    public FaultReport print() {
        System.out.println(line());
        return this;
    }

    /** Throws an {@link AssertionError} naming the differences unless nothing was lost or duplicated. */
    public void assertNothingLostOrDuplicated() {
        if (lost != 0 || duplicated != 0) {
            throw new AssertionError(line() + (examples.isEmpty() ? "" : "\n  " + String.join("\n  ", examples)));
        }
    }
}
