package io.mp2p.engine;

import io.mp2p.EngineMetrics;

import io.mp2p.DropReason;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mp2p.crypto.DhKeyPair;
import io.mp2p.fragment.Reassembler;
import io.mp2p.stream.StreamConnection;
import io.mp2p.identity.PeerKey;
import io.mp2p.wire.PacketType;
import io.mp2p.wire.Parsed;

/**
 * The mp2p protocol engine for one local identity, sans-IO (spec/PROTOCOL.md §6): it never opens a
 * socket, never reads a clock and draws randomness only from its {@link EngineConfig}. The caller
 * feeds it datagrams and time, and drains what it produced.
 *
 * <p><b>Single-threaded by design:</b> an instance must be used by one thread at a time (the
 * channel layer gives each engine one I/O thread). {@code now} is a monotonic time in nanoseconds
 * chosen by the caller (any origin; it may stall or jump, see spec §6.7); every method that takes
 * it may change deadlines, so ask {@link #nextDeadline()} again after each call.
 *
 * <pre>{@code
 * Endpoint engine = new Endpoint(config);
 * engine.send(peer, "hello".getBytes(UTF_8), now);        // starts a handshake, queues the message
 * for (Transmit t; (t = engine.pollTransmit()) != null; ) socket.send(t);
 * // on every datagram:   engine.handleDatagram(buf, 0, n, from, now);
 * // at nextDeadline():   engine.tick(now);
 * for (EngineEvent e; (e = engine.pollEvent()) != null; ) handle(e);
 * }</pre>
 *
 * <p>This class is the interface; the work is in one class per concern: {@link DosGate} (what a
 * handshake packet passes before any Diffie-Hellman), {@link HandshakeFlow} (the handshake state
 * machine), {@link PeerTable} (who is kept), {@link SessionSlots} (session rotation and wiping),
 * {@link Transport} and {@link FrameDispatcher} (TransportData and its frames), {@link PeerTimers}
 * (what each timer does) and {@link TimerQueue} (when).
 */
public final class Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);

    private final EngineConfig config;
    private final PeerKey self;
    private final DhKeyPair staticKey;
    private final Counters counters = new Counters();
    private final EngineOutput out;
    private final EngineClock clock = new EngineClock();
    private final TimerQueue timers = new TimerQueue();
    private final PeerTable table;
    private final Reassembler<Session> reassembler;
    private final SessionSlots slots;
    private final DosGate gate;
    private final Transport transport;
    private final HandshakeFlow flow;
    private final Handshakes handshakes;
    private final PeerTimers peerTimers;
    private final StreamMux streams;
    private boolean destroyed;

    /** An engine for {@code config.identity()}; the identity stays owned by the caller. */
    public Endpoint(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.self = config.identity().publicKey();
        this.out = new EngineOutput(counters, maxDatagramLength(config));
        this.staticKey = new DhKeyPair(config.identity().x25519PrivateKey(), config.identity().x25519PublicKey());
        IndexTable indices = new IndexTable(config.random());
        this.table = new PeerTable(config.maxPeers(), config.knownPeers());
        this.reassembler = new Reassembler<>(config.maxReassemblyBytesPerPeer(), config.maxReassemblyBytesTotal(),
                config.reassemblyTimeout(), session -> session.peer);
        this.slots = new SessionSlots(indices, reassembler, counters, out);
        this.handshakes = new Handshakes(staticKey, self, config.random(), counters, config.maxPeers());
        this.gate = new DosGate(self, config, handshakes, counters, out);
        this.transport = new Transport(config, counters, out, indices, slots, table, timers, reassembler);
        this.flow = new HandshakeFlow(config, handshakes, gate, table, indices, slots, transport, timers, counters, out);
        this.streams = new StreamMux(config, self, transport, out);
        transport.attach(streams);
        slots.onClose(streams::aborted);
        this.peerTimers = new PeerTimers(flow, transport, slots, streams, out);
    }

    /** This engine's own public key. */
    public PeerKey localKey() {
        return self;
    }

    // ------------------------------------------------------------------ application side

    /** Starts a handshake with {@code peer} at its located address unless a usable session exists. */
    public void connect(PeerKey peer, long now) {
        checkLive();
        connect(table.addressed(peer), clock.advance(now));
    }

    /** As {@link #connect(PeerKey, long)}, sending the initiation to {@code address} (e.g. from a node record). */
    public void connect(PeerKey peer, InetSocketAddress address, long now) {
        checkLive();
        Peer p = table.addressed(peer);
        p.endpoint = Objects.requireNonNull(address, "address");
        p.endpointFixed = true;
        connect(p, clock.advance(now));
    }

    /**
     * As {@link #connect(PeerKey, long)}, trying the peer's group and its unicast endpoints together
     * (Happy Eyeballs, spec §6.10): each initiation goes to {@code group} (null: the located group) at
     * once and to each endpoint {@link PathRace#CONNECTION_ATTEMPT_DELAY} after the previous one,
     * until the handshake completes. Later handshakes with this peer race the same paths.
     * {@link #path} then says where the session sends.
     *
     * <pre>{@code
     * engine.connect(peer, record.group(), record.endpoints(), now);
     * }</pre>
     */
    public void connect(PeerKey peer, InetSocketAddress group, java.util.List<InetSocketAddress> endpoints, long now) {
        checkLive();
        Objects.requireNonNull(endpoints, "endpoints");
        Peer p = table.addressed(peer);
        if (endpoints.isEmpty()) {
            p.race = null;
        } else {
            p.race = new PathRace(group, endpoints);
        }
        if (group != null) {
            p.endpoint = group;
            p.endpointFixed = true;
        }
        connect(p, clock.advance(now));
    }

    /** Where packets to {@code peer} go now: its group or a unicast address; null if it has no session. */
    public io.mp2p.SessionPath path(PeerKey peer) {
        Peer p = table.get(peer);
        return p == null || !p.hasSession() || p.endpoint == null ? null : io.mp2p.SessionPath.of(p.endpoint);
    }

    private void connect(Peer p, long now) {
        if ((p.current == null || !p.current.canSend(now)) && p.pending == null) {
            flow.start(p, now);
        }
        timers.schedule(p);
    }

    /**
     * Sends one application message of 0..65,535 bytes to {@code peer}: at once if a session is up,
     * else after the handshake this call starts. Messages larger than one packet are fragmented.
     */
    public SendStatus send(PeerKey peer, byte[] message, long now) {
        checkLive();
        now = clock.advance(now);
        if (message.length > Constants.MAX_MESSAGE_LENGTH) {
            return SendStatus.TOO_LARGE;
        }
        Peer p = table.addressed(peer);
        Session s = p.current;
        if (s != null && s.canSend(now)) {
            transport.sendMessage(p, s, message, now);
            if (s.needsRekeyOnSend(now) && p.pending == null) {
                flow.start(p, now);
            }
            timers.schedule(p);
            return SendStatus.SENT;
        }
        SendStatus status = SendStatus.QUEUED;
        if (p.queued() >= config.maxQueuedMessages()) {
            Arrays.fill(p.dequeue(), (byte) 0);
            counters.messagesDroppedUnsent++;
            status = SendStatus.QUEUED_DROPPED_OLDEST;
        }
        p.enqueue(message.clone());
        if (p.pending == null) {
            if (p.next != null && p.next.canReceive(now)) {
                // Spec §6.5 "unconfirmed": the initiator's first packet will confirm next shortly.
                if (p.unconfirmedAt == Peer.NONE) {
                    p.unconfirmedAt = now + Constants.REKEY_TIMEOUT;
                }
            } else {
                flow.start(p, now);
            }
        }
        timers.schedule(p);
        return status;
    }

    /** Ends the sessions with {@code peer}, telling it with a CLOSE frame when a session can still send. */
    public void close(PeerKey peer, long now) {
        checkLive();
        now = clock.advance(now);
        Peer p = table.get(peer);
        if (p == null) {
            return;
        }
        if (p.current != null && p.current.canSend(now)) {
            transport.sendClose(p, p.current);
        }
        slots.close(p, CloseReason.LOCAL_CLOSE);
    }

    // ------------------------------------------------------------------ streams (spec/STREAMS.md §11)

    /**
     * Opens a reliable stream to {@code port} on {@code peer}, starting a handshake if no session is
     * up (the stream's data waits for it). Returns the stream id, or {@link StreamConnection#NO_STREAM}
     * when the peer's stream limit is reached (a {@code StreamsAvailable} event says when to retry).
     */
    public long openStream(PeerKey peer, int port, long now) {
        checkLive();
        now = clock.advance(now);
        Peer p = table.addressed(peer);
        long id = streams.connection(p, now).openStream(port);
        connect(p, now);
        afterStreamCall(p, now);
        return id;
    }

    /**
     * Writes up to {@code len} bytes to a stream; returns how many it took (0 when its send buffer is
     * full: wait for {@code Writable}), or a negative {@link StreamConnection} code.
     */
    public int streamWrite(PeerKey peer, long streamId, byte[] src, int off, int len, long now) {
        checkLive();
        now = clock.advance(now);
        Peer p = table.get(peer);
        if (p == null || p.streams == null) {
            return StreamConnection.CONNECTION_CLOSED;
        }
        int n = p.streams.write(streamId, src, off, len);
        afterStreamCall(p, now);
        return n;
    }

    /**
     * Reads up to {@code len} bytes of a stream; returns how many (0: none yet, wait for
     * {@code Readable}), {@link StreamConnection#END_OF_STREAM}, or another negative code.
     */
    public int streamRead(PeerKey peer, long streamId, byte[] dst, int off, int len, long now) {
        checkLive();
        now = clock.advance(now);
        Peer p = table.get(peer);
        if (p == null || p.streams == null) {
            return StreamConnection.CONNECTION_CLOSED;
        }
        int n = p.streams.read(streamId, dst, off, len);
        // Reading may have opened the peer's window: the credit goes out now.
        afterStreamCall(p, now);
        return n;
    }

    /** Ends the sending half of a stream (FIN) once what was written is delivered. */
    public void streamFinish(PeerKey peer, long streamId, long now) {
        streamCall(peer, now, c -> c.finish(streamId));
    }

    /** Aborts the sending half of a stream (RESET_STREAM with {@code errorCode}). */
    public void streamReset(PeerKey peer, long streamId, long errorCode, long now) {
        streamCall(peer, now, c -> c.reset(streamId, errorCode));
    }

    /** Asks the peer to stop sending on a stream (STOP_SENDING); its unread data is discarded. */
    public void streamStopSending(PeerKey peer, long streamId, long errorCode, long now) {
        streamCall(peer, now, c -> c.stopSending(streamId, errorCode));
    }

    /** Bytes of a stream received and not yet read. */
    public int streamAvailable(PeerKey peer, long streamId) {
        Peer p = table.get(peer);
        return p == null || p.streams == null ? 0 : p.streams.available(streamId);
    }

    /** Whether any peer's streams hold written bytes (or a FIN) the peer has not acknowledged yet. */
    public boolean hasUnacknowledgedStreamData() {
        for (Peer p : table.all()) {
            if (p.streams != null && p.current != null && p.streams.hasUnacknowledgedData()) {
                return true;
            }
        }
        return false;
    }

    /** The stream connection's counters and recovery state with {@code peer}, or null if it has none. */
    public io.mp2p.stream.StreamStats streamStats(PeerKey peer) {
        Peer p = table.get(peer);
        return p == null || p.streams == null ? null : p.streams.stats();
    }

    private void streamCall(PeerKey peer, long now, java.util.function.Consumer<StreamConnection> call) {
        checkLive();
        now = clock.advance(now);
        Peer p = table.get(peer);
        if (p == null || p.streams == null) {
            return;
        }
        call.accept(p.streams);
        afterStreamCall(p, now);
    }

    private void afterStreamCall(Peer p, long now) {
        streams.flush(p, now);
        timers.schedule(p);
    }

    /** Whether {@code peer} has a session we can send on now. */
    public boolean isEstablished(PeerKey peer, long now) {
        now = clock.advance(now);
        Peer p = table.get(peer);
        return p != null && p.current != null && p.current.canSend(now);
    }

    // ------------------------------------------------------------------ network side

    /**
     * Processes one received datagram. Never throws for any content: a packet that is malformed,
     * forged, replayed or not for us is dropped and counted under one {@link DropReason}.
     */
    public void handleDatagram(byte[] buf, int off, int len, InetSocketAddress from, long now) {
        checkLive();
        now = clock.advance(now);
        counters.packetsIn++;
        counters.bytesIn += len;
        try {
            Parsed<PacketType> type = PacketType.peek(buf, off, len);
            if (!type.isOk()) {
                counters.drop(WireDrops.of(type.error()));
                return;
            }
            switch (type.value()) {
                case HANDSHAKE_INITIATION -> flow.onInitiation(buf, off, len, from, now);
                case HANDSHAKE_RESPONSE -> flow.onResponse(buf, off, len, from, now);
                case COOKIE_REPLY -> flow.onCookieReply(buf, off, len, now);
                case TRANSPORT_DATA -> {
                    Peer rekey = transport.receive(buf, off, len, from, now);
                    if (rekey != null) {
                        flow.start(rekey, now);
                        timers.schedule(rekey);
                    }
                }
            }
        } catch (RuntimeException e) {
            // Non-negotiable: input never crashes the caller's loop. A bug is counted and logged.
            counters.drop(DropReason.INTERNAL_ERROR);
            LOG.error("internal error handling a {}-byte datagram from {}", len, from, e);
        }
    }

    /** Runs every timer due at {@code now}: retries, keepalives, rekeys, expiry. */
    public void tick(long now) {
        checkLive();
        now = clock.advance(now);
        counters.fragmentedMessagesExpired += reassembler.expire(now);
        for (Peer p; (p = timers.pollDue(now)) != null; ) {
            peerTimers.fire(p, now);
            timers.schedule(p);
        }
    }

    /**
     * The next datagram to send as a new {@link Transmit} (a copy), or null. Allocates per datagram:
     * a loop that sends much should use {@link #pollTransmit(ByteBuffer)}.
     */
    public Transmit pollTransmit() {
        return out.pollTransmit();
    }

    /**
     * Copies the next datagram to send into {@code dst}, from its position (which it advances), and
     * returns where it goes; null if there is none. Allocates nothing: the engine seals each packet
     * into a reused slot and this copies it out. A buffer of {@link #maxDatagramLength()} bytes
     * always has room.
     *
     * <pre>{@code
     * ByteBuffer buf = ByteBuffer.allocateDirect(engine.maxDatagramLength());
     * for (InetSocketAddress to; (to = engine.pollTransmit(buf.clear())) != null; ) {
     *     channel.send(buf.flip(), to);
     * }
     * }</pre>
     *
     * @throws java.nio.BufferOverflowException if {@code dst} has less room than the datagram, which stays queued
     */
    public InetSocketAddress pollTransmit(ByteBuffer dst) {
        return out.pollTransmit(dst);
    }

    /** The length of the datagram {@link #pollTransmit(ByteBuffer)} would return next, or -1. */
    public int peekTransmitLength() {
        return out.peekTransmitLength();
    }

    /** The largest datagram this engine sends: the path MTU less the IP and UDP headers. */
    public int maxDatagramLength() {
        return maxDatagramLength(config);
    }

    private static int maxDatagramLength(EngineConfig config) {
        return config.pathMtu() - Constants.IP_UDP_OVERHEAD;
    }

    /**
     * The next event (session up or down, message received, retry, failure), or null. A message
     * comes as a new {@link EngineEvent.MessageReceived} holding a copy; {@link #pollMessage(ByteBuffer)}
     * takes messages without allocating. Both keep one order: messages and events come out as they
     * were produced.
     */
    public EngineEvent pollEvent() {
        return out.pollEvent();
    }

    /**
     * If the next output is an application message, copies it into {@code dst} from its position
     * (which it advances) and returns its sender; otherwise null, and {@link #pollEvent()} gives what
     * is next. Allocates nothing. A buffer of 65,535 bytes has room for any message.
     *
     * <pre>{@code
     * ByteBuffer msg = ByteBuffer.allocate(65_535);
     * while (true) {
     *     PeerKey from = engine.pollMessage(msg.clear());
     *     if (from != null) { deliver(from, msg.flip()); continue; }
     *     EngineEvent e = engine.pollEvent();
     *     if (e == null) break;
     *     handle(e);
     * }
     * }</pre>
     *
     * @throws java.nio.BufferOverflowException if {@code dst} has less room than the message, which stays queued
     */
    public PeerKey pollMessage(ByteBuffer dst) {
        return out.pollMessage(dst);
    }

    /** When {@link #tick} must next be called, or {@link Constants#NO_DEADLINE}. */
    public long nextDeadline() {
        return clock.toCaller(Peer.min(timers.peekDeadline(), reassembler.nextExpiry()));
    }

    /** A snapshot of the counters. */
    public EngineMetrics metrics() {
        int pending = 0;
        for (Peer p : table.all()) {
            if (p.pending != null) {
                pending++;
            }
        }
        return counters.snapshot(slots.live(), table.size(), pending, reassembler.bytesHeld(),
                reassembler.evictedCount());
    }

    /** Wipes every key this engine holds. The engine cannot be used afterwards. */
    public void destroy() {
        if (destroyed) {
            return;
        }
        for (Peer p : table.all()) {
            slots.wipeAll(p);
            p.destroyCookies();
        }
        gate.destroy();
        handshakes.destroy();
        staticKey.destroy();
        transport.wipeBuffers();
        out.wipe();
        destroyed = true;
    }

    // ------------------------------------------------------------------ for tests in this package

    /**
     * Plays an authenticated but hostile peer: seals {@code plaintext} (any frames, valid or not) on
     * the current session with {@code peer}; false if there is none, or the plaintext does not fit one packet.
     */
    boolean sealFramesForTest(PeerKey peer, byte[] plaintext, long now) {
        now = clock.advance(now);
        Peer p = table.get(peer);
        if (p == null || p.current == null || !p.current.canSend(now) || plaintext.length > config.maxPlaintext()) {
            return false;
        }
        transport.sendRaw(p, p.current, plaintext);
        return true;
    }

    /** How many peers' precomputed handshake secrets are held (bounded: {@link PeerSecrets}). */
    int peerSecretsHeldForTest() {
        return handshakes.peerSecretsHeld();
    }

    /** The state held for {@code key}, or null. */
    Peer peerState(PeerKey key) {
        return table.get(key);
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("this engine was destroyed");
        }
    }
}
