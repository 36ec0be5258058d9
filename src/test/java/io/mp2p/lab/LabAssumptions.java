package io.mp2p.lab;

import org.junit.jupiter.api.Assumptions;

/** Skips a lab test with a printed reason where the lab cannot run (not root, no iproute2, a package missing). */
final class LabAssumptions {
    private static volatile String labUnavailable;
    private static volatile boolean checked;

    private LabAssumptions() {
    }

    /** The lab itself: root, ip, namespaces. */
    static void lab(String test) {
        if (!checked) {
            labUnavailable = Lab.unavailable();
            checked = true;
        }
        skipIf(test, labUnavailable);
    }

    /** A tool a topology needs: skips with "install the Debian package ..." when it does not run. */
    static void tool(String test, String pkg, String... command) {
        skipIf(test, Lab.missing(pkg, command));
    }

    static void skipIf(String test, String why) {
        if (why != null) {
            System.out.println("lab: " + test + " skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
    }
}
