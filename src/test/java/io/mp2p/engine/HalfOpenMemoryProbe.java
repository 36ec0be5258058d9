package io.mp2p.engine;

import java.net.InetSocketAddress;

/** Builds half-open peers on a server engine, packet by packet, for the memory measurement. */
final class HalfOpenMemoryProbe {
    private HalfOpenMemoryProbe() {
    }

    /**
     * Has {@code n} new identities each send one initiation to {@code server}; its responses are
     * dropped, so each leaves a half-open peer (an answered, never confirmed session).
     */
    static void fill(SimNetwork net, SimNetwork.Node server, int n, long now) {
        fill(net, server, n, now, null);
    }

    /** As {@link #fill(SimNetwork, SimNetwork.Node, int, long)}, counting each initiation in {@code report}. */
    static void fill(SimNetwork net, SimNetwork.Node server, int n, long now, AttackReport report) {
        InetSocketAddress reply = new InetSocketAddress(SimNetwork.addr(new byte[] {(byte) 239, (byte) 192, (byte) 230, 1}), 41414);
        for (int i = 0; i < n; i++) {
            Endpoint client = new Endpoint(EngineConfig.builder(net.newIdentity()).replyAddress(reply)
                    .peerLocator(k -> server.group).random(net.randomSource())
                    .wallClock(() -> SimNetwork.WALL_EPOCH_NANOS).build());
            client.connect(server.key(), now);
            InetSocketAddress from = new InetSocketAddress(SimNetwork.addr(new byte[] {10, (byte) (i >> 16),
                    (byte) (i >> 8), (byte) i}), 50000);
            for (Transmit t; (t = client.pollTransmit()) != null; ) {
                if (report != null) {
                    report.attackerSent(t.length());
                }
                server.engine.handleDatagram(t.data(), 0, t.length(), from, now);
            }
            while (server.engine.pollTransmit() != null) {
                // The response is lost: the peer stays half-open.
            }
            client.destroy();
        }
    }

    static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
