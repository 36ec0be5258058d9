package io.mp2p.engine;

import java.util.Locale;

/**
 * The figures every attack scenario prints (issue 11 item 9): what the attacker spent (packets,
 * bytes per second on the link), what the honest side spent (Diffie-Hellman operations, memory)
 * and the outcome. Link bytes count the UDP payload plus 28 bytes of IPv4 and UDP headers.
 */
final class AttackReport {
    /** IPv4 (20) and UDP (8) headers around every datagram the attacker puts on the link. */
    static final int IPV4_UDP_HEADERS = 28;
    /** The attacker's budget in the threat model (spec/THREATS.md): about 1 Mbit/s. */
    static final long ATTACKER_BITS_PER_SECOND = 1_000_000;

    private final String scenario;
    long attackerPackets;
    long attackerLinkBytes;

    AttackReport(String scenario) {
        this.scenario = scenario;
    }

    /** Counts one datagram of {@code udpPayload} bytes put on the link by the attacker. */
    void attackerSent(int udpPayload) {
        attackerPackets++;
        attackerLinkBytes += udpPayload + IPV4_UDP_HEADERS;
    }

    /** Datagrams of {@code udpPayload} bytes per second that fit in the attacker's budget. */
    static int packetsPerSecond(int udpPayload) {
        return (int) (ATTACKER_BITS_PER_SECOND / Byte.SIZE / (udpPayload + IPV4_UDP_HEADERS));
    }

    /**
     * Prints the scenario's line and returns it.
     *
     * @param honestCost what else the honest side spent (memory, state), in words with figures
     */
    String print(double attackSeconds, long honestDh, String honestCost, String outcome) {
        String line = String.format(Locale.ROOT,
                "attack %s: attacker %,d packets, %,.0f B/s (%.2f Mbit/s) over %.2f s; honest side %,d DH operations, "
                        + "%s; outcome: %s",
                scenario, attackerPackets, attackerLinkBytes / attackSeconds,
                attackerLinkBytes * 8 / attackSeconds / 1e6, attackSeconds, honestDh, honestCost, outcome);
        System.out.println(line);
        return line;
    }
}
