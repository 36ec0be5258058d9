package io.mp2p.cli.bench;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A full DTLS 1.2 handshake between a client and a server {@link SSLEngine} on one thread, packets
 * passed in memory: the CPU both sides spend, comparable to an mp2p handshake between two engines.
 */
final class DtlsMemoryHandshake {
    private static final int BUFFER = 1 << 16;
    /** A handshake needs a few dozen steps; far more means the engines wait on each other. */
    private static final int MAX_STEPS = 1000;

    private final ByteBuffer net = ByteBuffer.allocate(BUFFER);
    private final ByteBuffer app = ByteBuffer.allocate(BUFFER);
    private final ByteBuffer empty = ByteBuffer.allocate(0);

    /** One side: its engine and the packets sent to it not yet read. */
    private static final class Side {
        final SSLEngine engine;
        final ArrayDeque<ByteBuffer> inbox = new ArrayDeque<>();
        boolean finished;

        Side(SSLEngine engine) {
            this.engine = engine;
        }
    }

    /** Runs the handshake to its end on both sides; throws if it cannot finish. */
    void run(SSLEngine client, SSLEngine server) throws SSLException {
        Side c = new Side(client);
        Side s = new Side(server);
        client.beginHandshake();
        server.beginHandshake();
        for (int steps = 0; !(c.finished && s.finished); steps++) {
            boolean moved = step(c, s) | step(s, c);
            if (!moved || steps > MAX_STEPS) {
                throw new SSLException("the in-memory DTLS handshake stalled: client " + client.getHandshakeStatus()
                        + ", server " + server.getHandshakeStatus());
            }
        }
    }

    /** One move of {@code self}; false when it can only wait for the other side. */
    private boolean step(Side self, Side other) throws SSLException {
        if (self.finished) {
            return false;
        }
        SSLEngineResult r;
        switch (self.engine.getHandshakeStatus()) {
            case NEED_TASK -> {
                for (Runnable task; (task = self.engine.getDelegatedTask()) != null; ) {
                    task.run();
                }
                return true;
            }
            case NEED_WRAP -> {
                net.clear();
                r = self.engine.wrap(empty, net);
                net.flip();
                if (net.hasRemaining()) {
                    ByteBuffer packet = ByteBuffer.allocate(net.remaining());
                    packet.put(net).flip();
                    other.inbox.add(packet);
                }
            }
            case NEED_UNWRAP -> {
                ByteBuffer packet = self.inbox.poll();
                if (packet == null) {
                    return false;
                }
                app.clear();
                r = self.engine.unwrap(packet, app);
                if (packet.hasRemaining()) {
                    // Several records in one datagram: the rest is read on the next step.
                    self.inbox.addFirst(packet);
                }
            }
            case NEED_UNWRAP_AGAIN -> {
                app.clear();
                r = self.engine.unwrap(empty, app);
            }
            default -> {
                // NOT_HANDSHAKING without a FINISHED result seen: the handshake ended on an earlier call.
                self.finished = true;
                return true;
            }
        }
        if (r.getStatus() != SSLEngineResult.Status.OK) {
            throw new SSLException("DTLS handshake step failed: " + r);
        }
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            self.finished = true;
        }
        return true;
    }
}
