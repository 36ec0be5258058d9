package io.mp2p;

import java.io.IOException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.mp2p.engine.Endpoint;
import io.mp2p.identity.PeerKey;
import io.mp2p.stream.StreamConnection;
import io.mp2p.stream.StreamEvent;

/**
 * The channel's side of streams: which {@link Mp2pStream} an engine stream id of a peer is, which
 * ports listen, and what each stream event means for them. Every engine call runs under the channel's
 * engine lock: reads and writes on the caller's thread ({@link SecureMulticastChannel#withEngine}),
 * so bulk data needs no round trip to the I/O thread; closes are posted to the I/O thread, since they
 * must never wait. The blocking and waiting happen in {@link Mp2pStream} and {@link StreamListener}.
 */
final class ChannelStreams {
    /** Ports a listener on port 0 gets, as ephemeral TCP ports are. */
    private static final int FIRST_FREE_PORT = 49_152;
    private static final int LAST_PORT = 65_535;
    /** Error code of the refusal of a stream to a port nobody listens on, or whose backlog is full. */
    private static final long REFUSED = 2;

    private final SecureMulticastChannel channel;
    private final Endpoint engine;
    /** Under the channel's engine lock. */
    private final Map<PeerKey, Map<Long, Mp2pStream>> byPeer = new HashMap<>();
    /** Read by the engine (on the I/O thread) to accept or refuse a new stream; written by any thread. */
    private final Map<Integer, StreamListener> listeners = new ConcurrentHashMap<>();

    ChannelStreams(SecureMulticastChannel channel, Endpoint engine) {
        this.channel = channel;
        this.engine = engine;
    }

    /** Whether a stream to {@code port} is accepted (the engine's port acceptor). */
    boolean listening(int port) {
        return listeners.containsKey(port);
    }

    StreamListener listen(int port, int backlog) throws IOException {
        if (port < 0 || port > LAST_PORT) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be positive, got " + backlog);
        }
        if (port == 0) {
            for (int p = FIRST_FREE_PORT; p <= LAST_PORT; p++) {
                StreamListener l = new StreamListener(this, p, backlog);
                if (listeners.putIfAbsent(p, l) == null) {
                    return l;
                }
            }
            throw new BindException("no free stream port left");
        }
        StreamListener l = new StreamListener(this, port, backlog);
        if (listeners.putIfAbsent(port, l) != null) {
            throw new BindException("stream port " + port + " is already listened on");
        }
        return l;
    }

    void unlisten(StreamListener l) {
        listeners.remove(l.port(), l);
    }

    /** Opens a stream to {@code port} on {@code peer} (a session with it exists or is being made). */
    Mp2pStream open(PeerKey peer, int port) throws IOException {
        Mp2pStream opened = channel.withEngine("open a stream", () -> {
            long id = engine.openStream(peer, port, channel.engineNow());
            if (id == StreamConnection.NO_STREAM) {
                return null;
            }
            Mp2pStream s = new Mp2pStream(this, peer, id, Mp2pStream.ephemeralPort(id), port);
            byPeer.computeIfAbsent(peer, k -> new HashMap<>()).put(id, s);
            return s;
        });
        if (opened == null) {
            throw new IOException("the peer allows no more streams now; close some and try again");
        }
        return opened;
    }

    int read(Mp2pStream s, byte[] b, int off, int len) throws IOException {
        return channel.withEngine("read a stream",
                () -> engine.streamRead(s.peer(), s.id(), b, off, len, channel.engineNow()));
    }

    int write(Mp2pStream s, byte[] b, int off, int len) throws IOException {
        return channel.withEngine("write a stream",
                () -> engine.streamWrite(s.peer(), s.id(), b, off, len, channel.engineNow()));
    }

    int available(Mp2pStream s) throws IOException {
        return channel.withEngine("query a stream", () -> engine.streamAvailable(s.peer(), s.id()));
    }

    void finish(Mp2pStream s) throws IOException {
        channel.withEngine("finish a stream", () -> {
            engine.streamFinish(s.peer(), s.id(), channel.engineNow());
            return Boolean.TRUE;
        });
    }

    void stopSending(Mp2pStream s, long code) throws IOException {
        channel.withEngine("stop a stream", () -> {
            engine.streamStopSending(s.peer(), s.id(), code, channel.engineNow());
            return Boolean.TRUE;
        });
    }

    /** Orderly when every received byte was read; a reset otherwise. Never waits for the I/O thread. */
    void close(Mp2pStream s, boolean outputDone, boolean inputDone) {
        channel.postToIo(() -> {
            long now = channel.engineNow();
            boolean unread = engine.streamAvailable(s.peer(), s.id()) > 0;
            if (unread) {
                engine.streamReset(s.peer(), s.id(), 1, now);
            } else if (!outputDone) {
                engine.streamFinish(s.peer(), s.id(), now);
            }
            if (!inputDone || unread) {
                // The stream's state is freed only once this side has seen its end or asked it to stop.
                engine.streamStopSending(s.peer(), s.id(), 0, now);
            }
        });
    }

    void abort(Mp2pStream s, long code) {
        channel.postToIo(() -> {
            long now = channel.engineNow();
            engine.streamReset(s.peer(), s.id(), code, now);
            engine.streamStopSending(s.peer(), s.id(), code, now);
        });
    }

    // ------------------------------------------------------------------ events (I/O thread)

    void onEvent(PeerKey peer, StreamEvent e) {
        if (e instanceof StreamEvent.StreamOpened o) {
            StreamListener l = listeners.get(o.port());
            Mp2pStream s = new Mp2pStream(this, peer, o.streamId(), o.port(), Mp2pStream.ephemeralPort(o.streamId()));
            byPeer.computeIfAbsent(peer, k -> new HashMap<>()).put(o.streamId(), s);
            if (l == null || !l.offer(s)) {
                long now = channel.engineNow();
                engine.streamReset(peer, o.streamId(), REFUSED, now);
                engine.streamStopSending(peer, o.streamId(), REFUSED, now);
            }
        } else if (e instanceof StreamEvent.Readable r) {
            signal(peer, r.streamId());
        } else if (e instanceof StreamEvent.Writable w) {
            signal(peer, w.streamId());
        } else if (e instanceof StreamEvent.StreamReset r) {
            signal(peer, r.streamId());
        } else if (e instanceof StreamEvent.StopSending s) {
            signal(peer, s.streamId());
        } else if (e instanceof StreamEvent.StreamClosed c) {
            Map<Long, Mp2pStream> m = byPeer.get(peer);
            Mp2pStream s = m == null ? null : m.remove(c.streamId());
            if (s != null) {
                s.signal();
            }
        } else if (e instanceof StreamEvent.ConnectionClosed c) {
            brokenAll(peer, "the streams with " + peer.toHex() + " ended: " + describe(c.reason()));
        }
    }

    private void signal(PeerKey peer, long id) {
        Map<Long, Mp2pStream> m = byPeer.get(peer);
        Mp2pStream s = m == null ? null : m.get(id);
        if (s != null) {
            s.signal();
        }
    }

    private void brokenAll(PeerKey peer, String why) {
        Map<Long, Mp2pStream> m = byPeer.remove(peer);
        if (m != null) {
            for (Mp2pStream s : m.values()) {
                s.broken(why);
            }
        }
    }

    private static String describe(io.mp2p.stream.ConnectionError reason) {
        return switch (reason) {
            case IDLE_TIMEOUT -> "the peer went silent (idle timeout)";
            case ABORTED -> "the session closed";
            case PEER_RESTARTED -> "the peer's stream layer restarted";
            default -> "protocol error (" + reason + ")";
        };
    }

    /** The channel closed: every stream and listener ends. */
    void shutdown() {
        List<PeerKey> peers = new ArrayList<>(byPeer.keySet());
        for (PeerKey p : peers) {
            brokenAll(p, "the channel is closed");
        }
        for (StreamListener l : new ArrayList<>(listeners.values())) {
            l.close();
        }
    }
}
