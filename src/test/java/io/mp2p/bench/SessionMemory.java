package io.mp2p.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;

import io.mp2p.CipherSuite;
import io.mp2p.engine.Endpoint;
import io.mp2p.engine.EngineConfig;
import io.mp2p.engine.Transmit;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * Heap per established idle session: N initiators, each its own identity and engine, complete a
 * full IK handshake (initiation, response, confirming keepalive) with ONE responder engine through
 * the sans-IO API, one after the other; each initiator engine is then destroyed, so that what stays
 * on the heap is what the responder keeps per peer (peer state, session, keys, replay window,
 * index and table entries, timers, the peer's identity and reply address). Heap after GC is read
 * before and after; the difference divided by the sessions added is the cost of one more peer.
 *
 * <pre>
 * java -Xmx2g -cp $CP io.mp2p.bench.SessionMemory [N=100000] [AESGCM_SHA256|CHACHAPOLY_BLAKE2S]
 * </pre>
 *
 * A benchmark, not a test: it prints figures and checks only that every session is established.
 * It uses only the engine API that existed before issue 12 (the copying {@code pollTransmit()}),
 * so that the same program measures an older build too.
 */
public final class SessionMemory {
    private static final int DEFAULT_SESSIONS = 100_000;
    /** Sessions made before the first heap reading, so that one-off structures are not counted. */
    private static final int WARM_UP = 1_000;
    private static final long NOW = EnginePair.NOW;
    private static final int GC_ROUNDS = 5;

    private SessionMemory() {
    }

    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_SESSIONS;
        CipherSuite suite = args.length > 1 ? CipherSuite.valueOf(args[1]) : CipherSuite.AESGCM_SHA256;
        SplittableRandom random = new SplittableRandom(11);
        InetSocketAddress responderAddress = EnginePair.address(10, 0, 0, 2);
        InetSocketAddress group = EnginePair.address(239, 192, 230, 1);
        Mp2pIdentity responderId = EnginePair.identity(random);
        long[] wall = {1_767_225_600L * 1_000_000_000L};
        SplittableRandom rr = random.split();
        Endpoint responder = new Endpoint(EngineConfig.builder(responderId)
                .replyAddress(group)
                .suite(suite)
                .random(rr::nextBytes)
                .wallClock(() -> wall[0] += 1_000L)
                .handshakeLoadThreshold(Integer.MAX_VALUE)
                .maxPeers(n + WARM_UP + 1)
                .build());
        PeerKey responderKey = responderId.publicKey();

        long started = System.nanoTime();
        long base = 0;
        for (int i = 0; i < n + WARM_UP; i++) {
            if (i == WARM_UP) {
                base = heapAfterGc();
            }
            establish(random, suite, responder, responderKey, responderAddress, group, wall);
            if ((i + 1) % 10_000 == 0) {
                System.err.printf("%,d sessions, %.0f s%n", i + 1, (System.nanoTime() - started) / 1e9);
            }
        }
        long after = heapAfterGc();
        int live = responder.metrics().sessionsLive();
        if (live != n + WARM_UP) {
            throw new IllegalStateException("expected " + (n + WARM_UP) + " live sessions, engine has " + live);
        }
        double perSession = (double) (after - base) / n;
        System.out.printf("suite %s, JVM %s%n", suite, System.getProperty("java.vm.version"));
        System.out.printf("established sessions in one engine: %,d (after %,d warm-up)%n", live, WARM_UP);
        System.out.printf("heap after GC: %,d bytes before the %,d, %,d after%n", base, n, after);
        System.out.printf("heap per established idle session: %.0f bytes%n", perSession);
        System.out.printf("heap for %,d sessions: %.1f MiB%n", n, (after - base) / 1048576.0);
        System.out.printf("time: %.1f s%n", (System.nanoTime() - started) / 1e9);
        responder.destroy();
    }

    /** One initiator: handshake with the responder, confirm, then gone. */
    private static void establish(SplittableRandom random, CipherSuite suite, Endpoint responder, PeerKey responderKey,
                                  InetSocketAddress responderAddress, InetSocketAddress group, long[] wall) {
        Mp2pIdentity id = EnginePair.identity(random);
        SplittableRandom r = random.split();
        Endpoint initiator = new Endpoint(EngineConfig.builder(id)
                .replyAddress(group)
                .peerLocator(k -> responderAddress)
                .suite(suite)
                .random(r::nextBytes)
                .wallClock(() -> wall[0] += 1_000L)
                .build());
        initiator.connect(responderKey, NOW);
        InetSocketAddress from = group;
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Transmit t; (t = initiator.pollTransmit()) != null; moved = true) {
                responder.handleDatagram(t.data(), 0, t.length(), from, NOW);
            }
            for (Transmit t; (t = responder.pollTransmit()) != null; moved = true) {
                initiator.handleDatagram(t.data(), 0, t.length(), responderAddress, NOW);
            }
        }
        if (!initiator.isEstablished(responderKey, NOW) || !responder.isEstablished(id.publicKey(), NOW)) {
            throw new IllegalStateException("no session: " + initiator.metrics() + " / " + responder.metrics());
        }
        // The confirmation keepalive is due later; send it now so that the responder's session is confirmed.
        initiator.send(responderKey, new byte[0], NOW);
        for (Transmit t; (t = initiator.pollTransmit()) != null; ) {
            responder.handleDatagram(t.data(), 0, t.length(), from, NOW);
        }
        while (responder.pollEvent() != null) {
            // SessionEstablished and the empty message: the application would take them.
        }
        initiator.destroy();
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return mx.getHeapMemoryUsage().getUsed();
    }
}
