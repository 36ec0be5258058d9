package io.mp2p.net.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.mp2p.identity.PeerKey;
import io.mp2p.net.PeerResolver;

/**
 * Streams between peers in one process, with no network: a stand-in for the stream layer, so that the sockets, the
 * factories and the third-party code over them can be tested before that layer is wired in. Peers are found by
 * key; the group in an address is ignored. Each direction of a stream buffers at most {@code bufferBytes}.
 */
public final class MemoryStreams {
    /** Where opened streams' local ports start, as the IANA dynamic range does. */
    static final int FIRST_EPHEMERAL_PORT = 49_152;
    private static final int MAX_PORT = 65_535;

    private final int bufferBytes;
    private final PeerResolver resolver;
    private final Map<PeerKey, Node> nodes = new ConcurrentHashMap<>();
    private final AtomicInteger streamsOpened = new AtomicInteger();

    public MemoryStreams(int bufferBytes, PeerResolver resolver) {
        this.bufferBytes = bufferBytes;
        this.resolver = resolver;
    }

    /** The node of {@code key}: its connector and acceptor. */
    public Node node(PeerKey key) {
        return nodes.computeIfAbsent(key, Node::new);
    }

    /** Streams opened so far on this network (each is one "TCP connection"). */
    public int streamsOpened() {
        return streamsOpened.get();
    }

    int bufferBytes() {
        return bufferBytes;
    }

    /** One peer: opens streams to others, listens on its ports. */
    public final class Node implements StreamConnector, StreamAcceptor {
        private final PeerKey key;
        private final Map<Integer, Listener> listeners = new ConcurrentHashMap<>();
        private final AtomicInteger nextPort = new AtomicInteger(FIRST_EPHEMERAL_PORT);

        Node(PeerKey key) {
            this.key = key;
        }

        @Override
        public CompletableFuture<ByteStream> open(PeerKey peer, InetAddress peerAddress, int port) {
            Node target = nodes.get(peer);
            Listener l = target == null ? null : target.listeners.get(port);
            if (l == null) {
                return CompletableFuture.failedFuture(new ConnectException("Connection refused: nothing listens on "
                        + peer.toHex().substring(0, 8) + " port " + port));
            }
            MemoryConnection c = new MemoryConnection(key, ephemeralPort(), peer, port, bufferBytes);
            if (!l.offer(c.acceptorEnd())) {
                return CompletableFuture.failedFuture(new ConnectException("Connection refused: backlog full"));
            }
            streamsOpened.incrementAndGet();
            return CompletableFuture.completedFuture(c.openerEnd());
        }

        private int ephemeralPort() {
            int span = MAX_PORT - FIRST_EPHEMERAL_PORT + 1;
            return FIRST_EPHEMERAL_PORT + Math.floorMod(nextPort.getAndIncrement() - FIRST_EPHEMERAL_PORT, span);
        }

        @Override
        public PortListener listen(int port, int backlog) throws IOException {
            int p = port;
            if (p == 0) {
                do {
                    p = ephemeralPort();
                } while (listeners.containsKey(p));
            }
            Listener l = new Listener(this, p, backlog);
            if (listeners.putIfAbsent(p, l) != null) {
                throw new BindException("Address already in use: port " + p);
            }
            return l;
        }

        @Override
        public InetAddress localAddress() {
            return resolver.address(key);
        }
    }

    /** A port listened on: a bounded queue of streams waiting for accept. */
    private static final class Listener implements PortListener {
        private final Node node;
        private final int port;
        private final int backlog;
        private final ArrayDeque<ByteStream> waiting = new ArrayDeque<>();
        private boolean closed;

        Listener(Node node, int port, int backlog) {
            this.node = node;
            this.port = port;
            this.backlog = Math.max(1, backlog);
        }

        synchronized boolean offer(ByteStream s) {
            if (closed || waiting.size() >= backlog) {
                return false;
            }
            waiting.add(s);
            notifyAll();
            return true;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public synchronized ByteStream accept(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                ByteStream s = waiting.poll();
                if (s != null) {
                    return s;
                }
                long left = deadline - System.nanoTime();
                if (!timeout.isZero() && left <= 0) {
                    throw new SocketTimeoutException("Accept timed out");
                }
                try {
                    if (timeout.isZero()) {
                        wait();
                    } else {
                        Duration d = Duration.ofNanos(left);
                        wait(Math.max(1, d.toMillis()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                for (ByteStream s : waiting) {
                    s.abort();
                }
                waiting.clear();
                notifyAll();
            }
            node.listeners.remove(port, this);
        }
    }
}
