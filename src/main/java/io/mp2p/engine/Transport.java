package io.mp2p.engine;

import io.mp2p.DropReason;

import java.net.InetSocketAddress;
import java.util.Arrays;

import io.mp2p.fragment.Reassembler;
import io.mp2p.noise.NoiseException;
import io.mp2p.replay.ReplayWindow;
import io.mp2p.stream.StreamConnection;
import io.mp2p.wire.Frames;
import io.mp2p.wire.Parsed;
import io.mp2p.wire.TransportData;

/**
 * TransportData both ways (spec §5, §6.6): sealing messages (whole or in fragments), keepalives and
 * CLOSE on a session; opening received packets, moving the replay window, and handing the frames to
 * the {@link FrameDispatcher}.
 */
final class Transport {
    /** Largest plaintext a TransportData packet can hold: a UDP payload minus the packet overhead. */
    private static final int MAX_DATAGRAM_PLAINTEXT = 65_535;

    private final EngineConfig config;
    private final Counters counters;
    private final EngineOutput out;
    private final IndexTable indices;
    private final SessionSlots slots;
    private final PeerTable table;
    private final TimerQueue timers;
    private final FrameDispatcher dispatcher;
    /** Set once by the engine after both exist: the stream layer sends through this class. */
    private StreamMux streams;
    private final byte[] openBuffer = new byte[MAX_DATAGRAM_PLAINTEXT];
    private final byte[] sealBuffer;

    Transport(EngineConfig config, Counters counters, EngineOutput out, IndexTable indices, SessionSlots slots,
              PeerTable table, TimerQueue timers, Reassembler<Session> reassembler) {
        this.config = config;
        this.counters = counters;
        this.out = out;
        this.indices = indices;
        this.slots = slots;
        this.table = table;
        this.timers = timers;
        this.dispatcher = new FrameDispatcher(reassembler, counters, out);
        this.sealBuffer = new byte[config.maxPlaintext()];
    }

    void attach(StreamMux mux) {
        this.streams = mux;
    }

    /**
     * Processes a received TransportData (spec §6.6). Returns the peer whose current session asks
     * for a rekey on receive (§6.5) — the caller starts that handshake — or null.
     */
    Peer receive(byte[] buf, int off, int len, InetSocketAddress from, long now) {
        Parsed<TransportData> bad = TransportData.checkHeader(buf, off, len);
        if (bad != null) {
            counters.drop(WireDrops.of(bad.error()));
            return null;
        }
        Object owner = indices.get(TransportData.receiverIndex(buf, off));
        if (!(owner instanceof Session s)) {
            counters.drop(owner == null ? DropReason.UNKNOWN_INDEX : DropReason.UNEXPECTED);
            return null;
        }
        long counter = TransportData.counter(buf, off);
        if (!s.canReceive(now) || Long.compareUnsigned(counter, Constants.REJECT_AFTER_MESSAGES) >= 0) {
            counters.drop(DropReason.SESSION_EXPIRED);
            return null;
        }
        int plainLength;
        try {
            plainLength = s.receiver().decrypt(counter, buf, off, TransportData.HEADER_LENGTH, buf,
                    off + TransportData.HEADER_LENGTH, len - TransportData.HEADER_LENGTH, openBuffer, 0);
        } catch (NoiseException e) {
            counters.drop(DropReason.DECRYPT_FAILED);
            return null;
        }
        // The window moves only after authentication, so forged counters cannot push it (spec §6.6).
        ReplayWindow.Verdict verdict = s.replay.accept(counter, Constants.REJECT_AFTER_MESSAGES);
        if (verdict != ReplayWindow.Verdict.ACCEPTED) {
            counters.drop(verdict == ReplayWindow.Verdict.LIMIT_REACHED ? DropReason.SESSION_EXPIRED
                    : DropReason.REPLAYED);
            return null;
        }
        if (Frames.validate(openBuffer, 0, plainLength) != null) {
            counters.drop(DropReason.BAD_FRAME);
            return null;
        }
        Peer p = s.peer;
        // Authenticated and not a replay: a unicast session follows its peer to a new source (§6.10).
        PeerPaths.roam(p, from, out);
        if (s == p.next) {
            slots.confirmed(p, s);
            slots.announce(p, s);
            flushQueue(p, s, now);
        }
        p.newHandshakeAt = Peer.NONE;
        table.active(p, now);
        dispatcher.begin(s, now);
        Frames.visit(openBuffer, 0, plainLength, dispatcher);
        if (dispatcher.closed) {
            slots.close(p, CloseReason.PEER_CLOSED);
            return null;
        }
        if (dispatcher.runLength > 0) {
            streams.onRun(p, openBuffer, dispatcher.runOffset, dispatcher.runLength, now);
        }
        if (dispatcher.data && p.keepaliveAt == Peer.NONE) {
            p.keepaliveAt = now + Constants.KEEPALIVE_TIMEOUT;
        }
        timers.schedule(p);
        return s == p.current && s.needsRekeyOnReceive(now) && p.pending == null ? p : null;
    }

    /** Sends what waited for a session (messages, then stream data); true if anything was sent. */
    boolean flushQueue(Peer p, Session s, long now) {
        boolean sent = false;
        for (byte[] m; s.canSend(now) && (m = p.dequeue()) != null; ) {
            sendMessage(p, s, m, now);
            sent = true;
        }
        return (s == p.current && sendStreamRuns(p, now)) || sent;
    }

    /** Sends one application message on {@code s}: one DATAGRAM frame, or FRAGMENT frames (spec §5). */
    void sendMessage(Peer p, Session s, byte[] message, long now) {
        int max = config.maxPlaintext();
        if (Frames.datagramLength(message.length) <= max) {
            int n = Frames.writeDatagram(sealBuffer, 0, message, 0, message.length);
            seal(p, s, n);
        } else {
            int chunk = max - Frames.FRAGMENT_HEADER;
            int id = p.nextMessageId++;
            for (int offset = 0; offset < message.length; offset += chunk) {
                int n = Math.min(chunk, message.length - offset);
                int written = Frames.writeFragment(sealBuffer, 0, id, message.length, offset, message, offset, n);
                seal(p, s, written);
            }
        }
        counters.messagesSent++;
        p.keepaliveAt = Peer.NONE;
        if (p.newHandshakeAt == Peer.NONE) {
            p.newHandshakeAt = now + Constants.KEEPALIVE_TIMEOUT + Constants.REKEY_TIMEOUT;
        }
    }

    /**
     * Sends what {@code p}'s stream connection has to send now, one run per TransportData on the
     * current session (spec/STREAMS.md §11). Without a session nothing is polled: the stream layer
     * repairs what it did not get to send once one exists.
     */
    boolean sendStreamRuns(Peer p, long now) {
        StreamConnection c = p.streams;
        Session s = p.current;
        if (c == null || s == null || !s.canSend(now)) {
            return false;
        }
        boolean sent = false;
        for (int n; s.canSend(now) && (n = c.pollTransmit(now, sealBuffer, 0, config.maxPlaintext())) > 0; ) {
            seal(p, s, n);
            sent = true;
        }
        if (sent) {
            p.keepaliveAt = Peer.NONE;
            if (p.newHandshakeAt == Peer.NONE) {
                p.newHandshakeAt = now + Constants.KEEPALIVE_TIMEOUT + Constants.REKEY_TIMEOUT;
            }
        }
        return sent;
    }

    /** An empty TransportData on {@code s}. */
    void sendKeepalive(Peer p, Session s) {
        seal(p, s, 0);
        counters.keepalivesSent++;
    }

    /** A packet holding one CLOSE frame on {@code s}. */
    void sendClose(Peer p, Session s) {
        int n = Frames.writeClose(sealBuffer, 0, Frames.CLOSE_REASON_NORMAL);
        seal(p, s, n);
    }

    /** For tests: seals any plaintext, as a hostile but authenticated peer could. */
    void sendRaw(Peer p, Session s, byte[] plaintext) {
        System.arraycopy(plaintext, 0, sealBuffer, 0, plaintext.length);
        seal(p, s, plaintext.length);
    }

    /** Encrypts sealBuffer[0..plainLength) as the next TransportData of {@code s}, straight into a transmit slot. */
    private void seal(Peer p, Session s, int plainLength) {
        int length = TransportData.OVERHEAD + plainLength;
        byte[] packet = out.reserve(length);
        long counter = s.sendCounter++;
        TransportData.writeHeader(packet, 0, s.remoteIndex, counter);
        try {
            s.sender().encrypt(counter, packet, 0, TransportData.HEADER_LENGTH, sealBuffer, 0, plainLength, packet,
                    TransportData.HEADER_LENGTH);
        } catch (NoiseException e) {
            // canSend() checked the counter and the key; failing here is a bug, not an input.
            throw new IllegalStateException("could not encrypt a transport packet", e);
        }
        out.commit(p.endpoint, length);
    }

    /** The scratch buffers hold the last plaintexts sealed and opened. */
    void wipeBuffers() {
        Arrays.fill(openBuffer, (byte) 0);
        Arrays.fill(sealBuffer, (byte) 0);
    }
}
