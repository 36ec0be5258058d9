package io.mp2p.vectors;

import java.util.List;

/**
 * What a vector file run found.
 *
 * @param passed   vectors whose every message and hash matched
 * @param failed   descriptions of the vectors that did not ("index protocol: what differed")
 * @param skipped  protocol names this implementation does not support, one entry per vector
 */
public record VectorReport(int passed, List<String> failed, List<String> skipped) {
    public VectorReport {
        failed = List.copyOf(failed);
        skipped = List.copyOf(skipped);
    }

    /** The closing line: "N passed, M failed" (and ", K skipped" when any were). */
    public String summary() {
        return passed + " passed, " + failed.size() + " failed" + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped");
    }
}
