package io.mp2p.engine;

import io.mp2p.identity.PeerKey;
import io.mp2p.stream.ConnectionError;
import io.mp2p.stream.ReceiveOutcome;
import io.mp2p.stream.StreamConfig;
import io.mp2p.stream.StreamConnection;
import io.mp2p.stream.StreamEvent;

import java.util.Arrays;

/**
 * Each peer's stream connection (spec/STREAMS.md §11): made at the first stream either side opens,
 * fed the stream-layer run of every authenticated packet, polled for runs to send after every input,
 * given its timers, replaced when the peer's stream layer restarts, and aborted when the peer's
 * sessions are closed. Its events reach the application as {@link EngineEvent.Stream}.
 */
final class StreamMux {
    private final EngineConfig config;
    private final StreamConfig streamConfig;
    private final PeerKey self;
    private final Transport transport;
    private final EngineOutput out;
    private final byte[] epochBytes = new byte[Integer.BYTES];

    StreamMux(EngineConfig config, PeerKey self, Transport transport, EngineOutput out) {
        this.config = config;
        this.streamConfig = config.streamConfig();
        this.self = self;
        this.transport = transport;
        this.out = out;
    }

    /** {@code p}'s connection, made now if it has none. */
    StreamConnection connection(Peer p, long now) {
        if (p.streams == null) {
            p.streams = newConnection(p, now);
        }
        return p.streams;
    }

    private StreamConnection newConnection(Peer p, long now) {
        // The peer with the lower key opens even stream ids (spec/STREAMS.md §4.3), as in the §6.4 tie-break.
        boolean opensEvenIds = Arrays.compareUnsigned(self.encoded(), p.key.encoded()) < 0;
        return new StreamConnection(streamConfig, opensEvenIds, epoch(), now);
    }

    /** A random non-zero epoch (spec/STREAMS.md §4.2). */
    private int epoch() {
        int e;
        do {
            config.random().nextBytes(epochBytes);
            e = ((epochBytes[0] & 0xff) << 24) | ((epochBytes[1] & 0xff) << 16) | ((epochBytes[2] & 0xff) << 8)
                    | (epochBytes[3] & 0xff);
        } while (e == 0);
        return e;
    }

    /** The stream-layer run of an authenticated packet from {@code p}. */
    void onRun(Peer p, byte[] buf, int off, int len, long now) {
        StreamConnection c = connection(p, now);
        ReceiveOutcome outcome = c.handlePacket(buf, off, len, now);
        if (outcome == ReceiveOutcome.PEER_RESTARTED) {
            drainEvents(p, c);
            c = newConnection(p, now);
            p.streams = c;
            outcome = c.handlePacket(buf, off, len, now);
        }
        flush(p, now);
    }

    /** After an application call or a timer: send what the connection has, report its events. */
    void flush(Peer p, long now) {
        StreamConnection c = p.streams;
        if (c == null) {
            return;
        }
        transport.sendStreamRuns(p, now);
        drainEvents(p, c);
    }

    /** Runs the connection's timer if due. */
    void onTimer(Peer p, long now) {
        StreamConnection c = p.streams;
        if (c != null && Peer.due(p.streamDeadline(), now)) {
            c.handleTimeout(now);
            flush(p, now);
        }
    }

    /** The peer's sessions were closed: every stream with it is aborted, and the connection forgotten. */
    void aborted(Peer p) {
        StreamConnection c = p.streams;
        if (c == null) {
            return;
        }
        c.close(ConnectionError.ABORTED);
        drainEvents(p, c);
        p.streams = null;
    }

    private void drainEvents(Peer p, StreamConnection c) {
        for (StreamEvent e; (e = c.pollEvent()) != null; ) {
            out.event(new EngineEvent.Stream(p.key, e));
            if (e instanceof StreamEvent.ConnectionClosed && p.streams == c) {
                // Idle timeout or a violation ended it: the next stream starts a new connection (a new
                // epoch, which the peer takes as a restart, spec/STREAMS.md §4.2).
                p.streams = null;
            }
        }
    }
}
