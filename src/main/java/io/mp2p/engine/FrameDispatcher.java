package io.mp2p.engine;

import io.mp2p.fragment.Reassembler;
import io.mp2p.wire.FrameVisitor;

/**
 * Acts on the frames of one authenticated, validated packet (spec §5, "Acting on frames"):
 * DATAGRAM delivers, FRAGMENT goes to reassembly, CLOSE ends the session once the packet is done, and
 * a stream-layer run is noted for the {@link StreamMux}.
 */
final class FrameDispatcher implements FrameVisitor {
    private final Reassembler<Session> reassembler;
    private final Counters counters;
    private final EngineOutput out;
    private Session session;
    private long now;
    /** Whether the packet carried a DATAGRAM or FRAGMENT: data for the keepalive timer. */
    boolean data;
    /** Whether the packet carried a CLOSE frame. */
    boolean closed;
    /** Where the packet's stream-layer run is in the plaintext (one at most; spec/STREAMS.md §3.1); 0 length: none. */
    int runOffset;
    int runLength;

    FrameDispatcher(Reassembler<Session> reassembler, Counters counters, EngineOutput out) {
        this.reassembler = reassembler;
        this.counters = counters;
        this.out = out;
    }

    void begin(Session s, long time) {
        session = s;
        now = time;
        data = false;
        closed = false;
        runOffset = 0;
        runLength = 0;
    }

    @Override
    public void onDatagram(byte[] buf, int off, int len) {
        data = true;
        deliver(buf, off, len);
    }

    @Override
    public void onFragment(int messageId, int totalLength, int offset, byte[] buf, int off, int len) {
        data = true;
        Reassembler.Result r = reassembler.accept(session, messageId, totalLength, offset, buf, off, len, now);
        switch (r.status()) {
            case COMPLETE -> {
                byte[] m = r.message();
                deliver(m, 0, m.length);
                // Our copy is in the output ring now; this one would linger until collected.
                java.util.Arrays.fill(m, (byte) 0);
            }
            case REFUSED_PEER_LIMIT, REFUSED_TOTAL_LIMIT, INCONSISTENT -> counters.fragmentsRefused++;
            case INCOMPLETE, DUPLICATE -> {
            }
        }
    }

    @Override
    public void onKeepalive() {
        // Refreshes timers only, which receiving the packet already did.
    }

    @Override
    public void onStreamRun(byte[] buf, int off, int len) {
        // Handed to the stream layer once the whole packet is read, after a CLOSE frame is known.
        data = true;
        runOffset = off;
        runLength = len;
    }

    @Override
    public void onClose(int reason) {
        closed = true;
    }

    /** Copied into the output's message ring: no per-message array or event object. */
    private void deliver(byte[] buf, int off, int len) {
        if (closed) {
            return;
        }
        counters.messagesDelivered++;
        out.message(session.peer.key, buf, off, len);
    }
}
