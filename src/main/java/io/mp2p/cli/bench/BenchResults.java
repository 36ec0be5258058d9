package io.mp2p.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every figure of one {@code mp2p bench} run; {@link BenchReport} turns it into a table or JSON. */
public final class BenchResults {
    final BenchSettings settings;
    final Machine machine = Machine.describe();
    double loadBefore;
    double loadAfter;
    double elapsedSeconds;
    final Map<Integer, Throughput> udp = new LinkedHashMap<>();
    final Map<Integer, Throughput> mp2p = new LinkedHashMap<>();
    final Throughput dtls = new Throughput(BenchSettings.DTLS_SIZE);
    String dtlsCipherSuite;
    /** Handshakes' X25519 work alone. */
    final Tally floor = new Tally();
    /** The X25519 work of a handshake with a peer met before (ss kept per peer): eight operations. */
    final Tally knownPeerFloor = new Tally();
    /** mp2p full IK handshakes, both sides on one thread. */
    final Tally mp2pHandshakes = new Tally();
    long initiatorNanos;
    long responderNanos;
    long mp2pHandshakeFailures;
    /** X25519 operations the mp2p handshakes did, both sides. */
    long mp2pDhOperations;
    /** JSSE DTLS 1.2 full handshakes, both engines on one thread, packets in memory. */
    final Tally dtlsHandshakes = new Tally();
    final Samples mp2pConnect = new Samples();
    final Samples dtlsConnect = new Samples();
    final Samples udpPing = new Samples();
    final Samples mp2pPing = new Samples();
    /** Bulk transfer one way over plain TCP on 127.0.0.1: bytes delivered (every one checked), and the time. */
    final Tally tcpBulk = new Tally();
    /** The same over one mp2p stream between two channels on lo. */
    final Tally mp2pStreamBulk = new Tally();
    final Samples tcpRoundTrip = new Samples();
    final Samples mp2pStreamRoundTrip = new Samples();
    final Map<String, Integer> rounds = new LinkedHashMap<>();

    BenchResults(BenchSettings settings) {
        this.settings = settings;
        for (int size : BenchSettings.SIZES) {
            udp.put(size, new Throughput(size));
            mp2p.put(size, new Throughput(size));
        }
    }

    /** mp2p handshakes per second counting only the initiator's calls. */
    double initiatorPerSecond() {
        return initiatorNanos == 0 ? Double.NaN : mp2pHandshakes.operations() / (initiatorNanos / 1e9);
    }

    /** mp2p handshakes per second counting only the responder's calls. */
    double responderPerSecond() {
        return responderNanos == 0 ? Double.NaN : mp2pHandshakes.operations() / (responderNanos / 1e9);
    }

    /** One side's X25519 floor: each side does half of the handshake's operations, the same mix on both. */
    double sideFloorPerSecond() {
        return 2 * floor.perSecond();
    }

    /** X25519 operations per mp2p handshake, both sides (10 the first time with a peer, then 8). */
    double dhOperationsPerHandshake() {
        return mp2pHandshakes.operations() == 0 ? Double.NaN : (double) mp2pDhOperations / mp2pHandshakes.operations();
    }

    /** One side's share of {@link #knownPeerFloor} (1 + 3 on each side). */
    double sideKnownPeerFloorPerSecond() {
        return 2 * knownPeerFloor.perSecond();
    }
}
