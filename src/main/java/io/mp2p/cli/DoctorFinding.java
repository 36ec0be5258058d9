package io.mp2p.cli;

import java.util.regex.Pattern;

/**
 * One line of {@code mp2p doctor}: a verdict, the check's name, what was found and what to do, as
 * {@code [OK] join: joined 239.193.7.12 on eth0 ...}. The verdict comes first so that a person (or
 * {@code grep '^\[FAIL\]'}) sees at a glance what is wrong.
 */
record DoctorFinding(Verdict verdict, String check, String text) {
    /** How a check came out. */
    enum Verdict {
        /** Works as mp2p needs. */
        OK,
        /** Works, but something will likely bite (the text says what). */
        WARN,
        /** Broken: mp2p cannot work this way (the text says what to do). */
        FAIL,
        /** Could not be found out from here (the text says why, and how to find out). */
        UNKNOWN,
        /** Not run, because an earlier check or a missing option stops it. */
        SKIP,
        /** Facts to know, nothing to judge. */
        INFO,
        /** A feature mp2p does not have yet. */
        NA;

        /** The word in brackets: {@code N/A} for {@link #NA}, else the name. */
        String word() {
            return this == NA ? "N/A" : name();
        }
    }

    /** A line as {@link #toString()} writes it: verdict, check name, text. */
    static final Pattern LINE = Pattern.compile("^\\[(OK|WARN|FAIL|UNKNOWN|SKIP|INFO|N/A)\\] +([a-z][a-z ]*): (.+)$");
    /** Width of the bracketed verdict column, so that the check names line up. */
    private static final int VERDICT_COLUMN = "[UNKNOWN] ".length();

    static DoctorFinding ok(String check, String text) {
        return new DoctorFinding(Verdict.OK, check, text);
    }

    static DoctorFinding warn(String check, String text) {
        return new DoctorFinding(Verdict.WARN, check, text);
    }

    static DoctorFinding fail(String check, String text) {
        return new DoctorFinding(Verdict.FAIL, check, text);
    }

    static DoctorFinding unknown(String check, String text) {
        return new DoctorFinding(Verdict.UNKNOWN, check, text);
    }

    static DoctorFinding skip(String check, String text) {
        return new DoctorFinding(Verdict.SKIP, check, text);
    }

    static DoctorFinding na(String check, String text) {
        return new DoctorFinding(Verdict.NA, check, text);
    }

    static DoctorFinding info(String check, String text) {
        return new DoctorFinding(Verdict.INFO, check, text);
    }

    @Override
    public String toString() {
        String v = "[" + verdict.word() + "]";
        return v + " ".repeat(Math.max(1, VERDICT_COLUMN - v.length())) + check + ": " + text;
    }
}
