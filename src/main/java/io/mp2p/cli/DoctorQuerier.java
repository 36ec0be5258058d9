package io.mp2p.cli;

import java.net.NetworkInterface;
import java.net.SocketException;

import io.mp2p.IpFamily;

/**
 * Whether a multicast querier is heard on the link. A switch that snoops IGMP/MLD forgets a member
 * that stays silent for its membership interval (260 s by default); a querier makes members answer
 * in time. Seeing queries needs a raw socket (root), so the doctor reads what the kernel shows any
 * user: the IGMP version it speaks on the interface, which drops to v1/v2 only after it heard a
 * v1/v2 querier. A v3 querier and no querier look alike from there, and the line says so.
 */
final class DoctorQuerier {
    static final String CHECK = "querier";
    /** How long Linux stays in IGMPv1/v2 mode after the last such query (RFC 3376 8.12, robustness 2). */
    static final int OLDER_QUERIER_PRESENT_SECONDS = 400;
    private static final String REFRESH_NOTE = "mp2p re-joins its groups every 60 s, so that a snooping switch"
            + " with no querier keeps forwarding to it; if members still stop hearing each other after a few minutes,"
            + " enable an IGMP/MLD querier on the switch or router of this link";

    private DoctorQuerier() {
    }

    static DoctorFinding check(NetworkInterface nif, IpFamily family) {
        if (isLoopback(nif)) {
            return DoctorFinding.info(CHECK, nif.getName() + " is the loopback interface: no switch, no querier needed");
        }
        if (family == IpFamily.IPV6) {
            return DoctorFinding.unknown(CHECK, "whether an MLD querier is heard on " + nif.getName()
                    + " cannot be seen without root (/proc/net/igmp6 does not show it); " + REFRESH_NOTE);
        }
        String text = DoctorProc.read(DoctorProc.IGMP);
        if (text == null) {
            return DoctorFinding.unknown(CHECK, "/proc/net/igmp is not readable here; " + REFRESH_NOTE);
        }
        DoctorProc.IgmpDevice d = DoctorProc.parseIgmp(text).get(nif.getName());
        if (d == null) {
            return DoctorFinding.unknown(CHECK, nif.getName() + " is not in /proc/net/igmp; " + REFRESH_NOTE);
        }
        return switch (d.querier()) {
            case "V1", "V2" -> DoctorFinding.ok(CHECK, "an IGMP" + d.querier().toLowerCase(java.util.Locale.ROOT)
                    + " querier was heard on " + nif.getName() + " within the last " + OLDER_QUERIER_PRESENT_SECONDS
                    + " s (the kernel answers in that version): snooping switches keep the memberships it refreshes");
            default -> DoctorFinding.unknown(CHECK, "no IGMPv1/v2 querier heard on " + nif.getName()
                    + " (the kernel speaks " + d.querier() + "); an IGMPv3 querier and no querier at all look alike"
                    + " without root (a raw socket); " + REFRESH_NOTE);
        };
    }

    private static boolean isLoopback(NetworkInterface nif) {
        try {
            return nif.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
