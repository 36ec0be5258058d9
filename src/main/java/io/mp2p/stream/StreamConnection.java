package io.mp2p.stream;

import java.util.ArrayDeque;

/**
 * The stream layer of one peer association (spec/STREAMS.md): reliable, ordered byte streams
 * multiplexed over the TransportData packets of mp2p sessions, with acknowledgement ranges, loss
 * recovery and RTT estimation (RFC 9002 §5-6), NewReno with pacing (§7), flow control (RFC 9000 §4)
 * and a bound on every buffer.
 *
 * <p>It is sans-IO and single-threaded, in the style of quinn-proto: no clock, no socket, no thread.
 * The caller passes time in ({@code now}, nanoseconds, monotonic, any origin, never wrapping) and
 * moves packets:
 *
 * <pre>{@code
 * StreamConnection conn = new StreamConnection(StreamConfig.defaults(), localKeyIsLower, randomNonZeroInt, now);
 * long id = conn.openStream(80);
 * conn.write(id, request, 0, request.length);
 * conn.finish(id);
 * // after every call above, and on every event below:
 * byte[] buf = new byte[1200];
 * for (int n; (n = conn.pollTransmit(now, buf, 0, buf.length)) > 0; ) {
 *     sealAndSend(buf, 0, n);                     // the engine's TransportData plaintext
 * }
 * long wake = conn.pollTimeout();                 // then conn.handleTimeout(now) at or after it
 * // a received plaintext's stream-layer run:
 * conn.handlePacket(plain, runOff, runLen, now);
 * for (StreamEvent e; (e = conn.pollEvent()) != null; ) { ... conn.read(id, dst, 0, dst.length) ... }
 * }</pre>
 */
public final class StreamConnection {
    /** {@link #openStream} could not open a stream now (the peer's limit); wait for {@link StreamEvent.StreamsAvailable}. */
    public static final long NO_STREAM = -1;
    /** {@link #read}: the stream ended (FIN) and every byte was read. */
    public static final int END_OF_STREAM = -1;
    /** {@link #read}: the peer reset the stream, or this side stopped reading; {@link #write}: the sending half was reset. */
    public static final int STREAM_RESET = -2;
    /** The id names no live stream (never opened, or closed and forgotten). */
    public static final int UNKNOWN_STREAM = -3;
    /** The connection has ended ({@link StreamEvent.ConnectionClosed}). */
    public static final int CONNECTION_CLOSED = -4;

    private static final long NONE = StreamConstants.NO_TIMEOUT;
    /** RFC 9000 §10.1: the idle timeout is at least three PTOs, so that loss recovery has its chance. */
    private static final int IDLE_MIN_PTOS = 3;

    private final StreamConfig config;
    private final int localEpoch;
    private long nextPacketNumber;

    private final RttEstimator rtt = new RttEstimator();
    private final CongestionController cc;
    private final Pacer pacer;
    private final LossDetector loss;
    private final AckTracker acks;
    private final ConnectionCredit credit;
    private final StreamTable table;
    private final PacketWriter writer;
    private final FrameReceiver receiver;
    private final ArrayDeque<StreamEvent> events = new ArrayDeque<>();

    // Idle timeout (RFC 9000 §10.1, spec/STREAMS.md §6.4) and keepalive.
    private long idleStart;
    private boolean idleWasArmed;
    private long lastAckElicitingSent;
    private long pacingWake = NONE;

    private ConnectionError closed;
    private FrameError lastFrameError;

    // Counters for StreamStats.
    private long packetsSent;
    private long ackOnlySent;
    private long packetsReceived;
    private long duplicates;
    private long notAcknowledged;

    /**
     * A connection for one peer association.
     *
     * @param config       bounds and timeouts
     * @param opensEvenIds true on the peer whose public key is the lower one (spec/STREAMS.md §4.3):
     *                     its streams get even ids, the other peer's odd ones
     * @param localEpoch   a random non-zero number, new for every connection (spec/STREAMS.md §4.2)
     * @param now          the current time, nanoseconds
     */
    public StreamConnection(StreamConfig config, boolean opensEvenIds, int localEpoch, long now) {
        if (localEpoch == 0) {
            throw new IllegalArgumentException("the local epoch must not be 0");
        }
        this.config = config;
        this.localEpoch = localEpoch;
        this.cc = new CongestionController(config.maxPacketSize());
        this.pacer = new Pacer(cc.initialWindow());
        this.acks = new AckTracker(config.maxAckRanges());
        this.credit = new ConnectionCredit(config.connectionReceiveWindow());
        this.table = new StreamTable(config, opensEvenIds, credit, events);
        this.writer = new PacketWriter(table, credit);
        this.loss = new LossDetector(rtt, cc, new FrameRepair(table, credit, acks));
        this.receiver = new FrameReceiver(localEpoch, table, credit, loss, acks, events, this::close);
        this.idleStart = now;
        this.lastAckElicitingSent = now;
    }

    // ================================================================== application side

    /**
     * Opens a stream to {@code port} on the peer and returns its id, or {@link #NO_STREAM} when the
     * peer's MAX_STREAMS or this side's {@link StreamConfig#maxStreams()} is reached (a
     * {@link StreamEvent.StreamsAvailable} follows when the peer allows more) or the connection is
     * closed. The peer learns of the stream from its first frame, sent at the next
     * {@link #pollTransmit} even before any data.
     */
    public long openStream(int port) {
        if (port < 0 || port > StreamConstants.MAX_PORT) {
            throw new IllegalArgumentException("port must be 0.." + StreamConstants.MAX_PORT + ", got " + port);
        }
        return closed != null ? NO_STREAM : table.open(port);
    }

    /**
     * Buffers up to {@code len} bytes for the stream and returns how many were taken: fewer (even 0)
     * when its send buffer is full ({@link StreamEvent.Writable} follows when room is made), or
     * {@link #STREAM_RESET}, {@link #UNKNOWN_STREAM}, {@link #CONNECTION_CLOSED}.
     *
     * @throws IllegalStateException after {@link #finish}
     */
    public int write(long streamId, byte[] src, int off, int len) {
        if (closed != null) {
            return CONNECTION_CLOSED;
        }
        StreamState s = table.visible(streamId);
        if (s == null) {
            return UNKNOWN_STREAM;
        }
        if (s.send.isReset()) {
            return STREAM_RESET;
        }
        return s.send.write(src, off, len);
    }

    /** Ends the sending half after what was written (FIN). Does nothing for an unknown or reset stream. */
    public void finish(long streamId) {
        StreamState s = closed == null ? table.visible(streamId) : null;
        if (s != null) {
            s.send.finish();
        }
    }

    /** Abandons the sending half (RESET_STREAM with {@code errorCode}); unsent and unacknowledged bytes are dropped. */
    public void reset(long streamId, long errorCode) {
        StreamState s = closed == null ? table.visible(streamId) : null;
        if (s != null && s.send.reset(checkCode(errorCode))) {
            table.maybeFree(s);
        }
    }

    /**
     * Reads up to {@code len} bytes in order. Returns the count (0: nothing yet, wait for
     * {@link StreamEvent.Readable}), {@link #END_OF_STREAM}, {@link #STREAM_RESET},
     * {@link #UNKNOWN_STREAM} or {@link #CONNECTION_CLOSED}.
     */
    public int read(long streamId, byte[] dst, int off, int len) {
        if (closed != null) {
            return CONNECTION_CLOSED;
        }
        StreamState s = table.visible(streamId);
        if (s == null) {
            return UNKNOWN_STREAM;
        }
        s.readableSignalled = false;
        ReceiveStream.State st = s.recv.state();
        if (s.recv.isStopped() || st == ReceiveStream.State.RESET_RECVD || st == ReceiveStream.State.RESET_READ) {
            s.recv.onResetRead();
            table.maybeFree(s);
            return STREAM_RESET;
        }
        int n = s.recv.read(dst, off, len);
        table.noteConsumed(s);
        if (n == END_OF_STREAM) {
            table.maybeFree(s);
        }
        return n;
    }

    /** This side will read no more (STOP_SENDING with {@code errorCode}); buffered bytes are dropped. */
    public void stopSending(long streamId, long errorCode) {
        StreamState s = closed == null ? table.visible(streamId) : null;
        if (s != null) {
            s.recv.stopSending(checkCode(errorCode));
            table.noteConsumed(s);
            table.maybeFree(s);
        }
    }

    /**
     * Whether bytes or a FIN the application wrote still wait for the peer's acknowledgement: a node
     * about to close lingers for them, as a TCP socket's close lets the kernel deliver what was written.
     */
    public boolean hasUnacknowledgedData() {
        if (closed != null) {
            return false;
        }
        for (StreamState s : table.values()) {
            if (!s.send.isReset() && (s.send.buffered() > 0 || (s.send.finRequested() && !s.send.isTerminal()))) {
                return true;
            }
        }
        return false;
    }

    /** The next event, or null. */
    public StreamEvent pollEvent() {
        return events.poll();
    }

    /**
     * Ends the connection here, at once, without telling the peer (the caller closes the session, or
     * the session already ended): every stream is dropped, {@link StreamEvent.ConnectionClosed}
     * follows.
     */
    public void close(ConnectionError reason) {
        if (closed != null) {
            return;
        }
        closed = reason;
        loss.discardAll();
        table.clear();
        events.add(new StreamEvent.ConnectionClosed(reason));
    }

    /** Why the connection ended, or null while it is open. */
    public ConnectionError closeReason() {
        return closed;
    }

    /** The port a live stream was opened to, or −1. */
    public int port(long streamId) {
        StreamState s = table.visible(streamId);
        return s == null ? -1 : s.port;
    }

    /** Bytes readable now on the stream (0 for an unknown one). */
    public int available(long streamId) {
        StreamState s = table.visible(streamId);
        return s == null || s.recv.isStopped() ? 0 : s.recv.available();
    }

    /** Bytes the stream holds written and not yet acknowledged (its send buffer in use). */
    public long bufferedToSend(long streamId) {
        StreamState s = table.get(streamId);
        return s == null ? 0 : s.send.buffered();
    }

    /** Bytes the stream holds received and not yet read, gaps included (its receive buffer in use). */
    public long bufferedReceived(long streamId) {
        StreamState s = table.get(streamId);
        return s == null ? 0 : s.recv.buffered();
    }

    /** The error of the last {@link ReceiveOutcome#MALFORMED} packet, or null. */
    public FrameError lastFrameError() {
        return lastFrameError;
    }

    /** The epoch this connection puts in its packets. */
    public int localEpoch() {
        return localEpoch;
    }

    /** A snapshot of counters and recovery state. */
    public StreamStats stats() {
        long memory = 0;
        for (StreamState s : table.values()) {
            memory += s.send.bufferCapacity() + s.recv.bufferCapacity();
        }
        return new StreamStats(packetsSent, ackOnlySent, packetsReceived, loss.packetsLost(), loss.ptoFired(),
                writer.bytesSent(), writer.bytesRetransmitted(), credit.dataReceived(), duplicates, notAcknowledged,
                rtt.latestRtt(), rtt.minRtt(), rtt.smoothedRtt(), rtt.rttvar(), cc.congestionWindow(), cc.ssthresh(),
                cc.bytesInFlight(), cc.congestionEvents(), table.all().size(), memory);
    }

    // ================================================================== network side

    /**
     * Takes one received run of stream-layer frames, {@code buf[off..off+len)}, from a
     * TransportData plaintext that authenticated (spec/STREAMS.md §3). Never throws for any content.
     */
    public ReceiveOutcome handlePacket(byte[] buf, int off, int len, long now) {
        if (closed != null) {
            return ReceiveOutcome.CLOSED;
        }
        FrameError e = StreamFrames.validate(buf, off, len);
        if (e != null) {
            lastFrameError = e;
            return ReceiveOutcome.MALFORMED;
        }
        trackIdleArming(now);
        receiver.start(now, nextPacketNumber);
        StreamFrames.visit(buf, off, len, receiver);
        ReceiveOutcome outcome = receiver.outcome();
        if (outcome == ReceiveOutcome.PROCESSED || outcome == ReceiveOutcome.NOT_ACKNOWLEDGED) {
            packetsReceived++;
            idleStart = Math.max(idleStart, now);
            if (outcome == ReceiveOutcome.PROCESSED) {
                acks.onPacketReceived(receiver.packetNumber(), receiver.ackEliciting(), now);
            } else {
                notAcknowledged++;
            }
        } else if (outcome == ReceiveOutcome.DUPLICATE) {
            duplicates++;
        }
        return outcome;
    }

    /**
     * Writes the next packet's run of frames into {@code buf[off..off+maxLen)} and returns its length,
     * or 0 when nothing may be sent now. The packet is registered as sent under its packet number:
     * the caller must put it on the wire (a packet it drops is simply lost and repaired). Call until
     * it returns 0, after every input.
     */
    public int pollTransmit(long now, byte[] buf, int off, int maxLen) {
        if (buf == null || off < 0 || maxLen < 0 || off > buf.length - maxLen) {
            throw new IllegalArgumentException("bad output range");
        }
        pacingWake = NONE;
        int size = Math.min(maxLen, config.maxPacketSize());
        if (closed != null || size < StreamConstants.MIN_PACKET_SIZE) {
            return 0;
        }
        trackIdleArming(now);
        boolean probe = loss.probesPending() > 0;
        boolean keepAlive = keepAliveDue(now);
        boolean work = probe || keepAlive || writer.hasControlPending() || writer.hasStreamPending();
        boolean mayElicit = false;
        if (work) {
            if (probe) {
                mayElicit = true; // RFC 9002 §6.2.4: probes ignore the congestion window
            } else if (cc.canSend(size)) {
                long wait = pacer.delay(now, size, cc.congestionWindow(), rtt.smoothedRtt());
                mayElicit = wait == 0;
                if (!mayElicit) {
                    pacingWake = now + wait;
                }
            }
        }
        boolean ackDue = acks.hasUnacked() && acks.ackDue(now);
        if (!mayElicit && !ackDue) {
            return 0;
        }
        int end = off + size;
        SentPacket sp = new SentPacket(nextPacketNumber, now);
        int p = StreamFrames.writePacketNumber(buf, off, localEpoch, receiver.peerEpoch(), nextPacketNumber);
        if (acks.hasUnacked()) {
            int q = acks.writeAck(buf, p, end, now);
            if (q > p) {
                sp.largestAckedInAck = acks.lastLargest();
                p = q;
            }
        }
        if (mayElicit) {
            p = writer.writeControls(buf, p, end, sp);
            p = writer.writeStreamFrames(buf, p, end, sp);
            if (!sp.ackEliciting && (probe || keepAlive)) {
                p = StreamFrames.writePing(buf, p);
                sp.ackEliciting = true;
            }
        }
        if (!sp.ackEliciting && sp.largestAckedInAck < 0) {
            return 0; // nothing fit after all; the packet number is not used
        }
        nextPacketNumber++;
        sp.sentBytes = p - off;
        packetsSent++;
        if (sp.ackEliciting) {
            sp.underutilized = !probe && cc.isUnderutilized(cc.bytesInFlight() + sp.sentBytes);
            if (!probe) {
                pacer.onPacketSent(sp.sentBytes);
            }
            lastAckElicitingSent = now;
        } else {
            ackOnlySent++;
        }
        loss.onPacketSent(sp);
        return sp.sentBytes;
    }

    /**
     * When {@link #handleTimeout} must next be called, or {@link StreamConstants#NO_TIMEOUT}. Ask
     * again after every call.
     */
    public long pollTimeout() {
        if (closed != null) {
            return NONE;
        }
        long t = Math.min(loss.lossDetectionTimer(), acks.hasUnacked() ? acks.ackDeadline() : NONE);
        t = Math.min(t, pacingWake);
        if (idleArmed()) {
            t = Math.min(t, idleDeadline());
        }
        if (keepAliveArmed()) {
            t = Math.min(t, lastAckElicitingSent + config.keepAliveInterval());
        }
        return t;
    }

    /** Runs the timers due at {@code now}: idle timeout, loss detection and probe timeout. */
    public void handleTimeout(long now) {
        if (closed != null) {
            return;
        }
        trackIdleArming(now);
        if (idleArmed() && now >= idleDeadline()) {
            close(ConnectionError.IDLE_TIMEOUT);
            return;
        }
        if (now >= loss.lossDetectionTimer()) {
            loss.onLossDetectionTimeout(now);
        }
    }

    // ================================================================== timers

    /**
     * Starts the idle timer at {@code now} when it becomes armed (the first stream after a time
     * without any), so that a long quiet period before it does not count. Called by every method
     * that is given the time.
     */
    private void trackIdleArming(long now) {
        boolean armed = idleArmed();
        if (armed && !idleWasArmed) {
            idleStart = Math.max(idleStart, now);
        }
        idleWasArmed = armed;
    }

    /** The idle timer runs while streams exist or packets are in flight: an idle association with no stream never times out here. */
    private boolean idleArmed() {
        return !table.isEmpty() || loss.hasAckElicitingInFlight();
    }

    /**
     * RFC 9000 §10.1: the idle timeout, but at least three PTOs, from the last packet received. Unlike
     * §10.1, sending does not restart it, so that a vanished peer is given up at the configured time
     * after its last packet; keepalive PINGs make a live peer answer.
     */
    private long idleDeadline() {
        return idleStart + Math.max(config.idleTimeout(), IDLE_MIN_PTOS * rtt.ptoPeriod());
    }

    private boolean keepAliveArmed() {
        return config.keepAliveInterval() > 0 && !table.isEmpty() && !loss.hasAckElicitingInFlight();
    }

    private boolean keepAliveDue(long now) {
        return keepAliveArmed() && now - lastAckElicitingSent >= config.keepAliveInterval();
    }

    private static long checkCode(long code) {
        if (code < 0 || code > VarInt.MAX) {
            throw new IllegalArgumentException("error code must be 0.." + VarInt.MAX);
        }
        return code;
    }
}
