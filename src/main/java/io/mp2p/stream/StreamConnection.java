package io.mp2p.stream;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

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
    /** A stream frame with less room than this is not worth starting (header + a little data). */
    private static final int MIN_FRAME_ROOM = 24;
    private static final int ID_PARITY_MASK = 1;

    private final StreamConfig config;
    private final int parity;
    private final int localEpoch;
    private int peerEpoch;
    private long nextPacketNumber;

    private final RttEstimator rtt = new RttEstimator();
    private final CongestionController cc;
    private final Pacer pacer;
    private final LossDetector loss;
    private final AckTracker acks;
    private final Receiver receiver = new Receiver();

    private final TreeMap<Long, StreamState> streams = new TreeMap<>();
    private final ArrayDeque<StreamEvent> events = new ArrayDeque<>();
    private long roundRobinNext;

    // Stream counts (RFC 9000 §4.6). Indices count streams of one side: id = 2 × index + parity.
    private long nextLocalIndex;
    private int liveLocal;
    private long peerMaxStreams = StreamConstants.INITIAL_MAX_STREAMS;
    private boolean streamsBlocked;
    private long nextPeerIndex;
    private long peerStreamsClosed;
    private long localMaxStreams = StreamConstants.INITIAL_MAX_STREAMS;
    /** Limits are enforced as last sent: the peer cannot know of a larger one yet. */
    private long localMaxStreamsSent = StreamConstants.INITIAL_MAX_STREAMS;
    private boolean maxStreamsPending;

    // Connection-level flow control (RFC 9000 §4.1).
    private long peerMaxData = StreamConstants.INITIAL_MAX_DATA;
    private long dataSent;
    private long localMaxData = StreamConstants.INITIAL_MAX_DATA;
    private long localMaxDataSent = StreamConstants.INITIAL_MAX_DATA;
    private long dataReceived;
    private long dataConsumed;
    private boolean maxDataPending;
    private boolean creditsAnnounced;

    // Idle timeout (RFC 9000 §10.1) and keepalive.
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
    private long bytesSent;
    private long bytesRetransmitted;
    private long duplicates;
    private long notAcknowledged;

    /**
     * A connection for one peer association.
     *
     * @param config         bounds and timeouts
     * @param opensEvenIds   true on the peer whose public key is the lower one (spec/STREAMS.md §4):
     *                       its streams get even ids, the other peer's odd ones
     * @param localEpoch     a random non-zero number, new for every connection (spec/STREAMS.md §4)
     * @param now            the current time, nanoseconds
     */
    public StreamConnection(StreamConfig config, boolean opensEvenIds, int localEpoch, long now) {
        if (localEpoch == 0) {
            throw new IllegalArgumentException("the local epoch must not be 0");
        }
        this.config = config;
        this.parity = opensEvenIds ? 0 : 1;
        this.localEpoch = localEpoch;
        this.cc = new CongestionController(config.maxPacketSize());
        this.pacer = new Pacer(cc.initialWindow());
        this.loss = new LossDetector(rtt, cc, new Recovery());
        this.acks = new AckTracker(config.maxAckRanges());
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
        if (closed != null) {
            return NO_STREAM;
        }
        if (nextLocalIndex >= peerMaxStreams || liveLocal >= config.maxStreams()) {
            streamsBlocked = true;
            return NO_STREAM;
        }
        long id = (nextLocalIndex << 1) | parity;
        nextLocalIndex++;
        liveLocal++;
        addStream(new StreamState(id, true, port, config));
        return id;
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
        StreamState s = visibleStream(streamId);
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
        StreamState s = closed == null ? visibleStream(streamId) : null;
        if (s != null) {
            s.send.finish();
        }
    }

    /** Abandons the sending half (RESET_STREAM with {@code errorCode}); unsent and unacknowledged bytes are dropped. */
    public void reset(long streamId, long errorCode) {
        StreamState s = closed == null ? visibleStream(streamId) : null;
        if (s != null && s.send.reset(checkCode(errorCode))) {
            maybeFree(s);
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
        StreamState s = visibleStream(streamId);
        if (s == null) {
            return UNKNOWN_STREAM;
        }
        s.readableSignalled = false;
        ReceiveStream.State st = s.recv.state();
        if (s.recv.isStopped() || st == ReceiveStream.State.RESET_RECVD || st == ReceiveStream.State.RESET_READ) {
            s.recv.onResetRead();
            maybeFree(s);
            return STREAM_RESET;
        }
        int n = s.recv.read(dst, off, len);
        noteConsumed(s);
        if (n == END_OF_STREAM) {
            maybeFree(s);
        }
        return n;
    }

    /** This side will read no more (STOP_SENDING with {@code errorCode}); buffered bytes are dropped. */
    public void stopSending(long streamId, long errorCode) {
        StreamState s = closed == null ? visibleStream(streamId) : null;
        if (s != null) {
            s.recv.stopSending(checkCode(errorCode));
            noteConsumed(s);
            maybeFree(s);
        }
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
        streams.clear();
        events.add(new StreamEvent.ConnectionClosed(reason));
    }

    /** Why the connection ended, or null while it is open. */
    public ConnectionError closeReason() {
        return closed;
    }

    /** The port a live stream was opened to, or −1. */
    public int port(long streamId) {
        StreamState s = visibleStream(streamId);
        return s == null ? -1 : s.port;
    }

    /** Bytes readable now on the stream (0 for an unknown one). */
    public int available(long streamId) {
        StreamState s = visibleStream(streamId);
        return s == null || s.recv.isStopped() ? 0 : s.recv.available();
    }

    /** Bytes the stream holds written and not yet acknowledged (its send buffer in use). */
    public long bufferedToSend(long streamId) {
        StreamState s = streams.get(streamId);
        return s == null ? 0 : s.send.buffered();
    }

    /** Bytes the stream holds received and not yet read, gaps included (its receive buffer in use). */
    public long bufferedReceived(long streamId) {
        StreamState s = streams.get(streamId);
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
        for (StreamState s : streams.values()) {
            memory += s.send.bufferCapacity() + s.recv.bufferCapacity();
        }
        return new StreamStats(packetsSent, ackOnlySent, packetsReceived, loss.packetsLost(), loss.ptoFired(),
                bytesSent, bytesRetransmitted, dataReceived, duplicates, notAcknowledged, rtt.latestRtt(),
                rtt.minRtt(), rtt.smoothedRtt(), rtt.rttvar(), cc.congestionWindow(), cc.ssthresh(),
                cc.bytesInFlight(), cc.congestionEvents(), streams.size(), memory);
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
        receiver.start(now);
        StreamFrames.visit(buf, off, len, receiver);
        ReceiveOutcome outcome = receiver.outcome;
        if (outcome == ReceiveOutcome.PROCESSED || outcome == ReceiveOutcome.NOT_ACKNOWLEDGED) {
            packetsReceived++;
            idleStart = Math.max(idleStart, now);
            if (outcome == ReceiveOutcome.PROCESSED) {
                acks.onPacketReceived(receiver.packetNumber, receiver.ackEliciting, now);
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
        boolean work = probe || keepAlive || hasControlPending() || hasStreamPending();
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
        long pn = nextPacketNumber;
        SentPacket sp = new SentPacket(pn, now);
        int p = StreamFrames.writePacketNumber(buf, off, localEpoch, peerEpoch, pn);
        if (acks.hasUnacked()) {
            int q = acks.writeAck(buf, p, end, now);
            if (q > p) {
                sp.largestAckedInAck = acks.lastLargest();
                p = q;
            }
        }
        if (mayElicit) {
            p = writeControls(buf, p, end, sp);
            p = writeStreamFrames(buf, p, end, sp);
            if (!sp.ackEliciting && (probe || keepAlive) && p < end) {
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
        return !streams.isEmpty() || loss.hasAckElicitingInFlight();
    }

    /**
     * RFC 9000 §10.1: the idle timeout, but at least three PTOs, from the last packet received. Unlike
     * §10.1, sending does not restart it, so that a vanished peer is given up at the configured time
     * after its last packet; keepalive PINGs make a live peer answer.
     */
    private long idleDeadline() {
        return idleStart + Math.max(config.idleTimeout(), 3 * rtt.ptoPeriod());
    }

    private boolean keepAliveArmed() {
        return config.keepAliveInterval() > 0 && !streams.isEmpty() && !loss.hasAckElicitingInFlight();
    }

    private boolean keepAliveDue(long now) {
        return keepAliveArmed() && now - lastAckElicitingSent >= config.keepAliveInterval();
    }

    // ================================================================== sending

    private boolean hasControlPending() {
        if (maxDataPending || maxStreamsPending) {
            return true;
        }
        for (StreamState s : streams.values()) {
            if (s.send.resetPending() || s.recv.stopSendingPending() || s.recv.maxStreamDataPending()) {
                return true;
            }
        }
        return false;
    }

    private boolean hasStreamPending() {
        long credit = peerMaxData - dataSent;
        for (StreamState s : streams.values()) {
            if (s.send.hasPending(credit)) {
                return true;
            }
        }
        return false;
    }

    /** Control frames, each with its latest value (RFC 9000 §13.3). */
    private int writeControls(byte[] buf, int p, int end, SentPacket sp) {
        if (maxDataPending && p + StreamFrames.maxLength(localMaxData) <= end) {
            p = StreamFrames.writeMaxData(buf, p, localMaxData);
            sp.addControl(StreamFrames.MAX_DATA, -1);
            sp.ackEliciting = true;
            maxDataPending = false;
            localMaxDataSent = localMaxData;
        }
        if (maxStreamsPending && p + StreamFrames.maxLength(localMaxStreams) <= end) {
            p = StreamFrames.writeMaxStreams(buf, p, localMaxStreams);
            sp.addControl(StreamFrames.MAX_STREAMS, -1);
            sp.ackEliciting = true;
            maxStreamsPending = false;
            localMaxStreamsSent = localMaxStreams;
        }
        for (StreamState s : streams.values()) {
            if (s.send.resetPending()) {
                long size = s.send.finalSizeForReset();
                if (p + StreamFrames.resetStreamLength(s.id, s.send.resetCode(), size) > end) {
                    break;
                }
                p = StreamFrames.writeResetStream(buf, p, s.id, s.send.resetCode(), size);
                sp.addControl(StreamFrames.RESET_STREAM, s.id);
                sp.ackEliciting = true;
                s.send.onResetSent();
            }
            if (s.recv.stopSendingPending()) {
                if (p + StreamFrames.stopSendingLength(s.id, s.recv.stopCode()) > end) {
                    break;
                }
                p = StreamFrames.writeStopSending(buf, p, s.id, s.recv.stopCode());
                sp.addControl(StreamFrames.STOP_SENDING, s.id);
                sp.ackEliciting = true;
                s.recv.onStopSendingSent();
            }
            if (s.recv.maxStreamDataPending()) {
                if (p + StreamFrames.maxStreamDataLength(s.id, s.recv.maxStreamData()) > end) {
                    break;
                }
                p = StreamFrames.writeMaxStreamData(buf, p, s.id, s.recv.maxStreamData());
                sp.addControl(StreamFrames.MAX_STREAM_DATA, s.id);
                sp.ackEliciting = true;
                s.recv.onMaxStreamDataSent();
            }
        }
        return p;
    }

    /**
     * STREAM frames, round robin over the streams (each packet starts one stream further on), lost
     * data of a stream before its new data.
     */
    private int writeStreamFrames(byte[] buf, int p, int end, SentPacket sp) {
        if (streams.isEmpty()) {
            return p;
        }
        Long first = null;
        Map.Entry<Long, StreamState> e = streams.ceilingEntry(roundRobinNext);
        if (e == null) {
            e = streams.firstEntry();
        }
        long startId = e.getKey();
        do {
            StreamState s = e.getValue();
            p = writeFramesOf(s, buf, p, end, sp);
            if (first == null && sp.chunks != null) {
                first = s.id;
            }
            if (end - p < MIN_FRAME_ROOM) {
                break;
            }
            e = streams.higherEntry(e.getKey());
            if (e == null) {
                e = streams.firstEntry();
            }
        } while (e.getKey() != startId);
        if (first != null) {
            roundRobinNext = first + 1;
        }
        return p;
    }

    private int writeFramesOf(StreamState s, byte[] buf, int p, int end, SentPacket sp) {
        while (end - p >= MIN_FRAME_ROOM && s.send.hasPending(peerMaxData - dataSent)) {
            long credit = peerMaxData - dataSent;
            int room = end - p;
            SendStream.Chunk c = s.send.nextChunk(room, credit);
            if (c == null) {
                break;
            }
            int header = StreamFrames.streamHeaderLength(s.id, c.offset(), room);
            if (c.length() > room - header) {
                if (room - header <= 0) {
                    break;
                }
                c = s.send.nextChunk(room - header, credit);
                if (c == null || (c.length() == 0 && !c.fin() && c.offset() != 0)) {
                    break;
                }
            }
            int dataAt = StreamFrames.writeStreamHeader(buf, p, s.id, c.offset(), s.port, c.fin(), c.length());
            s.send.copy(c, buf, dataAt);
            p = dataAt + c.length();
            s.send.onSent(c);
            sp.addChunk(s.id, c.offset(), c.length(), c.fin());
            sp.ackEliciting = true;
            if (c.newData()) {
                dataSent += c.length();
                bytesSent += c.length();
            } else {
                bytesRetransmitted += c.length();
            }
        }
        return p;
    }

    // ================================================================== streams

    private StreamState visibleStream(long id) {
        StreamState s = streams.get(id);
        return s != null && s.visible() ? s : null;
    }

    private boolean isLocal(long id) {
        return (id & ID_PARITY_MASK) == parity;
    }

    private void addStream(StreamState s) {
        streams.put(s.id, s);
        if (!creditsAnnounced) {
            // Credits above the initial ones are announced once streams are in use, not on an idle association.
            creditsAnnounced = true;
            if (config.connectionReceiveWindow() > localMaxData) {
                localMaxData = config.connectionReceiveWindow();
                maxDataPending = true;
            }
            if (localMaxStreams < config.maxStreams()) {
                localMaxStreams = config.maxStreams();
                maxStreamsPending = true;
            }
        }
    }

    /**
     * The stream a peer's frame names, creating peer streams up to it (RFC 9000 §3.2); null when it
     * was closed and forgotten (the frame is ignored) or the frame breaks the rules (the receiver
     * records the error).
     */
    private StreamState streamForFrame(long id) {
        long index = id >>> 1;
        if (isLocal(id)) {
            if (index >= nextLocalIndex) {
                receiver.violation(ConnectionError.STREAM_STATE_ERROR);
                return null;
            }
            return streams.get(id);
        }
        if (index >= localMaxStreamsSent) {
            receiver.violation(ConnectionError.STREAM_LIMIT_ERROR);
            return null;
        }
        while (nextPeerIndex <= index) {
            addStream(new StreamState((nextPeerIndex << 1) | (parity ^ 1), false, -1, config));
            nextPeerIndex++;
        }
        return streams.get(id);
    }

    /** A peer stream whose port just became known: accept it or refuse it (spec/STREAMS.md §6). */
    private void announce(StreamState s) {
        if (s.announced || s.local || s.port < 0) {
            return;
        }
        s.announced = true;
        if (!config.portAcceptor().test(s.port)) {
            s.refused = true;
            s.recv.stopSending(StreamErrors.REFUSED);
            s.send.reset(StreamErrors.REFUSED);
            noteConsumed(s);
            return;
        }
        events.add(new StreamEvent.StreamOpened(s.id, s.port));
    }

    private void signalReadable(StreamState s) {
        if (!s.visible() || s.readableSignalled || s.recv.isStopped()) {
            return;
        }
        ReceiveStream.State st = s.recv.state();
        if (s.recv.available() > 0 || st == ReceiveStream.State.DATA_RECVD) {
            s.readableSignalled = true;
            events.add(new StreamEvent.Readable(s.id));
        }
    }

    /** Frees a stream whose halves are both done (RFC 9000 §3.3), and gives the peer a new stream. */
    private void maybeFree(StreamState s) {
        if (!s.visible() && s.recv.state() == ReceiveStream.State.RESET_RECVD) {
            s.recv.onResetRead(); // nobody here to tell
        }
        if (!s.send.isTerminal() || !s.recv.isFinishedForApp() || streams.get(s.id) != s) {
            return;
        }
        noteConsumed(s);
        streams.remove(s.id);
        if (s.local) {
            liveLocal--;
            if (streamsBlocked && nextLocalIndex < peerMaxStreams) {
                streamsBlocked = false;
                events.add(new StreamEvent.StreamsAvailable());
            }
        } else {
            peerStreamsClosed++;
            localMaxStreams = peerStreamsClosed + config.maxStreams();
            maxStreamsPending = true;
        }
        if (s.visible()) {
            events.add(new StreamEvent.StreamClosed(s.id));
        }
    }

    /** Counts credit the stream's reader has freed, and offers the peer more (RFC 9000 §4.2). */
    private void noteConsumed(StreamState s) {
        long c = s.recv.consumed();
        if (c > s.consumedReported) {
            dataConsumed += c - s.consumedReported;
            s.consumedReported = c;
            updateMaxData();
        }
    }

    private void updateMaxData() {
        long window = config.connectionReceiveWindow();
        if (creditsAnnounced && localMaxData - dataConsumed < window / 2) {
            localMaxData = dataConsumed + window;
            maxDataPending = true;
        }
    }

    private static long checkCode(long code) {
        if (code < 0 || code > VarInt.MAX) {
            throw new IllegalArgumentException("error code must be 0.." + VarInt.MAX);
        }
        return code;
    }

    // ================================================================== receiving

    /** Acts on the frames of one packet, in order. */
    private final class Receiver implements StreamFrameVisitor {
        long now;
        long packetNumber;
        boolean ackEliciting;
        ReceiveOutcome outcome;

        void start(long t) {
            now = t;
            ackEliciting = false;
            outcome = ReceiveOutcome.PROCESSED;
        }

        private boolean skipping() {
            return outcome != ReceiveOutcome.PROCESSED && outcome != ReceiveOutcome.NOT_ACKNOWLEDGED;
        }

        void violation(ConnectionError reason) {
            if (!skipping()) {
                outcome = ReceiveOutcome.PROTOCOL_VIOLATION;
                close(reason);
            }
        }

        @Override
        public void onPacketNumber(int senderEpoch, int receiverEpoch, long pn) {
            packetNumber = pn;
            if (receiverEpoch != 0 && receiverEpoch != localEpoch) {
                outcome = ReceiveOutcome.STALE_EPOCH;
            } else if (peerEpoch == 0) {
                peerEpoch = senderEpoch;
            } else if (senderEpoch != peerEpoch) {
                outcome = ReceiveOutcome.PEER_RESTARTED;
                close(ConnectionError.PEER_RESTARTED);
            }
            if (!skipping() && acks.isDuplicate(pn)) {
                outcome = ReceiveOutcome.DUPLICATE;
            }
        }

        @Override
        public void onAck(AckFrame ack) {
            if (skipping()) {
                return;
            }
            if (ack.largest() >= nextPacketNumber) {
                violation(ConnectionError.STREAM_STATE_ERROR); // RFC 9000 §13.1: acknowledges a packet never sent
                return;
            }
            loss.onAckReceived(ack, now);
        }

        @Override
        public void onStream(long id, long offset, int port, boolean fin, byte[] b, int off, int len) {
            if (skipping()) {
                return;
            }
            ackEliciting = true;
            StreamState s = streamForFrame(id);
            if (s == null) {
                return;
            }
            long credit = s.recv.newCredit(offset + len);
            if (dataReceived + credit > localMaxDataSent) {
                violation(ConnectionError.FLOW_CONTROL_ERROR);
                return;
            }
            switch (s.recv.onData(offset, fin, b, off, len)) {
                case OK -> dataReceived += credit;
                case NOT_STORED -> outcome = ReceiveOutcome.NOT_ACKNOWLEDGED;
                case FLOW_CONTROL_ERROR -> violation(ConnectionError.FLOW_CONTROL_ERROR);
                default -> violation(ConnectionError.FINAL_SIZE_ERROR);
            }
            if (skipping()) {
                return;
            }
            if (port >= 0 && s.port < 0 && !s.local) {
                s.port = port;
                announce(s);
            }
            noteConsumed(s);
            signalReadable(s);
            maybeFree(s);
        }

        @Override
        public void onResetStream(long id, long code, long finalSize) {
            if (skipping()) {
                return;
            }
            ackEliciting = true;
            StreamState s = streamForFrame(id);
            if (s == null) {
                return;
            }
            long credit = s.recv.newCredit(finalSize);
            if (dataReceived + credit > localMaxDataSent) {
                violation(ConnectionError.FLOW_CONTROL_ERROR);
                return;
            }
            ReceiveStream.State before = s.recv.state();
            switch (s.recv.onReset(code, finalSize)) {
                case OK -> dataReceived += credit;
                case FLOW_CONTROL_ERROR -> violation(ConnectionError.FLOW_CONTROL_ERROR);
                default -> violation(ConnectionError.FINAL_SIZE_ERROR);
            }
            if (skipping()) {
                return;
            }
            if (before != s.recv.state() && s.recv.state() == ReceiveStream.State.RESET_RECVD) {
                if (s.visible() && !s.recv.isStopped()) {
                    events.add(new StreamEvent.StreamReset(id, code));
                } else if (!s.announced) {
                    // Reset before its port arrived: it will never be announced; close our half too.
                    s.refused = true;
                    s.announced = true;
                    s.send.reset(StreamErrors.REFUSED);
                }
            }
            noteConsumed(s);
            maybeFree(s);
        }

        @Override
        public void onStopSending(long id, long code) {
            if (skipping()) {
                return;
            }
            ackEliciting = true;
            StreamState s = streamForFrame(id);
            if (s == null) {
                return;
            }
            // RFC 9000 §3.5: answer with RESET_STREAM carrying the same code.
            if (s.send.reset(code) && s.visible()) {
                events.add(new StreamEvent.StopSending(id, code));
            }
            maybeFree(s);
        }

        @Override
        public void onMaxData(long max) {
            if (skipping()) {
                return;
            }
            ackEliciting = true;
            peerMaxData = Math.max(peerMaxData, max);
        }

        @Override
        public void onMaxStreamData(long id, long max) {
            if (skipping()) {
                return;
            }
            ackEliciting = true;
            StreamState s = streamForFrame(id);
            if (s != null) {
                s.send.onMaxStreamData(max);
            }
        }

        @Override
        public void onMaxStreams(long max) {
            if (skipping()) {
                return;
            }
            ackEliciting = true;
            if (max > peerMaxStreams) {
                peerMaxStreams = max;
                if (streamsBlocked && liveLocal < config.maxStreams()) {
                    streamsBlocked = false;
                    events.add(new StreamEvent.StreamsAvailable());
                }
            }
        }

        @Override
        public void onPing() {
            if (!skipping()) {
                ackEliciting = true;
            }
        }
    }

    /** What the loss detector decided about each packet: repair per frame (RFC 9000 §13.3). */
    private final class Recovery implements LossDetector.Listener {
        @Override
        public void onPacketAcked(SentPacket p) {
            if (p.largestAckedInAck >= 0) {
                acks.onAckAcknowledged(p.largestAckedInAck);
            }
            if (p.chunks != null) {
                for (SentPacket.Chunk c : p.chunks) {
                    StreamState s = streams.get(c.streamId());
                    if (s != null) {
                        s.send.onAcked(c.offset(), c.length(), c.fin());
                        if (s.visible() && s.send.takeWritable()) {
                            events.add(new StreamEvent.Writable(s.id));
                        }
                        maybeFree(s);
                    }
                }
            }
            if (p.controls != null) {
                for (SentPacket.Control c : p.controls) {
                    StreamState s = streams.get(c.streamId());
                    if (c.type() == StreamFrames.RESET_STREAM && s != null) {
                        s.send.onResetAcked();
                        maybeFree(s);
                    }
                }
            }
        }

        @Override
        public void onPacketLost(SentPacket p) {
            repair(p);
        }

        @Override
        public void onProbeRetransmit(SentPacket p) {
            repair(p);
        }

        private void repair(SentPacket p) {
            if (p.chunks != null) {
                for (SentPacket.Chunk c : p.chunks) {
                    StreamState s = streams.get(c.streamId());
                    if (s != null) {
                        s.send.onLost(c.offset(), c.length(), c.fin());
                    }
                }
            }
            if (p.controls == null) {
                return;
            }
            for (SentPacket.Control c : p.controls) {
                StreamState s = streams.get(c.streamId());
                switch (c.type()) {
                    case StreamFrames.MAX_DATA -> maxDataPending = true;
                    case StreamFrames.MAX_STREAMS -> maxStreamsPending = true;
                    case StreamFrames.RESET_STREAM -> {
                        if (s != null) {
                            s.send.onResetLost();
                        }
                    }
                    case StreamFrames.STOP_SENDING -> {
                        if (s != null) {
                            s.recv.onStopSendingLost();
                        }
                    }
                    default -> {
                        if (s != null) {
                            s.recv.onMaxStreamDataLost();
                        }
                    }
                }
            }
        }
    }
}
