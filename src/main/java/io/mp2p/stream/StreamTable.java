package io.mp2p.stream;

import java.util.Collection;
import java.util.Deque;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The streams of a connection: ids (spec/STREAMS.md §4.3), the stream limits both ways (RFC 9000
 * §4.6), creation by either side, announcement to the application, and freeing (§3.3). It also
 * reports stream events.
 */
final class StreamTable {
    private static final int ID_PARITY_MASK = 1;

    private final StreamConfig config;
    private final int parity;
    private final ConnectionCredit credit;
    private final Deque<StreamEvent> events;
    private final TreeMap<Long, StreamState> streams = new TreeMap<>();

    // Indices count the streams of one side: id = 2 × index + that side's parity.
    private long nextLocalIndex;
    private int liveLocal;
    private long peerMaxStreams = StreamConstants.INITIAL_MAX_STREAMS;
    private boolean streamsBlocked;
    private long nextPeerIndex;
    private long peerStreamsClosed;
    private long localMaxStreams = StreamConstants.INITIAL_MAX_STREAMS;
    private long localMaxStreamsSent = StreamConstants.INITIAL_MAX_STREAMS;
    private boolean maxStreamsPending;
    private boolean inUse;
    private ConnectionError violation;

    StreamTable(StreamConfig config, boolean opensEvenIds, ConnectionCredit credit, Deque<StreamEvent> events) {
        this.config = config;
        this.parity = opensEvenIds ? 0 : 1;
        this.credit = credit;
        this.events = events;
    }

    /** Opens a local stream, or returns {@link StreamConnection#NO_STREAM} at a limit. */
    long open(int port) {
        if (nextLocalIndex >= peerMaxStreams || liveLocal >= config.maxStreams()) {
            streamsBlocked = true;
            return StreamConnection.NO_STREAM;
        }
        long id = (nextLocalIndex << 1) | parity;
        nextLocalIndex++;
        liveLocal++;
        add(new StreamState(id, true, port, config));
        return id;
    }

    private void add(StreamState s) {
        streams.put(s.id, s);
        if (!inUse) {
            // Credits above the initial ones are offered once streams are in use, not on an idle association.
            inUse = true;
            credit.announce();
            if (localMaxStreams < config.maxStreams()) {
                localMaxStreams = config.maxStreams();
                maxStreamsPending = true;
            }
        }
    }

    StreamState get(long id) {
        return streams.get(id);
    }

    /** A stream the application may use: local, or a peer's that was accepted. */
    StreamState visible(long id) {
        StreamState s = streams.get(id);
        return s != null && s.visible() ? s : null;
    }

    NavigableMap<Long, StreamState> all() {
        return streams;
    }

    Collection<StreamState> values() {
        return streams.values();
    }

    boolean isEmpty() {
        return streams.isEmpty();
    }

    void clear() {
        streams.clear();
    }

    /**
     * The stream a peer's frame names, creating peer streams up to it (RFC 9000 §3.2). Null when it
     * was closed and forgotten (the frame is ignored), or when the frame breaks the rules: then
     * {@link #takeViolation()} says how.
     */
    StreamState forFrame(long id) {
        long index = id >>> 1;
        if ((id & ID_PARITY_MASK) == parity) {
            if (index >= nextLocalIndex) {
                violation = ConnectionError.STREAM_STATE_ERROR; // a stream of ours that we never opened
                return null;
            }
            return streams.get(id);
        }
        if (index >= localMaxStreamsSent) {
            violation = ConnectionError.STREAM_LIMIT_ERROR;
            return null;
        }
        while (nextPeerIndex <= index) {
            add(new StreamState((nextPeerIndex << 1) | (parity ^ 1), false, -1, config));
            nextPeerIndex++;
        }
        return streams.get(id);
    }

    /** The rule the last {@link #forFrame} found broken, or null; clears it. */
    ConnectionError takeViolation() {
        ConnectionError v = violation;
        violation = null;
        return v;
    }

    /** A peer stream's port arrived: accept it or refuse it (spec/STREAMS.md §5.4). */
    void learnPort(StreamState s, int port) {
        if (s.local || s.port >= 0 || s.announced) {
            return;
        }
        s.port = port;
        s.announced = true;
        if (!config.portAcceptor().test(port)) {
            s.refused = true;
            s.recv.stopSending(StreamErrors.REFUSED);
            s.send.reset(StreamErrors.REFUSED);
            noteConsumed(s);
            return;
        }
        events.add(new StreamEvent.StreamOpened(s.id, port));
    }

    /** A peer stream reset before its port arrived: never announced; this side's half is closed too. */
    void abandonUnannounced(StreamState s) {
        s.refused = true;
        s.announced = true;
        s.send.reset(StreamErrors.REFUSED);
    }

    void signalReadable(StreamState s) {
        if (!s.visible() || s.readableSignalled || s.recv.isStopped()) {
            return;
        }
        if (s.recv.available() > 0 || s.recv.state() == ReceiveStream.State.DATA_RECVD) {
            s.readableSignalled = true;
            events.add(new StreamEvent.Readable(s.id));
        }
    }

    void signalWritable(StreamState s) {
        if (s.visible() && s.send.takeWritable()) {
            events.add(new StreamEvent.Writable(s.id));
        }
    }

    /** Counts credit the stream's reader has freed towards the connection's window. */
    void noteConsumed(StreamState s) {
        long c = s.recv.consumed();
        if (c > s.consumedReported) {
            credit.onConsumed(c - s.consumedReported);
            s.consumedReported = c;
        }
    }

    /** Frees a stream whose halves are both done (RFC 9000 §3.3), and gives the peer a new stream. */
    void maybeFree(StreamState s) {
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
            maybeUnblock();
        } else {
            peerStreamsClosed++;
            localMaxStreams = peerStreamsClosed + config.maxStreams();
            maxStreamsPending = true;
        }
        if (s.visible()) {
            events.add(new StreamEvent.StreamClosed(s.id));
        }
    }

    /** MAX_STREAMS from the peer (RFC 9000 §19.11): the limit only grows. */
    void onMaxStreams(long max) {
        if (max > peerMaxStreams) {
            peerMaxStreams = max;
            maybeUnblock();
        }
    }

    private void maybeUnblock() {
        if (streamsBlocked && nextLocalIndex < peerMaxStreams && liveLocal < config.maxStreams()) {
            streamsBlocked = false;
            events.add(new StreamEvent.StreamsAvailable());
        }
    }

    boolean maxStreamsPending() {
        return maxStreamsPending;
    }

    long maxStreams() {
        return localMaxStreams;
    }

    void onMaxStreamsSent() {
        maxStreamsPending = false;
        localMaxStreamsSent = Math.max(localMaxStreamsSent, localMaxStreams);
    }

    void onMaxStreamsLost() {
        maxStreamsPending = true;
    }
}
