package io.mp2p.engine;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mp2p.cookie.CookieChecker;
import io.mp2p.cookie.CookieResult;
import io.mp2p.cookie.LoadDetector;
import io.mp2p.crypto.DhKeyPair;
import io.mp2p.fragment.Reassembler;
import io.mp2p.identity.PeerKey;
import io.mp2p.noise.CipherStatePair;
import io.mp2p.noise.HandshakeState;
import io.mp2p.noise.NoiseException;
import io.mp2p.ratelimit.RateLimiter;
import io.mp2p.replay.ReplayWindow;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.FrameVisitor;
import io.mp2p.wire.Frames;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.PacketType;
import io.mp2p.wire.Parsed;
import io.mp2p.wire.Tai64n;
import io.mp2p.wire.TransportData;
import io.mp2p.wire.WireError;

/**
 * The mp2p protocol engine for one local identity, sans-IO (spec/PROTOCOL.md §6): it never opens a
 * socket, never reads a clock and draws randomness only from its {@link EngineConfig}. The caller
 * feeds it datagrams and time, and drains what it produced.
 *
 * <p><b>Single-threaded by design:</b> an instance must be used by one thread at a time (the
 * channel layer gives each engine one I/O thread). {@code now} is a monotonic time in nanoseconds
 * chosen by the caller (any origin; it may stall or jump, see spec §6.5); every method that takes
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
 */
public final class Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
    /** Largest plaintext a TransportData packet can hold: a UDP payload minus the packet overhead. */
    private static final int MAX_DATAGRAM_PLAINTEXT = 65_535;

    private final EngineConfig config;
    private final PeerKey self;
    private final DhKeyPair staticKey;
    private final Handshakes handshakes;
    private final CookieChecker cookieChecker;
    private final LoadDetector load;
    private final RateLimiter rateLimiter;
    private final IndexTable indices;
    private final PeerTable table;
    private final TimerQueue timers = new TimerQueue();
    private final EngineClock clock = new EngineClock();
    private final Reassembler<Session> reassembler;
    private final Counters counters = new Counters();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<EngineEvent> events = new ArrayDeque<>();
    private final byte[] openBuffer = new byte[MAX_DATAGRAM_PLAINTEXT];
    private final byte[] sealBuffer;
    private final FrameDispatcher dispatcher = new FrameDispatcher();
    private int liveSessions;
    private boolean destroyed;

    /** An engine for {@code config.identity()}; the identity stays owned by the caller. */
    public Endpoint(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.self = config.identity().publicKey();
        byte[] priv = config.identity().x25519PrivateKey();
        this.staticKey = new DhKeyPair(priv, config.identity().x25519PublicKey());
        this.handshakes = new Handshakes(staticKey, self, config.random(), counters);
        this.cookieChecker = new CookieChecker(self, config.random());
        this.load = new LoadDetector(config.handshakeLoadThreshold());
        this.rateLimiter = new RateLimiter(Constants.RATE_LIMIT_PER_SECOND, Constants.RATE_LIMIT_BURST,
                Constants.RATE_LIMIT_TABLE_SIZE);
        this.indices = new IndexTable(config.random());
        this.table = new PeerTable(config.maxPeers(), config.knownPeers());
        this.reassembler = new Reassembler<>(config.maxReassemblyBytesPerPeer(), config.maxReassemblyBytesTotal(),
                config.reassemblyTimeout(), session -> session.peer);
        this.sealBuffer = new byte[config.maxPlaintext()];
    }

    /** This engine's own public key. */
    public PeerKey localKey() {
        return self;
    }

    // ------------------------------------------------------------------ application side

    /** Starts a handshake with {@code peer} at its located address unless a usable session exists. */
    public void connect(PeerKey peer, long now) {
        checkLive();
        now = clock.advance(now);
        Peer p = peerFor(peer);
        connect(p, now);
    }

    /** As {@link #connect(PeerKey, long)}, sending the initiation to {@code address} (e.g. from a node record). */
    public void connect(PeerKey peer, InetSocketAddress address, long now) {
        checkLive();
        now = clock.advance(now);
        Peer p = peerFor(peer);
        p.endpoint = Objects.requireNonNull(address, "address");
        connect(p, now);
    }

    private void connect(Peer p, long now) {
        if ((p.current == null || !p.current.canSend(now)) && p.pending == null) {
            startHandshake(p, now);
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
        Peer p = peerFor(peer);
        Session s = p.current;
        if (s != null && s.canSend(now)) {
            sendMessage(p, s, message, now);
            if (s.needsRekeyOnSend(now) && p.pending == null) {
                startHandshake(p, now);
            }
            timers.schedule(p);
            return SendStatus.SENT;
        }
        SendStatus status = SendStatus.QUEUED;
        if (p.queued() >= config.maxQueuedMessages()) {
            java.util.Arrays.fill(p.dequeue(), (byte) 0);
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
                startHandshake(p, now);
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
            int n = Frames.writeClose(sealBuffer, 0, Frames.CLOSE_REASON_NORMAL);
            seal(p, p.current, n);
        }
        closePeer(p, CloseReason.LOCAL_CLOSE);
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
                counters.drop(dropReason(type.error()));
                return;
            }
            switch (type.value()) {
                case HANDSHAKE_INITIATION -> onInitiation(buf, off, len, from, now);
                case HANDSHAKE_RESPONSE -> onResponse(buf, off, len, now);
                case COOKIE_REPLY -> onCookieReply(buf, off, len, now);
                case TRANSPORT_DATA -> onTransport(buf, off, len, now);
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
            onTimers(p, now);
            timers.schedule(p);
        }
    }

    /** The next datagram to send, or null. */
    public Transmit pollTransmit() {
        return transmits.pollFirst();
    }

    /** The next event (session up or down, message received, retry, failure), or null. */
    public EngineEvent pollEvent() {
        return events.pollFirst();
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
        return counters.snapshot(liveSessions, table.size(), pending, reassembler.bytesHeld(),
                reassembler.evictedCount());
    }

    /** Wipes every key this engine holds. The engine cannot be used afterwards. */
    public void destroy() {
        if (destroyed) {
            return;
        }
        for (Peer p : table.all()) {
            wipeAll(p);
            p.destroyCookies();
        }
        cookieChecker.destroy();
        staticKey.destroy();
        // The scratch buffers hold the last plaintexts sealed and opened.
        java.util.Arrays.fill(openBuffer, (byte) 0);
        java.util.Arrays.fill(sealBuffer, (byte) 0);
        destroyed = true;
    }

    // ------------------------------------------------------------------ handshakes

    private void onInitiation(byte[] buf, int off, int len, InetSocketAddress from, long now) {
        HandshakeInitiation header = checkHeaderAndMac1(HandshakeInitiation.parse(buf, off, len), buf, off, len);
        if (header == null) {
            return;
        }
        if (header.senderIndex() == 0) {
            // Spec §6.1: index 0 is never used, so transport packets can never be addressed to it.
            counters.drop(DropReason.MALFORMED);
            return;
        }
        load.recordHandshake(now);
        if (load.isUnderLoad(now)) {
            if (!cookieChecker.checkMac2(buf, off, len, from.getAddress(), from.getPort(), now)) {
                byte[] reply = new byte[CookieReply.LENGTH];
                cookieChecker.createReply(reply, 0, header.senderIndex(), buf, off, len, from.getAddress(),
                        from.getPort(), now);
                emit(from, reply);
                counters.cookieRepliesSent++;
                counters.drop(DropReason.COOKIE_REQUIRED);
                return;
            }
            if (!rateLimiter.allow(from.getAddress(), now)) {
                counters.drop(DropReason.RATE_LIMITED);
                return;
            }
        }
        Handshakes.InitiationResult result = handshakes.readInitiation(buf, off, header);
        if (result.reason() != null) {
            counters.drop(result.reason());
            return;
        }
        Handshakes.Initiation init = result.initiation();
        if (!config.trust().test(init.identity())) {
            init.state().destroy();
            counters.drop(DropReason.REFUSED_BY_POLICY);
            events.add(new EngineEvent.PeerRefused(init.identity()));
            return;
        }
        if (Tai64n.compare(init.timestamp(), latestAcceptableTimestamp()) > 0) {
            init.state().destroy();
            counters.drop(DropReason.FUTURE_TIMESTAMP);
            return;
        }
        Peer p = table.admit(init.identity(), now, this::evict);
        if (p == null) {
            init.state().destroy();
            counters.drop(DropReason.TOO_MANY_PEERS);
            return;
        }
        if (p.greatestTimestampAccepted != null && Tai64n.compare(init.timestamp(), p.greatestTimestampAccepted) <= 0) {
            init.state().destroy();
            counters.drop(DropReason.STALE_TIMESTAMP);
            return;
        }
        int localIndex = indices.allocate();
        byte[] packet = new byte[HandshakeResponse.LENGTH];
        CipherStatePair keys;
        try {
            keys = handshakes.writeResponse(packet, init, localIndex);
        } catch (NoiseException e) {
            counters.drop(DropReason.HANDSHAKE_FAILED);
            return;
        }
        // Only a handshake we answer moves the replay bar and the peer's address.
        p.greatestTimestampAccepted = init.timestamp();
        InetSocketAddress replyTo = init.replyAddress() != null ? init.replyAddress() : from;
        p.endpoint = replyTo;
        p.addResponseMacs(packet, now);
        if (p.pending != null && yieldsTo(p.key)) {
            // Spec §6.4, simultaneous initiation: the side with the lower key gives up its own
            // initiation, so that both end on the one session the higher key initiated.
            indices.remove(p.pending.localIndex, p.pending);
            p.pending.destroy();
            p.pending = null;
            p.retryAt = Peer.NONE;
            p.attempts = 0;
            // Should the winner's handshake not complete after all, ours starts again (§6.5, unconfirmed).
            p.unconfirmedAt = now + Constants.REKEY_TIMEOUT;
        }
        Session s = newSession(p, localIndex, init.senderIndex(), false, init.suite(), keys, now);
        // Spec §6.4: the answered handshake replaces next; previous is wiped.
        wipe(p.next);
        p.next = s;
        wipe(p.previous);
        p.previous = null;
        counters.handshakesCompleted++;
        emit(replyTo, packet);
        timers.schedule(p);
    }

    private void onResponse(byte[] buf, int off, int len, long now) {
        HandshakeResponse header = checkHeaderAndMac1(HandshakeResponse.parse(buf, off, len), buf, off, len);
        if (header == null) {
            return;
        }
        load.recordHandshake(now);
        Object owner = indices.get(header.receiverIndex());
        if (!(owner instanceof PendingHandshake pending)) {
            counters.drop(owner == null ? DropReason.UNKNOWN_INDEX : DropReason.UNEXPECTED);
            return;
        }
        if (!pending.acceptsResponses()) {
            counters.drop(DropReason.UNEXPECTED);
            return;
        }
        Handshakes.Response response = handshakes.readResponse(buf, off, pending);
        if (response == null) {
            // Spec §6.2 step 3: a forged response must not kill a genuine handshake.
            pending.failedResponses++;
            counters.drop(DropReason.HANDSHAKE_FAILED);
            return;
        }
        completeAsInitiator(pending, response, now);
    }

    /**
     * The parsed handshake packet if its header is sound and its mac1 is ours (spec §4.4: the only
     * work before that is one HMAC), else null with the drop counted.
     */
    private <T> T checkHeaderAndMac1(Parsed<T> parsed, byte[] buf, int off, int len) {
        if (!parsed.isOk()) {
            counters.drop(dropReason(parsed.error()));
            return null;
        }
        if (!cookieChecker.checkMac1(buf, off, len)) {
            counters.drop(DropReason.BAD_MAC1);
            return null;
        }
        return parsed.value();
    }

    private void completeAsInitiator(PendingHandshake pending, Handshakes.Response response, long now) {
        Peer p = pending.peer;
        indices.remove(pending.localIndex, pending);
        pending.destroy();
        p.pending = null;
        p.retryAt = Peer.NONE;
        p.unconfirmedAt = Peer.NONE;
        p.lastTimestampAnswered = pending.timestamp;
        Session s = newSession(p, pending.localIndex, response.remoteIndex(), true, pending.suite, response.keys(), now);
        // Spec §6.4 (WireGuard's rotation): an unconfirmed next becomes previous and the old current goes;
        // otherwise current becomes previous. The old previous is wiped either way.
        wipe(p.previous);
        if (p.next != null) {
            p.previous = p.next;
            p.next = null;
            wipe(p.current);
        } else {
            p.previous = p.current;
        }
        p.current = s;
        counters.handshakesCompleted++;
        p.attempts = 0;
        announce(p, s);
        boolean sent = flushQueue(p, s, now);
        if (!sent) {
            // Confirms the session to the responder (spec §6.2 step 3).
            seal(p, s, 0);
            counters.keepalivesSent++;
        }
        timers.schedule(p);
    }

    private void onCookieReply(byte[] buf, int off, int len, long now) {
        Parsed<CookieReply> parsed = CookieReply.parse(buf, off, len);
        if (!parsed.isOk()) {
            counters.drop(dropReason(parsed.error()));
            return;
        }
        Object owner = indices.get(parsed.value().receiverIndex());
        if (!(owner instanceof PendingHandshake pending)) {
            counters.drop(owner == null ? DropReason.UNKNOWN_INDEX : DropReason.UNEXPECTED);
            return;
        }
        CookieResult r = pending.peer.cookies().consumeReply(buf, off, len, now);
        if (r != CookieResult.ACCEPTED) {
            counters.drop(r == CookieResult.NO_PENDING_MAC ? DropReason.UNEXPECTED
                    : DropReason.BAD_COOKIE_REPLY);
        }
    }

    private void startHandshake(Peer p, long now) {
        p.handshakeStarted = now;
        p.attempts = 0;
        sendInitiation(p, now);
    }

    private void sendInitiation(Peer p, long now) {
        if (p.pending != null) {
            indices.remove(p.pending.localIndex, p.pending);
            p.pending.destroy();
            p.pending = null;
        }
        byte[] timestamp = Tai64n.fromUnixNanos(config.wallClock().unixNanos());
        byte[] floor = p.lastTimestampSent;
        if (floor != null && floor != p.lastTimestampAnswered
                && Tai64n.compare(floor, latestAcceptableTimestamp()) > 0) {
            // Spec §6.3: sent while our clock ran far ahead and never answered; a responder whose
            // clock agrees with ours now refused it, so only the last answered one must be exceeded.
            floor = p.lastTimestampAnswered;
        }
        if (floor != null && Tai64n.compare(timestamp, floor) <= 0) {
            // Spec §6.3: strictly increasing even if the wall clock went back.
            timestamp = Tai64n.plusOneNano(floor);
        }
        p.lastTimestampSent = timestamp;
        int localIndex = indices.allocate();
        byte[] packet = new byte[HandshakeInitiation.LENGTH];
        HandshakeState hs;
        try {
            hs = handshakes.writeInitiation(packet, config.suite(), localIndex, p.key.x25519PublicKey(), timestamp,
                    config.replyAddress());
        } catch (NoiseException e) {
            throw new IllegalStateException("could not write a handshake initiation", e);
        }
        p.cookies().addMacs(packet, 0, packet.length, now);
        p.pending = new PendingHandshake(p, localIndex, config.suite(), hs, timestamp);
        indices.put(localIndex, p.pending);
        p.attempts++;
        p.retryAt = now + Constants.REKEY_TIMEOUT + jitter();
        counters.handshakesInitiated++;
        if (p.endpoint == null) {
            p.endpoint = config.peerLocator().apply(p.key);
        }
        emit(p.endpoint, packet);
    }

    private long jitter() {
        // 64 random bits reduced modulo ~3.3e8: the bias is below 1e-10, uniform for any purpose here.
        byte[] r = new byte[Long.BYTES];
        config.random().nextBytes(r);
        long v = 0;
        for (byte b : r) {
            v = (v << Byte.SIZE) | (b & 0xffL);
        }
        return Long.remainderUnsigned(v, Constants.REKEY_TIMEOUT_JITTER_MAX + 1);
    }

    // ------------------------------------------------------------------ transport

    private void onTransport(byte[] buf, int off, int len, long now) {
        Parsed<TransportData> parsed = TransportData.parseHeader(buf, off, len);
        if (!parsed.isOk()) {
            counters.drop(dropReason(parsed.error()));
            return;
        }
        TransportData header = parsed.value();
        Object owner = indices.get(header.receiverIndex());
        if (!(owner instanceof Session s)) {
            counters.drop(owner == null ? DropReason.UNKNOWN_INDEX : DropReason.UNEXPECTED);
            return;
        }
        long counter = header.counter();
        if (!s.canReceive(now) || Long.compareUnsigned(counter, Constants.REJECT_AFTER_MESSAGES) >= 0) {
            counters.drop(DropReason.SESSION_EXPIRED);
            return;
        }
        int plainLength;
        try {
            plainLength = s.receiver().decrypt(counter, buf, off, TransportData.HEADER_LENGTH, buf,
                    off + TransportData.HEADER_LENGTH, len - TransportData.HEADER_LENGTH, openBuffer, 0);
        } catch (NoiseException e) {
            counters.drop(DropReason.DECRYPT_FAILED);
            return;
        }
        // The window moves only after authentication, so forged counters cannot push it (spec §6.6).
        ReplayWindow.Verdict verdict = s.replay.accept(counter, Constants.REJECT_AFTER_MESSAGES);
        if (verdict != ReplayWindow.Verdict.ACCEPTED) {
            counters.drop(verdict == ReplayWindow.Verdict.LIMIT_REACHED ? DropReason.SESSION_EXPIRED
                    : DropReason.REPLAYED);
            return;
        }
        if (Frames.validate(openBuffer, 0, plainLength) != null) {
            counters.drop(DropReason.BAD_FRAME);
            return;
        }
        Peer p = s.peer;
        if (s == p.next) {
            confirm(p, s, now);
        }
        p.newHandshakeAt = Peer.NONE;
        table.active(p, now);
        dispatcher.begin(s, now);
        Frames.visit(openBuffer, 0, plainLength, dispatcher);
        if (dispatcher.closed) {
            closePeer(p, CloseReason.PEER_CLOSED);
            return;
        }
        if (dispatcher.data && p.keepaliveAt == Peer.NONE) {
            p.keepaliveAt = now + Constants.KEEPALIVE_TIMEOUT;
        }
        if (s == p.current && s.needsRekeyOnReceive(now) && p.pending == null) {
            startHandshake(p, now);
        }
        timers.schedule(p);
    }

    /** The responder's next session is confirmed by its first packet (spec §6.2 step 4). */
    private void confirm(Peer p, Session s, long now) {
        wipe(p.previous);
        p.previous = p.current;
        p.current = s;
        p.next = null;
        p.unconfirmedAt = Peer.NONE;
        announce(p, s);
        flushQueue(p, s, now);
    }

    private void announce(Peer p, Session s) {
        events.add(new EngineEvent.SessionEstablished(p.key, s.suite, s.initiator, p.announced));
        p.announced = true;
    }

    /** Sends what waited for a session; true if anything was sent. */
    private boolean flushQueue(Peer p, Session s, long now) {
        boolean sent = false;
        for (byte[] m; s.canSend(now) && (m = p.dequeue()) != null; ) {
            sendMessage(p, s, m, now);
            sent = true;
        }
        return sent;
    }

    private void sendMessage(Peer p, Session s, byte[] message, long now) {
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

    /** Encrypts sealBuffer[0..plainLength) as the next TransportData of {@code s} and queues it. */
    private void seal(Peer p, Session s, int plainLength) {
        byte[] packet = new byte[TransportData.OVERHEAD + plainLength];
        long counter = s.sendCounter++;
        TransportData.writeHeader(packet, 0, s.remoteIndex, counter);
        try {
            s.sender().encrypt(counter, packet, 0, TransportData.HEADER_LENGTH, sealBuffer, 0, plainLength, packet,
                    TransportData.HEADER_LENGTH);
        } catch (NoiseException e) {
            // canSend() checked the counter and the key; failing here is a bug, not an input.
            throw new IllegalStateException("could not encrypt a transport packet", e);
        }
        emit(p.endpoint, packet);
    }

    /** Delivers the frames of one authenticated packet. */
    private final class FrameDispatcher implements FrameVisitor {
        private Session session;
        private long now;
        boolean data;
        boolean closed;

        void begin(Session s, long time) {
            session = s;
            now = time;
            data = false;
            closed = false;
        }

        @Override
        public void onDatagram(byte[] buf, int off, int len) {
            data = true;
            deliver(java.util.Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void onFragment(int messageId, int totalLength, int offset, byte[] buf, int off, int len) {
            data = true;
            Reassembler.Result r = reassembler.accept(session, messageId, totalLength, offset, buf, off, len, now);
            switch (r.status()) {
                case COMPLETE -> deliver(r.message());
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
        public void onClose(int reason) {
            closed = true;
        }

        private void deliver(byte[] message) {
            if (closed) {
                return;
            }
            counters.messagesDelivered++;
            events.add(new EngineEvent.MessageReceived(session.peer.key, message));
        }
    }

    // ------------------------------------------------------------------ timers and teardown

    private void onTimers(Peer p, long now) {
        if (Peer.due(p.retryAt, now)) {
            p.retryAt = Peer.NONE;
            long elapsed = now - p.handshakeStarted;
            if (elapsed >= Constants.REKEY_ATTEMPT_TIME) {
                giveUp(p, elapsed);
            } else {
                sendInitiation(p, now);
                events.add(new EngineEvent.HandshakeRetrying(p.key, p.attempts, elapsed));
            }
        }
        if (Peer.due(p.keepaliveAt, now)) {
            p.keepaliveAt = Peer.NONE;
            if (p.current != null && p.current.canSend(now)) {
                seal(p, p.current, 0);
                counters.keepalivesSent++;
            }
        }
        if (Peer.due(p.newHandshakeAt, now)) {
            // We sent data and heard nothing for KEEPALIVE_TIMEOUT + REKEY_TIMEOUT: the peer went silent.
            p.newHandshakeAt = Peer.NONE;
            if (p.pending == null) {
                startHandshake(p, now);
            }
        }
        if (Peer.due(p.unconfirmedAt, now)) {
            p.unconfirmedAt = Peer.NONE;
            if (p.pending == null && (p.current == null || !p.current.canSend(now))) {
                startHandshake(p, now);
            }
        }
        boolean had = p.hasSession();
        p.previous = expire(p.previous, now);
        p.current = expire(p.current, now);
        p.next = expire(p.next, now);
        if (had && !p.hasSession() && p.announced) {
            p.announced = false;
            events.add(new EngineEvent.SessionClosed(p.key, CloseReason.EXPIRED));
        }
    }

    private Session expire(Session s, long now) {
        if (s != null && !s.canReceive(now)) {
            wipe(s);
            return null;
        }
        return s;
    }

    private void giveUp(Peer p, long elapsed) {
        int attempts = p.attempts;
        if (p.pending != null) {
            indices.remove(p.pending.localIndex, p.pending);
            p.pending.destroy();
            p.pending = null;
        }
        int dropped = dropQueue(p);
        counters.handshakesFailed++;
        p.attempts = 0;
        events.add(new EngineEvent.HandshakeFailed(p.key, attempts, elapsed, dropped));
    }

    private void closePeer(Peer p, CloseReason reason) {
        wipeAll(p);
        int dropped = dropQueue(p);
        if (p.announced) {
            p.announced = false;
            events.add(new EngineEvent.SessionClosed(p.key, reason));
        }
    }

    /** Drops the messages waiting for a session, zeroing our copies of them (spec §6.9); returns how many. */
    private int dropQueue(Peer p) {
        int dropped = p.queued();
        for (byte[] m; (m = p.dequeue()) != null; ) {
            java.util.Arrays.fill(m, (byte) 0);
        }
        counters.messagesDroppedUnsent += dropped;
        return dropped;
    }

    private void wipeAll(Peer p) {
        wipe(p.previous);
        wipe(p.current);
        wipe(p.next);
        p.previous = null;
        p.current = null;
        p.next = null;
        if (p.pending != null) {
            indices.remove(p.pending.localIndex, p.pending);
            p.pending.destroy();
            p.pending = null;
        }
        p.retryAt = Peer.NONE;
        p.keepaliveAt = Peer.NONE;
        p.newHandshakeAt = Peer.NONE;
        p.unconfirmedAt = Peer.NONE;
    }

    private Session newSession(Peer p, int localIndex, int remoteIndex, boolean initiator, CipherSuite suite,
                               CipherStatePair keys, long now) {
        Session s = new Session(p, localIndex, remoteIndex, initiator, suite, keys, now);
        indices.put(localIndex, s);
        liveSessions++;
        return s;
    }

    private void wipe(Session s) {
        if (s != null && !s.isWiped()) {
            s.wipe();
            indices.remove(s.localIndex, s);
            reassembler.removeKey(s);
            liveSessions--;
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A peer that gave way in the peer table (§8): everything it holds is wiped. */
    private void evict(Peer p) {
        wipeAll(p);
        dropQueue(p);
        if (p.announced) {
            p.announced = false;
            events.add(new EngineEvent.SessionClosed(p.key, CloseReason.EVICTED));
        }
    }

    /** The greatest initiation timestamp a responder accepts now: its wall clock + MAX_TIMESTAMP_AHEAD (§6.3). */
    private byte[] latestAcceptableTimestamp() {
        return Tai64n.exactFromUnixNanos(config.wallClock().unixNanos() + Constants.MAX_TIMESTAMP_AHEAD);
    }

    /** Whether our key sorts below {@code peer}'s (unsigned, byte by byte): the tie-break of spec §6.4. */
    private boolean yieldsTo(PeerKey peer) {
        return java.util.Arrays.compareUnsigned(self.encoded(), peer.encoded()) < 0;
    }

    /**
     * For tests in this package, playing an authenticated but hostile peer: seals {@code plaintext}
     * (any frames, valid or not) on the current session with {@code peer}; false if there is none.
     */
    boolean sealFramesForTest(PeerKey peer, byte[] plaintext, long now) {
        now = clock.advance(now);
        Peer p = table.get(peer);
        if (p == null || p.current == null || !p.current.canSend(now)) {
            return false;
        }
        System.arraycopy(plaintext, 0, sealBuffer, 0, plaintext.length);
        seal(p, p.current, plaintext.length);
        return true;
    }

    /** For tests in this package: the state held for {@code key}, or null. */
    Peer peerState(PeerKey key) {
        return table.get(key);
    }

    private Peer peerFor(PeerKey key) {
        return table.addressed(key);
    }

    private void emit(InetSocketAddress destination, byte[] packet) {
        counters.packetsOut++;
        counters.bytesOut += packet.length;
        transmits.addLast(new Transmit(destination, packet, packet.length));
    }

    private static DropReason dropReason(WireError e) {
        return switch (e) {
            case UNKNOWN_TYPE -> DropReason.UNKNOWN_TYPE;
            case UNSUPPORTED_VERSION -> DropReason.UNSUPPORTED_VERSION;
            default -> DropReason.MALFORMED;
        };
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("this engine was destroyed");
        }
    }
}
